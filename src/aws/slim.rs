//! `slim`: the interceptor the EC2 client carries to drop, from the largest answers, the
//! parts of each item leftover never reads, before the SDK deserializes them. An instance in
//! a `DescribeInstances` answer is about 3 KB of XML (network interfaces, metadata options,
//! placement, CPU options, ...) of which the inventory reads a fifth; the SDK builds every
//! field it is given, so most of a scan's CPU and of its memory at the end of the listings
//! went to fields nothing looked at.
//!
//! Each rule names an operation, the path of its items, and the children of an item that are
//! kept: everything the inventory's conversion of that operation reads (`inventory::aws::ec2`),
//! and nothing else. Only what the rule names is dropped: elements elsewhere, and the items'
//! attributes and text, stay as they came. The body is slimmed only when it is one whole
//! document (every element closed by its own name, one root, no comment, CDATA or markup
//! declaration); otherwise it goes to the SDK as it came, and the whole-answer check
//! (`whole_answer`) judges it as before. A body slimmed was proved whole on the way, and the
//! whole-answer check takes that proof (`ProvenWhole`) instead of parsing it again.
//! `LEFTOVER_WHOLE_ANSWERS=1` turns slimming off.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use bytes::Bytes;
use http_body::{Body, Frame};

/// What to keep of one operation's items.
#[derive(Debug)]
pub struct Rule {
    pub operation: &'static str,
    /// The element names from the root to an item.
    pub path: &'static [&'static str],
    /// The children of an item that are kept.
    pub keep: &'static [&'static str],
}

/// The rules of the EC2 client: its four largest answers. A field the conversion starts
/// reading must be added here; the test `trust::issue_16_slim_answers_list_what_whole_answers_list`
/// lists an account with and without slimming and requires the same resources.
pub const EC2: &[Rule] = &[
    Rule {
        operation: "DescribeInstances",
        path: &["DescribeInstancesResponse", "reservationSet", "item", "instancesSet", "item"],
        keep: &[
            "instanceId",
            "tagSet",
            "instanceState",
            "launchTime",
            "vpcId",
            "subnetId",
            "groupSet",
            "keyName",
            "imageId",
            "instanceType",
            "privateIpAddress",
            "instanceLifecycle",
            "rootDeviceName",
            "blockDeviceMapping",
        ],
    },
    Rule {
        operation: "DescribeNetworkInterfaces",
        path: &["DescribeNetworkInterfacesResponse", "networkInterfaceSet", "item"],
        keep: &[
            "networkInterfaceId",
            "tagSet",
            "status",
            "vpcId",
            "subnetId",
            "groupSet",
            "description",
            "interfaceType",
            "requesterManaged",
            "requesterId",
            "privateIpAddress",
            "attachment",
        ],
    },
    Rule {
        operation: "DescribeSnapshots",
        path: &["DescribeSnapshotsResponse", "snapshotSet", "item"],
        keep: &["snapshotId", "ownerId", "tagSet", "status", "startTime", "volumeId", "description", "volumeSize"],
    },
    Rule {
        operation: "DescribeVolumes",
        path: &["DescribeVolumesResponse", "volumeSet", "item"],
        keep: &[
            "volumeId",
            "tagSet",
            "status",
            "createTime",
            "size",
            "volumeType",
            "availabilityZone",
            "snapshotId",
            "iops",
            "attachmentSet",
        ],
    },
];

/// Whether slimming is on: unless `LEFTOVER_WHOLE_ANSWERS` is set to something other than
/// `0` or nothing.
pub fn enabled() -> bool {
    std::env::var_os(crate::env::LEFTOVER_WHOLE_ANSWERS).is_none_or(|v| v.is_empty() || v == "0")
}

