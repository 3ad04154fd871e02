//! val: a JSON tree that borrows its strings from the text it was parsed from (a string
//! is copied only when it holds escapes), with objects as lists of members and numbers as
//! their raw text, and the strict hand-written parser that builds it from one resource
//! block. Its lists, its members and its copied strings live in an arena (`Bump`) the
//! caller resets between blocks: a block's tree costs no allocation of its own, and nothing
//! in it needs dropping. It reads what `serde_json` reads and refuses the rest: whatever it
//! refuses, the caller hands to `serde_json` for its verdict and its words, so being
//! stricter is never wrong and being laxer would be. Pure; no I/O.

use bumpalo::Bump;
use bumpalo::collections::{String as ArenaString, Vec as ArenaVec};
use serde_json::Value;

/// One JSON value.
#[derive(Debug, PartialEq)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    /// The number's text, checked to be a number `serde_json` reads.
    Num(&'a str),
    Str(&'a str),
    Arr(&'a mut [Val<'a>]),
    /// Members in the document's order until `normalize`, then sorted by key with each key
    /// once (the last one written wins), as a `serde_json::Map` holds them.
    Obj(&'a mut [(&'a str, Val<'a>)]),
}

/// `Null`: what is left where a value was taken out of a tree.
impl Default for Val<'_> {
    fn default() -> Self {
        Val::Null
    }
}

/// The parser refused the text: `serde_json` is to read it instead.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused;

/// How deep containers may nest, the block's own included: `serde_json` refuses a 128th
/// level.
const MAX_DEPTH: usize = 127;

