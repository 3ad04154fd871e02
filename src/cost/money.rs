//! money: amounts and unit prices as reports print them. Pure.

/// The sign printed before an amount, for the currencies that have a common one.
fn sign(currency: &str) -> Option<&'static str> {
    match currency {
        "USD" => Some("$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        _ => None,
    }
}

fn with_currency(number: &str, currency: &str) -> String {
    match sign(currency) {
        Some(sign) => format!("{sign}{number}"),
        None => format!("{number} {currency}"),
    }
}

/// Rounds an amount to cents, halves away from zero. Products of prices carry binary
/// noise (730 × 0.0225 is 16.424999…), so the amount is first rounded to 1/10000 of a cent.
pub fn round_cents(amount: f64) -> f64 {
    ((amount * 1e6).round() / 1e4).round() / 100.0
}

/// `$1,234.56`: two decimals, thousands grouped; `1,234.56 CHF` for other currencies.
pub fn amount(value: f64, currency: &str) -> String {
    // Report amounts are sums of monthly prices: far inside i64, never negative.
    #[allow(clippy::cast_possible_truncation)]
    let cents = (round_cents(value.max(0.0)) * 100.0).round() as i64;
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    with_currency(&format!("{grouped}.{:02}", cents % 100), currency)
}

/// A unit price with the decimals it was given (at least two): `$0.0832`, `$0.10`.
pub fn unit(price: f64, currency: &str) -> String {
    let mut text = format!("{price}");
    match text.find('.') {
        None => text.push_str(".00"),
        Some(dot) if text.len() - dot == 2 => text.push('0'),
        Some(_) => {}
    }
    with_currency(&text, currency)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_cents_and_groups() {
        assert_eq!(amount(0.0, "USD"), "$0.00");
        assert_eq!(amount(32.119_999, "USD"), "$32.12");
        assert_eq!(amount(1234.5, "USD"), "$1,234.50");
        assert_eq!(amount(1_234_567.891, "EUR"), "€1,234,567.89");
        assert_eq!(amount(12.0, "CHF"), "12.00 CHF");
    }

    #[test]
    fn unit_prices_keep_their_decimals() {
        assert_eq!(unit(0.0832, "USD"), "$0.0832");
        assert_eq!(unit(0.1, "USD"), "$0.10");
        assert_eq!(unit(2.0, "USD"), "$2.00");
        assert!((round_cents(0.125_000_1) - 0.13).abs() < 1e-9);
    }
}