/// How a tag reads.
enum Tag<'a> {
    Start(&'a [u8]),
    Empty(&'a [u8]),
    End(&'a [u8]),
    /// `<?...?>`: kept as it is.
    Instruction,
}

/// The tag starting at `body[start]` (a `<`) and the index of its closing `>`, or `None`
/// for markup this filter does not vouch for, or a tag never closed.
fn tag_at(body: &[u8], start: usize) -> Option<(Tag<'_>, usize)> {
    fn name_of(text: &[u8]) -> Option<&[u8]> {
        let len = text.iter().position(|b| b.is_ascii_whitespace() || *b == b'/').unwrap_or(text.len());
        (len > 0).then(|| &text[..len])
    }
    let rest = &body[start + 1..];
    match rest.first()? {
        b'?' => {
            let end = memchr::memmem::find(rest, b"?>")?;
            return Some((Tag::Instruction, start + 1 + end + 1));
        }
        b'!' => return None,
        _ => {}
    }
    // The closing `>`, outside quoted attribute values: found by jumping from quote to
    // quote (every tag of a megabyte answer passes here).
    let mut from = 0;
    let close = loop {
        let found = from + memchr::memchr3(b'>', b'"', b'\'', &rest[from..])?;
        if memchr::memchr(b'<', &rest[from..found]).is_some() {
            return None;
        }
        match rest[found] {
            b'>' => break found,
            quote => from = found + 1 + memchr::memchr(quote, &rest[found + 1..])? + 1,
        }
    };
    let inner = &rest[..close];
    let tag = if let Some(name) = inner.strip_prefix(b"/") {
        Tag::End(name_of(name)?)
    } else if inner.ends_with(b"/") {
        Tag::Empty(name_of(inner)?)
    } else {
        Tag::Start(name_of(inner)?)
    };
    Some((tag, start + 1 + close))
}

/// `body` without the children of `rule`'s items that it does not keep, or `None` when
/// `body` is not one whole document as the module says (the caller then keeps it whole).
pub fn slim(body: &[u8], rule: &Rule) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() / 2);
    let mut open: Vec<&[u8]> = Vec::with_capacity(8);
    let mut root_closed = false;
    // `body[copy_from..]` is still to be copied; `dropping` is the depth of the element
    // being dropped, while one is.
    let mut copy_from = 0;
    let mut dropping: Option<usize> = None;
    // How many of the open elements, from the root, follow the rule's path: an item's
    // children are those opened when all of the path is open and nothing else.
    let mut on_path = 0;
    let mut pos = 0;
    let in_item = |open: &[&[u8]], on_path: usize| on_path == rule.path.len() && open.len() == on_path;
    let kept = |name: &[u8]| rule.keep.iter().any(|k| k.as_bytes() == name);
    while let Some(found) = memchr::memchr(b'<', &body[pos..]) {
        let start = pos + found;
        if open.is_empty() && !body[pos..start].iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let (tag, end) = tag_at(body, start)?;
        match tag {
            Tag::Instruction => {}
            Tag::Start(_) | Tag::Empty(_) if root_closed => return None,
            Tag::Start(name) => {
                if dropping.is_none() && in_item(&open, on_path) && !kept(name) {
                    out.extend_from_slice(&body[copy_from..start]);
                    dropping = Some(open.len());
                }
                if on_path == open.len() && rule.path.get(on_path).is_some_and(|p| p.as_bytes() == name) {
                    on_path += 1;
                }
                open.push(name);
            }
            Tag::Empty(name) => {
                if open.is_empty() {
                    root_closed = true;
                } else if dropping.is_none() && in_item(&open, on_path) && !kept(name) {
                    out.extend_from_slice(&body[copy_from..start]);
                    copy_from = end + 1;
                }
            }
            Tag::End(name) => {
                if open.pop()? != name {
                    return None;
                }
                on_path = on_path.min(open.len());
                if open.is_empty() {
                    root_closed = true;
                }
                if dropping == Some(open.len()) {
                    dropping = None;
                    copy_from = end + 1;
                }
            }
        }
        pos = end + 1;
    }
    if !root_closed || !body[pos..].iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    out.extend_from_slice(&body[copy_from..]);
    Some(out)
}

/// Told, per attempt, to the whole-answer check (`whole_answer`): the body the SDK read was
/// proved one whole document while it was slimmed, so it is not parsed a second time for
/// that. A body slimming left as it came is not proved, and is checked as before.
#[derive(Debug, Clone, Default)]
pub struct ProvenWhole(Arc<AtomicBool>);