impl<'a> Val<'a> {
    /// Parses a whole text holding one JSON value (whitespace around it allowed), its
    /// lists and copied strings in `arena`.
    pub fn parse(text: &'a [u8], arena: &'a Bump) -> Result<Val<'a>, Refused> {
        let text = std::str::from_utf8(text).map_err(|_| Refused)?;
        let mut parser = Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            arena,
            items: ArenaVec::with_capacity_in(16, arena),
            members: ArenaVec::with_capacity_in(64, arena),
        };
        let value = parser.value(0)?;
        parser.skip_ws();
        if parser.pos != parser.bytes.len() {
            return Err(Refused);
        }
        Ok(value)
    }

    /// The `serde_json::Value` this is: numbers are read by `serde_json` from their text, so
    /// they come out exactly as it reads them.
    pub fn to_value(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Num(text) => serde_json::from_str::<serde_json::Number>(text).map_or(Value::Null, Value::Number),
            Val::Str(s) => Value::String((*s).to_owned()),
            Val::Arr(items) => Value::Array(items.iter().map(Val::to_value).collect()),
            Val::Obj(members) => Value::Object(members.iter().map(|(k, v)| ((*k).to_owned(), v.to_value())).collect()),
        }
    }

    /// Sorts every object's members by key, each key once with its last value, as a
    /// `serde_json::Map` would hold them.
    pub fn normalize(&mut self) {
        match self {
            Val::Arr(items) => items.iter_mut().for_each(Val::normalize),
            Val::Obj(members) => {
                if !members.windows(2).all(|pair| key_before(pair[0].0, pair[1].0)) {
                    // Stable: of equal keys, the later stays after, and wins.
                    members.sort_by(|a, b| a.0.cmp(b.0));
                    let mut kept = 0;
                    for next in 0..members.len() {
                        if kept > 0 && members[kept - 1].0 == members[next].0 {
                            members.swap(kept - 1, next);
                        } else {
                            members.swap(kept, next);
                            kept += 1;
                        }
                    }
                    // What is left over stays in the arena; nothing in it needs dropping.
                    let all = std::mem::take(members);
                    *members = &mut all[..kept];
                }
                for (_, value) in members.iter_mut() {
                    value.normalize();
                }
            }
            _ => {}
        }
    }

    /// The member `name` of an object (normalized, each key once).
    pub fn get(&self, name: &str) -> Option<&Val<'a>> {
        match self {
            Val::Obj(members) => find(members, name).map(|n| &members[n].1),
            _ => None,
        }
    }

    /// The member `name` of an object, to change (normalized).
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Val<'a>> {
        match self {
            Val::Obj(members) => find(members, name).map(|n| &mut members[n].1),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Val<'a>]> {
        match self {
            Val::Arr(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(&'a str, Val<'a>)]> {
        match self {
            Val::Obj(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// The number as an `i64`, when `serde_json` would give one (`Value::as_i64`): an
    /// integer without fraction or exponent in range, `-0` excepted (a float to it).
    pub fn as_i64(&self) -> Option<i64> {
        let Val::Num(text) = self else { return None };
        if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
            return None;
        }
        match text.strip_prefix('-') {
            Some(_) => text.parse::<i64>().ok().filter(|n| *n != 0),
            None => text.parse::<u64>().ok().and_then(|n| i64::try_from(n).ok()),
        }
    }
}

/// Where `name` is among sorted members: a small object is searched in order, its keys
/// told apart by length before their bytes are compared; a large one by halves.
fn find(members: &[(&str, Val<'_>)], name: &str) -> Option<usize> {
    if members.len() <= 16 {
        members.iter().position(|(k, _)| k.len() == name.len() && *k == name)
    } else {
        members.binary_search_by(|(k, _)| (*k).cmp(name)).ok()
    }
}

/// Whether key `a` sorts strictly before `b`, as `str` orders them: most keys differ in
/// their first byte, which is compared before the rest.
fn key_before(a: &str, b: &str) -> bool {
    match a.as_bytes().first().cmp(&b.as_bytes().first()) {
        std::cmp::Ordering::Equal => a < b,
        order => order == std::cmp::Ordering::Less,
    }
}

impl<'a> Val<'a> {
    /// A `serde_json::Value` as a tree borrowing its strings; lists and numbers' texts go
    /// in `arena`.
    pub fn of(value: &'a Value, arena: &'a Bump) -> Self {
        match value {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(arena.alloc_str(&n.to_string())),
            Value::String(s) => Val::Str(s),
            Value::Array(items) => Val::Arr(arena.alloc_slice_fill_iter(items.iter().map(|v| Val::of(v, arena)))),
            Value::Object(map) => {
                Val::Obj(arena.alloc_slice_fill_iter(map.iter().map(|(k, v)| (k.as_str(), Val::of(v, arena)))))
            }
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    arena: &'a Bump,
    /// The items and members of the lists and objects being parsed, innermost last: each
    /// container moves its own into a slice of the arena when it closes.
    items: ArenaVec<'a, Val<'a>>,
    members: ArenaVec<'a, (&'a str, Val<'a>)>,
}

/// Whether a byte ends the plain run of a string: a quote, a backslash or a control
/// character (which JSON refuses unescaped).
const fn string_stops() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
}

const STRING_STOPS: [bool; 256] = string_stops();

/// Where the plain run of a string that goes on at `bytes[i]` ends: the index of the first
/// quote, backslash or control character from `i`, or the length. Eight bytes are looked
/// at a time, each test finding its first byte exactly (the lowest flag is never a false
/// one), so the lowest flag of the three is the first stop.
pub fn plain_run_end(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    /// Flags the bytes of `word` below `n` (at most 0x80), the first exactly.
    const fn below(word: u64, n: u64) -> u64 {
        word.wrapping_sub(ONES * n) & !word & HIGHS
    }
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let stops =
            below(word ^ (ONES * u64::from(b'"')), 1) | below(word ^ (ONES * u64::from(b'\\')), 1) | below(word, 0x20);
        if stops != 0 {
            return i + (stops.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(|b| !STRING_STOPS[usize::from(*b)]) {
        i += 1;
    }
    i
}

impl<'a> Parser<'a> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Val<'a>, Refused> {
        self.skip_ws();
        match *self.bytes.get(self.pos).ok_or(Refused)? {
            b'"' => {
                self.pos += 1;
                self.string().map(Val::Str)
            }
            b'{' => {
                if depth >= MAX_DEPTH {
                    return Err(Refused);
                }
                self.pos += 1;
                self.object(depth + 1)
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return Err(Refused);
                }
                self.pos += 1;
                self.array(depth + 1)
            }
            b't' => self.literal("true", Val::Bool(true)),
            b'f' => self.literal("false", Val::Bool(false)),
            b'n' => self.literal("null", Val::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Refused),
        }
    }

    fn literal(&mut self, word: &str, value: Val<'a>) -> Result<Val<'a>, Refused> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(Refused)
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A number as JSON writes it; any but a short integer is also read by `serde_json`
    /// (which refuses what overflows a float).
    fn number(&mut self) -> Result<Val<'a>, Refused> {
        let start = self.pos;
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        let int_start = self.pos;
        let int_len = self.digits();
        if int_len == 0 || (int_len > 1 && self.bytes[int_start] == b'0') {
            return Err(Refused);
        }
        let mut plain = int_len <= 18;
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(Refused);
            }
            plain = false;
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(Refused);
            }
            plain = false;
        }
        let text = &self.text[start..self.pos];
        if !plain && serde_json::from_str::<serde_json::Number>(text).is_err() {
            return Err(Refused);
        }
        Ok(Val::Num(text))
    }

    /// A string whose opening quote was walked over.
    fn string(&mut self) -> Result<&'a str, Refused> {
        let start = self.pos;
        let i = plain_run_end(self.bytes, start);
        match self.bytes.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                return Ok(&self.text[start..i]);
            }
            Some(b'\\') => {}
            _ => return Err(Refused),
        }
        // Escapes: decoded into the arena.
        let mut out = ArenaString::with_capacity_in(i - start + 16, self.arena);
        out.push_str(&self.text[start..i]);
        self.unescape(&mut out, i)?;
        Ok(out.into_bump_str())
    }

    /// Decodes the rest of a string with escapes into `out`, from `i` (at a backslash) to
    /// its closing quote.
    fn unescape(&mut self, out: &mut ArenaString<'a>, mut i: usize) -> Result<(), Refused> {
        loop {
            let b = *self.bytes.get(i).ok_or(Refused)?;
            match b {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(());
                }
                b'\\' => {
                    let escaped = *self.bytes.get(i + 1).ok_or(Refused)?;
                    i += 2;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let (c, len) = self.unicode_escape(i)?;
                            out.push(c);
                            i += len;
                        }
                        _ => return Err(Refused),
                    }
                }
                _ if STRING_STOPS[usize::from(b)] => return Err(Refused),
                _ => {
                    let run = i;
                    i = plain_run_end(self.bytes, i);
                    out.push_str(&self.text[run..i]);
                }
            }
        }
    }

    fn hex4(&self, at: usize) -> Result<u32, Refused> {
        let digits = self.bytes.get(at..at + 4).ok_or(Refused)?;
        digits.iter().try_fold(0u32, |n, b| {
            let d = char::from(*b).to_digit(16).ok_or(Refused)?;
            Ok(n * 16 + d)
        })
    }

    /// The character of a `\u` escape whose four hex digits start at `at`, and how many
    /// bytes it took (a surrogate pair takes a second `\uXXXX`). Lone surrogates are
    /// refused, as `serde_json` refuses them in strings.
    fn unicode_escape(&self, at: usize) -> Result<(char, usize), Refused> {
        let first = self.hex4(at)?;
        if (0xDC00..=0xDFFF).contains(&first) {
            return Err(Refused);
        }
        if !(0xD800..=0xDBFF).contains(&first) {
            return char::from_u32(first).map(|c| (c, 4)).ok_or(Refused);
        }
        if self.bytes.get(at + 4..at + 6) != Some(b"\\u") {
            return Err(Refused);
        }
        let second = self.hex4(at + 6)?;
        if !(0xDC00..=0xDFFF).contains(&second) {
            return Err(Refused);
        }
        let code = (((first - 0xD800) << 10) | (second - 0xDC00)) + 0x1_0000;
        char::from_u32(code).map(|c| (c, 10)).ok_or(Refused)
    }

    fn array(&mut self, depth: usize) -> Result<Val<'a>, Refused> {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Val::Arr(&mut []));
        }
        let base = self.items.len();
        loop {
            let item = self.value(depth)?;
            self.items.push(item);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Val::Arr(self.arena.alloc_slice_fill_iter(self.items.drain(base..))));
                }
                _ => return Err(Refused),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Val<'a>, Refused> {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Val::Obj(&mut []));
        }
        let base = self.members.len();
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(Refused);
            }
            self.pos += 1;
            let key = self.string()?;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(Refused);
            }
            self.pos += 1;
            let value = self.value(depth)?;
            self.members.push((key, value));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Val::Obj(self.arena.alloc_slice_fill_iter(self.members.drain(base..))));
                }
                _ => return Err(Refused),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An arena for one test's trees, kept to the end of the test run.
    fn arena() -> &'static Bump {
        Box::leak(Box::new(Bump::new()))
    }

    /// Parses with both parsers: where ours reads a text, `serde_json` reads the same tree.
    fn same_as_serde(text: &str) -> Val<'_> {
        let mut ours = Val::parse(text.as_bytes(), arena()).unwrap_or_else(|_| panic!("refused {text}"));
        ours.normalize();
        let theirs: Value = serde_json::from_str(text).expect("serde_json reads it");
        assert_eq!(ours.to_value(), theirs, "{text}");
        ours
    }

    fn refused(text: &str) {
        assert_eq!(Val::parse(text.as_bytes(), arena()), Err(Refused), "{text}");
    }

    #[test]
    fn issue_14_escapes_and_surrogate_pairs_decode_as_serde_json_decodes_them() {
        let v = same_as_serde(r#"{"a\"b": "x\\y\/z\b\f\n\r\t", "u": "\u00e9\u20ac\ud83d\ude00 end", "z": "\u0000"}"#);
        assert_eq!(v.get("a\"b").and_then(Val::as_str), Some("x\\y/z\u{8}\u{c}\n\r\t"));
        assert_eq!(v.get("u").and_then(Val::as_str), Some("é€😀 end"));
        assert_eq!(v.get("z").and_then(Val::as_str), Some("\0"));
        // Plain strings are borrowed from the text, not copied.
        let text = r#"{"plain": "vpc-0a1b2c3d"}"#;
        let tree = same_as_serde(text);
        let plain = tree.get("plain").and_then(Val::as_str).expect("a string");
        assert_eq!(plain, "vpc-0a1b2c3d");
        assert!(text.as_bytes().as_ptr_range().contains(&plain.as_ptr()), "borrowed from the text");
        for bad in [
            r#""\ud83d""#,
            r#""\ud83d\u0041""#,
            r#""\ude00""#,
            r#""\ud83dx""#,
            r#""\x""#,
            r#""\u12g4""#,
            "\"tab\there\"",
            r#""cut"#,
        ] {
            refused(bad);
            assert!(serde_json::from_str::<Value>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn issue_14_non_ascii_keys_sort_and_duplicates_keep_the_last_as_serde_json_does() {
        let v = same_as_serde(r#"{"zéro": 1, "Ärger": 2, "a": 3, "a": 4, "b": {"y": 1, "x": 2, "y": 3}}"#);
        let keys: Vec<&str> = v.as_object().expect("object").iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["a", "b", "zéro", "Ärger"]);
        assert_eq!(v.get("a").and_then(Val::as_i64), Some(4));
        assert_eq!(v.get("b").and_then(|b| b.get("y")).and_then(Val::as_i64), Some(3));
        // Runs of one key among others, at either end: each key once, its last value.
        let v = same_as_serde(r#"{"b": 1, "a": 1, "b": 2, "a": 2, "c": 0, "b": 3, "a": [], "a": {}}"#);
        let keys: Vec<&str> = v.as_object().expect("object").iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(v.get("a"), Some(&Val::Obj(&mut [])));
        assert_eq!(Val::parse(b"\"\xc3\x28\"", arena()), Err(Refused), "invalid UTF-8");
    }

    #[test]
    fn issue_14_numbers_read_as_serde_json_reads_them() {
        let v = same_as_serde(
            "[0, -1, 3000, 18446744073709551615, 18446744073709551616, -9223372036854775808, -0, 1.5, -2.5e-3, 1E2, 0.1, 123456789012345678901234567890]",
        );
        let items = v.as_array().expect("array");
        assert_eq!(items[2].as_i64(), Some(3000));
        assert_eq!(items[3].as_i64(), None, "beyond i64");
        assert_eq!(items[5].as_i64(), Some(i64::MIN));
        assert_eq!(items[6].as_i64(), None, "-0 is a float to serde_json");
        assert_eq!(items[6].to_value().as_i64(), None);
        assert_eq!(items[7].as_i64(), None);
        for bad in ["01", "-", "1.", ".5", "1e", "+1", "1e400", "-1e999", "0x10", "NaN", "tru", "nul"] {
            refused(bad);
            assert!(serde_json::from_str::<Value>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn issue_14_plain_runs_end_at_the_first_stop_in_any_of_eight_lanes() {
        let plain = "abcdefghijklmnopqrstuvwxyzé€😀ABCDEFG";
        for stop in ["\"", "\\", "\n", "\u{1}", "\u{1f}"] {
            for at in 0..plain.len() {
                if !plain.is_char_boundary(at) {
                    continue;
                }
                let text = format!("{}{stop}{}\"\\", &plain[..at], &plain[at..]);
                for from in 0..=at.min(9) {
                    assert_eq!(plain_run_end(text.as_bytes(), from), at, "{text:?} from {from}");
                }
            }
        }
        assert_eq!(plain_run_end(plain.as_bytes(), 3), plain.len());
        assert_eq!(plain_run_end(b" \x7f\x80\xff \x20!", 0), 7, "DEL, high bytes and space are plain");
    }

    #[test]
    fn issue_14_nesting_stops_where_serde_json_stops() {
        let nested = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        same_as_serde(&nested(MAX_DEPTH));
        refused(&nested(MAX_DEPTH + 1));
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH + 1)).is_err());
        refused(&nested(100_000));
    }

    #[test]
    fn issue_14_syntax_errors_are_refused() {
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "1 2", "{\"a\":1}}", "[1]x"] {
            refused(bad);
            assert!(serde_json::from_str::<Value>(bad).is_err(), "{bad}");
        }
        same_as_serde(" \n{ \"a\" : [ true , false , null ] , \"b\" : { } , \"c\" : [ ] }\t");
    }
}
