//! `raw_pages`: paging through the services listed without an SDK crate (`aws::raw`). Each
//! answer is handed to the listing once the account is known; a failed page ends the
//! listing with a failure naming the service, operation and kinds left incomplete, as the
//! SDK listings' `pages!` does.

use serde_json::Value;

use super::{Ctx, Known, Listing};
use crate::aws::raw::{RawClient, RawResult};
use crate::aws::xml::Node;

/// One listing's client, place and kinds (those a failure leaves incomplete).
pub struct Pages<'a> {
    pub client: &'a RawClient,
    pub ctx: &'a Ctx,
    pub kinds: &'a [&'a str],
}

impl Pages<'_> {
    /// A JSON operation's pages: the token's name in the request and in the answer
    /// (`nextToken` twice, or `Marker` and `NextMarker`).
    pub async fn json(
        &self,
        operation: &'static str,
        mut body: Value,
        (token_in, token_out): (&str, &str),
        out: &mut Listing,
        mut each: impl FnMut(&Value, &Known, &mut Listing),
    ) {
        loop {
            let page = self.client.json(operation, &body).await;
            let Some((page, known)) = self.read(page, operation, out).await else { return };
            each(&page, &known, out);
            match page.get(token_out).and_then(Value::as_str).filter(|t| !t.is_empty()) {
                Some(token) => body[token_in] = Value::from(token),
                None => return,
            }
        }
    }

    /// A Query operation's pages, by `Marker` (IAM) or `NextToken` (Auto Scaling): the
    /// same name in the request and in the answer.
    pub async fn query(
        &self,
        operation: &'static str,
        params: &[(&str, &str)],
        token: &str,
        out: &mut Listing,
        mut each: impl FnMut(&Node, &Known, &mut Listing),
    ) {
        let mut next: Option<String> = None;
        loop {
            let mut asked: Vec<(&str, &str)> = params.to_vec();
            if let Some(next) = &next {
                asked.push((token, next));
            }
            let page = self.client.query(operation, &asked).await;
            let Some((page, known)) = self.read(page, operation, out).await else { return };
            each(&page, &known, out);
            let truncated = page.find("IsTruncated").is_none_or(|t| t.text.trim() == "true");
            match page.find(token).map(|t| t.text.trim()).filter(|t| !t.is_empty() && truncated) {
                Some(token) => next = Some(token.to_owned()),
                None => return,
            }
        }
    }

    /// The answer and the account, or the failure recorded.
    pub async fn read<T>(&self, page: RawResult<T>, operation: &'static str, out: &mut Listing) -> Option<(T, Known)> {
        match page {
            Ok(page) => Some((page, self.ctx.known().await?)),
            Err(err) => {
                let service = self.client.service().name;
                out.failures.push(crate::aws::failure::failure(service, operation, self.kinds, &err));
                None
            }
        }
    }
}

/// A string field of a JSON object.
pub fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The items of a JSON array field.
pub fn items<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// An epoch time in seconds (JSON 1.1 timestamps, with a fraction) or milliseconds (Logs'
/// `creationTime`), as RFC 3339.
pub fn epoch(value: Option<&Value>, millis: bool) -> Option<String> {
    let seconds = value?.as_f64()? / if millis { 1000.0 } else { 1.0 };
    #[allow(clippy::cast_possible_truncation)]
    let time = aws_smithy_types::DateTime::from_secs(seconds.floor() as i64);
    time.fmt(aws_smithy_types::date_time::Format::DateTime).ok()
}

/// `Key`/`Value` (or `key`/`value`) pairs of a JSON tag list.
pub fn json_tags<'a>(value: &'a Value, key: &str) -> Vec<(Option<&'a str>, Option<&'a str>)> {
    items(value, key)
        .iter()
        .map(|t| {
            (
                text(t, "Key").or_else(|| text(t, "key")),
                t.get("Value").or_else(|| t.get("value")).and_then(Value::as_str),
            )
        })
        .collect()
}

/// `Key`/`Value` pairs of a Query tag list (`<Tags><member><Key>…`).
pub fn xml_tags<'a>(node: &'a Node, list: &str) -> Vec<(Option<&'a str>, Option<&'a str>)> {
    node.child(list)
        .map(|l| l.children.iter().map(|t| (t.text("Key"), Some(t.text("Value").unwrap_or_default()))).collect())
        .unwrap_or_default()
}