impl ProvenWhole {
    pub fn is_proven(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

impl Storable for ProvenWhole {
    type Storer = StoreReplace<Self>;
}

/// The most a body's declared length reserves at once.
const MAX_RESERVED: usize = 64 << 20;

/// A response body read whole, then slimmed by `rule`.
struct SlimBody {
    inner: SdkBody,
    rule: &'static Rule,
    proven: ProvenWhole,
    read: Vec<u8>,
    trailers: Option<Frame<Bytes>>,
    done: bool,
}

impl Body for SlimBody {
    type Data = Bytes;
    type Error = aws_smithy_types::body::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.read.capacity() == 0 && !this.done {
            // The declared length, when there is one, saves regrowing the buffer; a length
            // past what any listing answers is not taken on trust.
            let declared = usize::try_from(this.inner.size_hint().lower()).unwrap_or(0);
            this.read.reserve(declared.min(MAX_RESERVED));
        }
        loop {
            if this.done {
                return Poll::Ready(this.trailers.take().map(Ok));
            }
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(err))) => return Poll::Ready(Some(Err(err))),
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => this.read.extend_from_slice(&data),
                    Err(trailers) => this.trailers = Some(trailers),
                },
                Poll::Ready(None) => {
                    this.done = true;
                    let read = std::mem::take(&mut this.read);
                    let body = match slim(&read, this.rule) {
                        Some(slim) => {
                            tracing::trace!(
                                operation = this.rule.operation,
                                bytes = read.len(),
                                kept = slim.len(),
                                "answer slimmed"
                            );
                            this.proven.0.store(true, Ordering::Release);
                            Bytes::from(slim)
                        }
                        None => Bytes::from(read),
                    };
                    return Poll::Ready(Some(Ok(Frame::data(body))));
                }
            }
        }
    }
}

/// The interceptor: slims the successful answers of the operations `rules` names.
#[derive(Debug, Clone, Copy)]
pub struct Slim {
    rules: &'static [Rule],
}

impl Slim {
    pub const fn new(rules: &'static [Rule]) -> Self {
        Self { rules }
    }
}

impl Intercept for Slim {
    fn name(&self) -> &'static str {
        "leftover-slim"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(operation) = cfg.load::<Metadata>().map(Metadata::name) else { return Ok(()) };
        let Some(rule) = self.rules.iter().find(|r| r.operation == operation) else { return Ok(()) };
        // Every attempt starts unproven.
        let proven = ProvenWhole::default();
        cfg.interceptor_state().store_put(proven.clone());
        let response = context.response_mut();
        if !response.status().is_success() {
            return Ok(());
        }
        let inner = std::mem::replace(response.body_mut(), SdkBody::taken());
        let body = SlimBody { inner, rule, proven, read: Vec::new(), trailers: None, done: false };
        *response.body_mut() = SdkBody::from_body_1_x(body);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule { operation: "List", path: &["ListResponse", "itemSet", "item"], keep: &["id", "tagSet"] };

    fn slimmed(body: &str) -> Option<String> {
        slim(body.as_bytes(), &RULE).map(|b| String::from_utf8(b).expect("utf-8"))
    }

    #[test]
    fn an_item_keeps_only_its_kept_children() {
        let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><itemSet><item><id>a-1</id><big><item><id>nested</id></item><x>1 &gt; 0</x></big><tagSet><item><key>Name</key><value>web</value></item></tagSet><reason/><note>gone</note></item><item><id>a-2</id></item></itemSet><nextToken>t</nextToken></ListResponse>
"#;
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><itemSet><item><id>a-1</id><tagSet><item><key>Name</key><value>web</value></item></tagSet></item><item><id>a-2</id></item></itemSet><nextToken>t</nextToken></ListResponse>
"#;
        assert_eq!(slimmed(body).as_deref(), Some(expected));
    }

    #[test]
    fn only_the_items_on_the_rules_path_are_slimmed() {
        // `big` outside an item, and items under another set, stay whole.
        let body = "<ListResponse><big>1</big><otherSet><item><big>2</big></item></otherSet>\
                    <itemSet><item><id>1</id><big>3</big></item></itemSet></ListResponse>";
        let expected = "<ListResponse><big>1</big><otherSet><item><big>2</big></item></otherSet>\
                        <itemSet><item><id>1</id></item></itemSet></ListResponse>";
        assert_eq!(slimmed(body).as_deref(), Some(expected));
    }

    #[test]
    fn text_in_any_script_and_escapes_pass_untouched_through_many_items() {
        // 20,000 items whose kept tags hold non-ASCII text and escapes, each with a dropped
        // child: every item stays, in order, byte for byte but for the dropped child.
        let item = |n: usize| {
            format!(
                "<item><id>i-{n}</id><big><x>{n}</x></big><tagSet><item><key>Name</key>\
                 <value>チーム-{n} &lt;prod&gt; &amp; ünïcödé</value></item></tagSet></item>"
            )
        };
        let items: String = (0..20_000).map(item).collect();
        let body = format!("<ListResponse><itemSet>{items}</itemSet></ListResponse>");
        let expected: String = (0..20_000).map(|n| item(n).replace(&format!("<big><x>{n}</x></big>"), "")).collect();
        let expected = format!("<ListResponse><itemSet>{expected}</itemSet></ListResponse>");
        assert_eq!(slimmed(&body), Some(expected));
    }

    #[test]
    fn attributes_may_hold_angle_brackets_and_slashes() {
        let body = r#"<ListResponse a="x>y/" b='/'><itemSet><item c="1>2"><id>1</id><big d="/>">z</big></item></itemSet></ListResponse>"#;
        let expected =
            r#"<ListResponse a="x>y/" b='/'><itemSet><item c="1>2"><id>1</id></item></itemSet></ListResponse>"#;
        assert_eq!(slimmed(body).as_deref(), Some(expected));
    }

    #[test]
    fn a_body_that_is_not_one_whole_document_is_left_as_it_came() {
        for body in [
            // Cut short: the whole-answer check must see the original.
            "<ListResponse><itemSet><item><id>1</id><big>2</big></item>",
            "<ListResponse><itemSet><item><id>1</id><big>2</big></item></itemSet></ListResponse><second/>",
            "<ListResponse><itemSet><item><big>2</bigger></item></itemSet></ListResponse>",
            "<ListResponse><itemSet><item><!-- note --><big>2</big></item></itemSet></ListResponse>",
            "<ListResponse><itemSet><item><big><![CDATA[<x>]]></big></item></itemSet></ListResponse>",
            "text<ListResponse/>",
            "<ListResponse/>trailing",
            "<ListResponse><itemSet><item><big a=\"unclosed></item></itemSet></ListResponse>",
            "<ListResponse><itemSet><item><></item></itemSet></ListResponse>",
            "",
        ] {
            assert_eq!(slimmed(body), None, "{body}");
        }
    }

    /// Reads `body` through `SlimBody`: what the SDK would be given, and whether the
    /// whole-answer check is told it was proved whole.
    fn read_through(body: &'static str) -> (String, bool) {
        let proven = ProvenWhole::default();
        let mut slim_body = SlimBody {
            inner: SdkBody::from(body),
            rule: &RULE,
            proven: proven.clone(),
            read: Vec::new(),
            trailers: None,
            done: false,
        };
        let mut out = Vec::new();
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        loop {
            match Pin::new(&mut slim_body).poll_frame(&mut cx) {
                Poll::Ready(Some(Ok(frame))) => out.extend_from_slice(&frame.into_data().expect("data")),
                Poll::Ready(None) => break,
                Poll::Ready(Some(Err(err))) => panic!("{err}"),
                Poll::Pending => panic!("an in-memory body is never pending"),
            }
        }
        (String::from_utf8(out).expect("utf-8"), proven.is_proven())
    }

    #[test]
    fn only_a_body_slimmed_whole_is_told_proven() {
        let whole = "<ListResponse><itemSet><item><id>1</id><big>2</big></item></itemSet></ListResponse>";
        assert_eq!(
            read_through(whole),
            ("<ListResponse><itemSet><item><id>1</id></item></itemSet></ListResponse>".to_owned(), true)
        );
        // Cut short: passed on as it came, and left to the whole-answer check.
        let cut = "<ListResponse><itemSet><item><id>1</id><big>2</big></item>";
        assert_eq!(read_through(cut), (cut.to_owned(), false));
    }

    #[test]
    fn quotes_count_only_inside_tags() {
        // A quote in text is text; in a tag, the other kind of quote is part of the value.
        let body = r#"<ListResponse><itemSet><item q="it's"><id>"1" isn't '2'</id><big a='say "hi"'>x</big></item></itemSet></ListResponse>"#;
        let expected =
            r#"<ListResponse><itemSet><item q="it's"><id>"1" isn't '2'</id></item></itemSet></ListResponse>"#;
        assert_eq!(slimmed(body).as_deref(), Some(expected));
        // A quote never closed leaves the tag unclosed.
        assert_eq!(slimmed(r#"<ListResponse><itemSet><item q="x></item></itemSet></ListResponse>"#), None);
    }

    #[test]
    fn every_rule_keeps_its_path_and_names_its_children_once() {
        for rule in EC2 {
            assert!(rule.path.first().is_some_and(|root| *root == format!("{}Response", rule.operation)));
            let mut keep = rule.keep.to_vec();
            keep.sort_unstable();
            keep.dedup();
            assert_eq!(keep.len(), rule.keep.len(), "{}", rule.operation);
        }
    }
}
