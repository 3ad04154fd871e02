//! `lean`: the interceptor the EC2 client carries to read its four largest answers
//! (`DescribeInstances`, `DescribeNetworkInterfaces`, `DescribeVolumes`, `DescribeSnapshots`)
//! with leftover's own reader instead of the SDK's deserializer. An instance in a
//! `DescribeInstances` answer is about 3 KB of XML (network interfaces, metadata options,
//! placement, CPU options, ...) of which the inventory reads a fifth; the SDK builds every
//! field it is given, comparing each element's name with each of its shape's members in
//! turn, and that was most of a scan's CPU. The reader here builds the same SDK types with
//! only the fields the inventory's conversion reads (`inventory::aws::ec2`), reading each
//! value exactly as the SDK does (text unescaped the same way, timestamps, numbers and
//! enumerations through the same parsers), and passes over everything else tag by tag.
//!
//! It reads only what it vouches for: a successful answer that is one whole document (UTF-8,
//! every element closed by its own name, one root of the expected name, no comment, CDATA,
//! markup declaration or namespace prefix) whose values are all plain text. Anything else
//! (an error answer, a body cut short, a value that does not parse) goes to the SDK's own
//! deserializer as it came, and the whole-answer check (`whole_answer`) judges it as before,
//! so a fault reads exactly as it did. A body read here was proved whole on the way, and the
//! whole-answer check takes that proof (`ProvenWhole`) instead of parsing it again.
//! `LEFTOVER_WHOLE_ANSWERS=1` turns this reader off.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aws_sdk_ec2::operation::describe_instances::{DescribeInstances, DescribeInstancesOutput};
use aws_sdk_ec2::operation::describe_network_interfaces::{DescribeNetworkInterfaces, DescribeNetworkInterfacesOutput};
use aws_sdk_ec2::operation::describe_snapshots::{DescribeSnapshots, DescribeSnapshotsOutput};
use aws_sdk_ec2::operation::describe_volumes::{DescribeVolumes, DescribeVolumesOutput};
use aws_sdk_ec2::types::{
    EbsInstanceBlockDevice, GroupIdentifier, Instance, InstanceBlockDeviceMapping, InstanceLifecycleType,
    InstanceState, InstanceStateName, InstanceType, NetworkInterface, NetworkInterfaceAttachment,
    NetworkInterfaceStatus, NetworkInterfaceType, Reservation, Snapshot, SnapshotState, Tag, Volume, VolumeAttachment,
    VolumeState, VolumeType,
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, Error, Output,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata, OrchestratorError};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_runtime_api::client::ser_de::{DeserializeResponse, SharedResponseDeserializer};
use aws_smithy_types::DateTime;
use aws_smithy_types::config_bag::{ConfigBag, FrozenLayer, Storable, StoreReplace};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::primitive::Parse;

/// Whether the lean reader is on: unless `LEFTOVER_WHOLE_ANSWERS` is set to something other
/// than `0` or nothing.
pub fn enabled() -> bool {
    std::env::var_os(crate::env::LEFTOVER_WHOLE_ANSWERS).is_none_or(|v| v.is_empty() || v == "0")
}

/// One operation read here: its name, the reader of its whole successful answer, and the
/// operation's own configuration, which holds the SDK's deserializer.
struct Lean {
    operation: &'static str,
    read: fn(&str) -> Option<Output>,
    sdk: fn() -> Option<FrozenLayer>,
}

impl std::fmt::Debug for Lean {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.operation)
    }
}

/// The operations the EC2 client reads here. A field the conversion starts reading must be
/// read here too; the test `trust::issue_16_lean_answers_list_what_whole_answers_list` lists
/// an account both ways and requires the same resources, field for field.
const EC2: &[Lean] = &[
    Lean {
        operation: "DescribeInstances",
        read: |text| describe_instances(text).map(Output::erase),
        sdk: || DescribeInstances::new().config(),
    },
    Lean {
        operation: "DescribeNetworkInterfaces",
        read: |text| describe_network_interfaces(text).map(Output::erase),
        sdk: || DescribeNetworkInterfaces::new().config(),
    },
    Lean {
        operation: "DescribeVolumes",
        read: |text| describe_volumes(text).map(Output::erase),
        sdk: || DescribeVolumes::new().config(),
    },
    Lean {
        operation: "DescribeSnapshots",
        read: |text| describe_snapshots(text).map(Output::erase),
        sdk: || DescribeSnapshots::new().config(),
    },
];

/// Told, per attempt, to the whole-answer check (`whole_answer`): the body was proved one
/// whole document as it was read here, so it is not parsed a second time for that. A body
/// handed to the SDK's deserializer is not proved, and is checked as before.
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

/// The deserializer put in the operation's place: the lean reader when it vouches for the
/// answer, the SDK's otherwise.
#[derive(Debug)]
struct LeanDeserializer {
    lean: &'static Lean,
    /// The operation's configuration, checked to hold its deserializer.
    sdk: FrozenLayer,
}

impl LeanDeserializer {
    fn sdk(&self) -> Result<&SharedResponseDeserializer, OrchestratorError<Error>> {
        self.sdk
            .load::<SharedResponseDeserializer>()
            .ok_or_else(|| OrchestratorError::other("the operation's configuration holds no deserializer"))
    }
}

impl DeserializeResponse for LeanDeserializer {
    fn deserialize_streaming_with_config(
        &self,
        response: &mut HttpResponse,
        cfg: &ConfigBag,
    ) -> Option<Result<Output, OrchestratorError<Error>>> {
        match self.sdk() {
            Ok(sdk) => sdk.deserialize_streaming_with_config(response, cfg),
            Err(err) => Some(Err(err)),
        }
    }

    fn deserialize_nonstreaming_with_config(
        &self,
        response: &HttpResponse,
        cfg: &ConfigBag,
    ) -> Result<Output, OrchestratorError<Error>> {
        let body = response.body().bytes().filter(|_| response.status().is_success());
        if let Some(output) = body.and_then(|b| std::str::from_utf8(b).ok()).and_then(self.lean.read) {
            tracing::trace!(operation = self.lean.operation, bytes = body.map_or(0, <[u8]>::len), "answer read lean");
            if let Some(proven) = cfg.load::<ProvenWhole>() {
                proven.0.store(true, Ordering::Release);
            }
            return Ok(output);
        }
        self.sdk()?.deserialize_nonstreaming_with_config(response, cfg)
    }
}

/// The interceptor: puts the lean reader in place of the SDK's deserializer for the
/// operations it reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeanEc2;

impl Intercept for LeanEc2 {
    fn name(&self) -> &'static str {
        "leftover-lean"
    }

    fn modify_before_deserialization(
        &self,
        _context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(operation) = cfg.load::<Metadata>().map(Metadata::name) else { return Ok(()) };
        let Some(lean) = EC2.iter().find(|l| l.operation == operation) else { return Ok(()) };
        // Every attempt starts unproven.
        cfg.interceptor_state().store_put(ProvenWhole::default());
        // The SDK's deserializer, for what the lean reader does not vouch for, is the one in
        // the operation's own configuration (the one in `cfg` is replaced below, and stays
        // replaced for the operation's later attempts).
        let Some(sdk) = (lean.sdk)().filter(|layer| layer.load::<SharedResponseDeserializer>().is_some()) else {
            return Ok(());
        };
        cfg.interceptor_state().store_put(SharedResponseDeserializer::new(LeanDeserializer { lean, sdk }));
        Ok(())
    }
}

/// How a tag reads.
enum Markup<'a> {
    Start(&'a str),
    Empty(&'a str),
    End(&'a str),
    /// `<?...?>`: passed over.
    Instruction,
}

/// The tag starting at `text[start]` (a `<`) and the index of its closing `>`, or `None`
/// for markup this reader does not vouch for, or a tag never closed.
fn tag_at(text: &str, start: usize) -> Option<(Markup<'_>, usize)> {
    fn name_of(text: &str) -> Option<&str> {
        let len = text.bytes().position(|b| b.is_ascii_whitespace() || b == b'/').unwrap_or(text.len());
        // A prefixed name matches by its local part in the SDK: not vouched for here.
        (len > 0 && !text.as_bytes()[..len].contains(&b':')).then(|| &text[..len])
    }
    let rest = &text[start + 1..];
    let bytes = rest.as_bytes();
    match bytes.first()? {
        b'?' => {
            let end = memchr::memmem::find(bytes, b"?>")?;
            return Some((Markup::Instruction, start + 1 + end + 1));
        }
        b'!' => return None,
        _ => {}
    }
    // Most tags are a bare name (`<name>`, `</name>`, `<name/>`): read in one pass.
    let closing = bytes[0] == b'/';
    let from = usize::from(closing);
    let end = from
        + bytes[from..]
            .iter()
            .position(|&b| matches!(b, b'>' | b'/' | b'<' | b':' | b'"' | b'\'') || b.is_ascii_whitespace())
            .unwrap_or(bytes.len() - from);
    if end > from {
        let name = &rest[from..end];
        match (bytes.get(end), bytes.get(end + 1), closing) {
            (Some(b'>'), _, true) => return Some((Markup::End(name), start + 1 + end)),
            (Some(b'>'), _, false) => return Some((Markup::Start(name), start + 1 + end)),
            (Some(b'/'), Some(b'>'), false) => return Some((Markup::Empty(name), start + 2 + end)),
            _ => {}
        }
    }
    // Attributes, or something amiss. The closing `>`, outside quoted attribute values: found by jumping from quote to
    // quote (every tag of a megabyte answer passes here).
    let mut from = 0;
    let close = loop {
        let found = from + memchr::memchr3(b'>', b'"', b'\'', &bytes[from..])?;
        if memchr::memchr(b'<', &bytes[from..found]).is_some() {
            return None;
        }
        match bytes[found] {
            b'>' => break found,
            quote => from = found + 1 + memchr::memchr(quote, &bytes[found + 1..])? + 1,
        }
    };
    let inner = &rest[..close];
    let tag = if let Some(name) = inner.strip_prefix('/') {
        Markup::End(name_of(name)?)
    } else if inner.ends_with('/') {
        Markup::Empty(name_of(inner)?)
    } else {
        Markup::Start(name_of(inner)?)
    };
    Some((tag, start + 1 + close))
}

/// An element just opened: its name, and whether it is empty (`<name/>`).
struct Elem<'a> {
    name: &'a str,
    empty: bool,
}

/// What comes next in an element.
enum Next<'a> {
    Child(Elem<'a>),
    End,
}

/// A pull reader over one document. Every method returns `None` for what it does not
/// vouch for, which ends the reading (the answer then goes to the SDK).
struct Reader<'a> {
    text: &'a str,
    pos: usize,
    open: Vec<&'a str>,
}

impl<'a> Reader<'a> {
    /// Opens `text`'s root element, which must be named `root`.
    fn open(text: &'a str, root: &str) -> Option<(Self, Elem<'a>)> {
        let mut reader = Self { text, pos: 0, open: Vec::with_capacity(8) };
        loop {
            let (before, tag) = reader.tag()?;
            if !before.bytes().all(|b| b.is_ascii_whitespace()) {
                return None;
            }
            match tag {
                Markup::Instruction => {}
                Markup::Start(name) if name == root => {
                    reader.open.push(name);
                    return Some((reader, Elem { name, empty: false }));
                }
                Markup::Empty(name) if name == root => return Some((reader, Elem { name, empty: true })),
                _ => return None,
            }
        }
    }

    /// The text before the next tag, and that tag.
    fn tag(&mut self) -> Option<(&'a str, Markup<'a>)> {
        let start = self.pos + memchr::memchr(b'<', &self.text.as_bytes()[self.pos..])?;
        let (tag, end) = tag_at(self.text, start)?;
        let before = &self.text[self.pos..start];
        self.pos = end + 1;
        Some((before, tag))
    }

    /// Closes the element on top: its end tag must name it.
    fn close(&mut self, name: &str) -> Option<()> {
        (self.open.pop()? == name).then_some(())
    }

    /// The next child of `parent`, or its end once its end tag is read. Text between
    /// children is passed over, as the SDK does.
    fn child(&mut self, parent: &Elem<'a>) -> Option<Next<'a>> {
        if parent.empty {
            return Some(Next::End);
        }
        loop {
            match self.tag()?.1 {
                Markup::Instruction => {}
                Markup::Start(name) => {
                    self.open.push(name);
                    return Some(Next::Child(Elem { name, empty: false }));
                }
                Markup::Empty(name) => return Some(Next::Child(Elem { name, empty: true })),
                Markup::End(name) => {
                    self.close(name)?;
                    return Some(Next::End);
                }
            }
        }
    }

    /// Passes over `elem` and everything in it.
    fn skip(&mut self, elem: &Elem<'a>) -> Option<()> {
        if elem.empty {
            return Some(());
        }
        let depth = self.open.len();
        while self.open.len() >= depth {
            match self.tag()?.1 {
                Markup::Start(name) => self.open.push(name),
                Markup::Empty(_) | Markup::Instruction => {}
                Markup::End(name) => self.close(name)?,
            }
        }
        Some(())
    }

    /// `elem`'s text, unescaped: only plain text (an element inside is not vouched for).
    fn text(&mut self, elem: &Elem<'a>) -> Option<Cow<'a, str>> {
        if elem.empty {
            return Some(Cow::Borrowed(""));
        }
        match self.tag()? {
            (text, Markup::End(name)) => {
                self.close(name)?;
                unescape(text)
            }
            _ => None,
        }
    }

    fn string(&mut self, elem: &Elem<'a>) -> Option<String> {
        self.text(elem).map(Cow::into_owned)
    }

    fn parsed<T: Parse>(&mut self, elem: &Elem<'a>) -> Option<T> {
        T::parse_smithy_primitive(&self.text(elem)?).ok()
    }

    fn date_time(&mut self, elem: &Elem<'a>) -> Option<DateTime> {
        DateTime::from_str(&self.text(elem)?, Format::DateTimeWithOffset).ok()
    }

    /// The `item` children of `list`, each read by `item`; other children are passed over.
    fn items<T>(&mut self, list: &Elem<'a>, item: fn(&mut Self, &Elem<'a>) -> Option<T>) -> Option<Vec<T>> {
        let mut out = Vec::new();
        while let Next::Child(child) = self.child(list)? {
            if child.name == "item" {
                out.push(item(self, &child)?);
            } else {
                self.skip(&child)?;
            }
        }
        Some(out)
    }

    /// After the root's end tag: nothing but whitespace and instructions.
    fn finish(mut self) -> Option<()> {
        let blank = |text: &str| text.bytes().all(|b| b.is_ascii_whitespace());
        loop {
            if memchr::memchr(b'<', &self.text.as_bytes()[self.pos..]).is_none() {
                return blank(&self.text[self.pos..]).then_some(());
            }
            let (before, tag) = self.tag()?;
            if !blank(before) || !matches!(tag, Markup::Instruction) {
                return None;
            }
        }
    }
}

/// XML's five entities and character references, as the SDK unescapes them (`None` where
/// it fails).
fn unescape(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('&') {
        return Some(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut sections = text.split('&');
    out.push_str(sections.next().unwrap_or_default());
    for section in sections {
        let (entity, rest) = section.split_once(';')?;
        match entity {
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "amp" => out.push('&'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            entity => {
                let (digits, radix) = match entity.strip_prefix("#x") {
                    Some(digits) => (digits, 16),
                    None => (entity.strip_prefix('#')?, 10),
                };
                out.push(char::from_u32(u32::from_str_radix(digits, radix).ok()?)?);
            }
        }
        out.push_str(rest);
    }
    Some(Cow::Owned(out))
}

/// One page: the items of the root's child `set`, each read by `item`, and its `nextToken`.
fn page<'a, T>(
    text: &'a str,
    root: &str,
    set: &str,
    item: fn(&mut Reader<'a>, &Elem<'a>) -> Option<T>,
) -> Option<(Vec<T>, Option<String>)> {
    let (mut r, root) = Reader::open(text, root)?;
    let (mut items, mut next_token) = (None, None);
    while let Next::Child(child) = r.child(&root)? {
        match child.name {
            name if name == set => items = Some(r.items(&child, item)?),
            "nextToken" => next_token = Some(r.string(&child)?),
            _ => r.skip(&child)?,
        }
    }
    r.finish()?;
    Some((items.unwrap_or_default(), next_token))
}

fn describe_instances(text: &str) -> Option<DescribeInstancesOutput> {
    let (reservations, next_token) = page(text, "DescribeInstancesResponse", "reservationSet", reservation)?;
    Some(DescribeInstancesOutput::builder().set_reservations(Some(reservations)).set_next_token(next_token).build())
}

fn describe_network_interfaces(text: &str) -> Option<DescribeNetworkInterfacesOutput> {
    let (interfaces, next_token) =
        page(text, "DescribeNetworkInterfacesResponse", "networkInterfaceSet", network_interface)?;
    Some(
        DescribeNetworkInterfacesOutput::builder()
            .set_network_interfaces(Some(interfaces))
            .set_next_token(next_token)
            .build(),
    )
}

fn describe_volumes(text: &str) -> Option<DescribeVolumesOutput> {
    let (volumes, next_token) = page(text, "DescribeVolumesResponse", "volumeSet", volume)?;
    Some(DescribeVolumesOutput::builder().set_volumes(Some(volumes)).set_next_token(next_token).build())
}

fn describe_snapshots(text: &str) -> Option<DescribeSnapshotsOutput> {
    let (snapshots, next_token) = page(text, "DescribeSnapshotsResponse", "snapshotSet", snapshot)?;
    Some(DescribeSnapshotsOutput::builder().set_snapshots(Some(snapshots)).set_next_token(next_token).build())
}

fn tag<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<Tag> {
    let mut b = Tag::builder();
    while let Next::Child(c) = r.child(elem)? {
        b = match c.name {
            "key" => b.set_key(Some(r.string(&c)?)),
            "value" => b.set_value(Some(r.string(&c)?)),
            _ => {
                r.skip(&c)?;
                b
            }
        };
    }
    Some(b.build())
}

fn group<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<GroupIdentifier> {
    let mut b = GroupIdentifier::builder();
    while let Next::Child(c) = r.child(elem)? {
        if c.name == "groupId" {
            b = b.set_group_id(Some(r.string(&c)?));
        } else {
            r.skip(&c)?;
        }
    }
    Some(b.build())
}

fn reservation<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<Reservation> {
    let mut b = Reservation::builder();
    while let Next::Child(c) = r.child(elem)? {
        if c.name == "instancesSet" {
            b = b.set_instances(Some(r.items(&c, instance)?));
        } else {
            r.skip(&c)?;
        }
    }
    Some(b.build())
}

fn instance<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<Instance> {
    let mut b = Instance::builder();
    while let Next::Child(c) = r.child(elem)? {
        b = match c.name {
            "instanceId" => b.set_instance_id(Some(r.string(&c)?)),
            "tagSet" => b.set_tags(Some(r.items(&c, tag)?)),
            "instanceState" => b.set_state(Some(instance_state(r, &c)?)),
            "launchTime" => b.set_launch_time(Some(r.date_time(&c)?)),
            "vpcId" => b.set_vpc_id(Some(r.string(&c)?)),
            "subnetId" => b.set_subnet_id(Some(r.string(&c)?)),
            "groupSet" => b.set_security_groups(Some(r.items(&c, group)?)),
            "keyName" => b.set_key_name(Some(r.string(&c)?)),
            "imageId" => b.set_image_id(Some(r.string(&c)?)),
            "instanceType" => b.set_instance_type(Some(InstanceType::from(r.text(&c)?.as_ref()))),
            "privateIpAddress" => b.set_private_ip_address(Some(r.string(&c)?)),
            "instanceLifecycle" => b.set_instance_lifecycle(Some(InstanceLifecycleType::from(r.text(&c)?.as_ref()))),
            "rootDeviceName" => b.set_root_device_name(Some(r.string(&c)?)),
            "blockDeviceMapping" => b.set_block_device_mappings(Some(r.items(&c, block_device_mapping)?)),
            _ => {
                r.skip(&c)?;
                b
            }
        };
    }
    Some(b.build())
}

fn instance_state<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<InstanceState> {
    let mut b = InstanceState::builder();
    while let Next::Child(c) = r.child(elem)? {
        if c.name == "name" {
            b = b.set_name(Some(InstanceStateName::from(r.text(&c)?.as_ref())));
        } else {
            r.skip(&c)?;
        }
    }
    Some(b.build())
}

fn block_device_mapping<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<InstanceBlockDeviceMapping> {
    let mut b = InstanceBlockDeviceMapping::builder();
    while let Next::Child(c) = r.child(elem)? {
        b = match c.name {
            "deviceName" => b.set_device_name(Some(r.string(&c)?)),
            "ebs" => {
                let mut ebs = EbsInstanceBlockDevice::builder();
                while let Next::Child(e) = r.child(&c)? {
                    if e.name == "volumeId" {
                        ebs = ebs.set_volume_id(Some(r.string(&e)?));
                    } else {
                        r.skip(&e)?;
                    }
                }
                b.set_ebs(Some(ebs.build()))
            }
            _ => {
                r.skip(&c)?;
                b
            }
        };
    }
    Some(b.build())
}

fn network_interface<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<NetworkInterface> {
    let mut b = NetworkInterface::builder();
    while let Next::Child(c) = r.child(elem)? {
        b = match c.name {
            "networkInterfaceId" => b.set_network_interface_id(Some(r.string(&c)?)),
            "tagSet" => b.set_tag_set(Some(r.items(&c, tag)?)),
            "status" => b.set_status(Some(NetworkInterfaceStatus::from(r.text(&c)?.as_ref()))),
            "vpcId" => b.set_vpc_id(Some(r.string(&c)?)),
            "subnetId" => b.set_subnet_id(Some(r.string(&c)?)),
            "groupSet" => b.set_groups(Some(r.items(&c, group)?)),
            "description" => b.set_description(Some(r.string(&c)?)),
            "interfaceType" => b.set_interface_type(Some(NetworkInterfaceType::from(r.text(&c)?.as_ref()))),
            "requesterManaged" => b.set_requester_managed(Some(r.parsed(&c)?)),
            "requesterId" => b.set_requester_id(Some(r.string(&c)?)),
            "privateIpAddress" => b.set_private_ip_address(Some(r.string(&c)?)),
            "attachment" => b.set_attachment(Some(network_interface_attachment(r, &c)?)),
            _ => {
                r.skip(&c)?;
                b
            }
        };
    }
    Some(b.build())
}

fn network_interface_attachment<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<NetworkInterfaceAttachment> {
    let mut b = NetworkInterfaceAttachment::builder();
    while let Next::Child(c) = r.child(elem)? {
        b = match c.name {
            "instanceId" => b.set_instance_id(Some(r.string(&c)?)),
            "deviceIndex" => b.set_device_index(Some(r.parsed(&c)?)),
            "instanceOwnerId" => b.set_instance_owner_id(Some(r.string(&c)?)),
            _ => {
                r.skip(&c)?;
                b
            }
        };
    }
    Some(b.build())
}

fn volume<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<Volume> {
    let mut b = Volume::builder();
    while let Next::Child(c) = r.child(elem)? {
        b = match c.name {
            "volumeId" => b.set_volume_id(Some(r.string(&c)?)),
            "tagSet" => b.set_tags(Some(r.items(&c, tag)?)),
            "status" => b.set_state(Some(VolumeState::from(r.text(&c)?.as_ref()))),
            "createTime" => b.set_create_time(Some(r.date_time(&c)?)),
            "size" => b.set_size(Some(r.parsed(&c)?)),
            "volumeType" => b.set_volume_type(Some(VolumeType::from(r.text(&c)?.as_ref()))),
            "availabilityZone" => b.set_availability_zone(Some(r.string(&c)?)),
            "snapshotId" => b.set_snapshot_id(Some(r.string(&c)?)),
            "iops" => b.set_iops(Some(r.parsed(&c)?)),
            "attachmentSet" => b.set_attachments(Some(r.items(&c, volume_attachment)?)),
            _ => {
                r.skip(&c)?;
                b
            }
        };
    }
    Some(b.build())
}

fn volume_attachment<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<VolumeAttachment> {
    let mut b = VolumeAttachment::builder();
    while let Next::Child(c) = r.child(elem)? {
        b = match c.name {
            "instanceId" => b.set_instance_id(Some(r.string(&c)?)),
            "device" => b.set_device(Some(r.string(&c)?)),
            "deleteOnTermination" => b.set_delete_on_termination(Some(r.parsed(&c)?)),
            _ => {
                r.skip(&c)?;
                b
            }
        };
    }
    Some(b.build())
}

fn snapshot<'a>(r: &mut Reader<'a>, elem: &Elem<'a>) -> Option<Snapshot> {
    let mut b = Snapshot::builder();
    while let Next::Child(c) = r.child(elem)? {
        b = match c.name {
            "snapshotId" => b.set_snapshot_id(Some(r.string(&c)?)),
            "ownerId" => b.set_owner_id(Some(r.string(&c)?)),
            "tagSet" => b.set_tags(Some(r.items(&c, tag)?)),
            "status" => b.set_state(Some(SnapshotState::from(r.text(&c)?.as_ref()))),
            "startTime" => b.set_start_time(Some(r.date_time(&c)?)),
            "volumeId" => b.set_volume_id(Some(r.string(&c)?)),
            "description" => b.set_description(Some(r.string(&c)?)),
            "volumeSize" => b.set_volume_size(Some(r.parsed(&c)?)),
            _ => {
                r.skip(&c)?;
                b
            }
        };
    }
    Some(b.build())
}

#[cfg(test)]
// Reaches up to inventory: the lean reader is proved by what the inventory reads from it.
// The generated answers read best built item by item, one `format!` each.
#[allow(clippy::format_collect)]
mod tests {
    use super::*;
    use crate::inventory::aws::{AccountId, Ctx, Listing, ec2};
    use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
    use aws_smithy_runtime_api::client::http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
    };
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_types::body::SdkBody;

    /// An HTTP client that answers every request with one status and body.
    #[derive(Debug, Clone)]
    struct Canned {
        status: u16,
        body: Arc<String>,
    }

    impl HttpClient for Canned {
        fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
            SharedHttpConnector::new(self.clone())
        }
    }

    impl HttpConnector for Canned {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let status = self.status.try_into().expect("a status code");
            HttpConnectorFuture::ready(Ok(HttpResponse::new(status, SdkBody::from(self.body.as_bytes().to_vec()))))
        }
    }

    fn client(status: u16, body: &str, lean: bool) -> aws_sdk_ec2::Client {
        let mut conf = aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "test"))
            .retry_config(aws_sdk_ec2::config::retry::RetryConfig::disabled())
            .http_client(SharedHttpClient::new(Canned { status, body: Arc::new(body.to_owned()) }));
        if lean {
            conf = conf.interceptor(LeanEc2);
        }
        aws_sdk_ec2::Client::from_conf(conf.build())
    }

    /// Lists one answer of `operation` through the inventory's conversion, read lean and
    /// read by the SDK.
    async fn both_ways(operation: &str, status: u16, body: &str) -> (Listing, Listing) {
        let ctx = || Ctx { account: AccountId::known("123456789012"), region: "us-east-1".to_owned() };
        let list = |lean| {
            let client = client(status, body, lean);
            async move {
                match operation {
                    "DescribeInstances" => ec2::instances(client, ctx()).await,
                    "DescribeNetworkInterfaces" => ec2::network_interfaces(client, ctx()).await,
                    "DescribeVolumes" => ec2::volumes(client, ctx()).await,
                    "DescribeSnapshots" => ec2::snapshots(client, ctx()).await,
                    other => panic!("{other} is not read lean"),
                }
            }
        };
        (list(true).await, list(false).await)
    }

    /// Text as an answer carries it: in any script, escaped, padded, or empty.
    const TEXTS: &[&str] = &[
        "web",
        "チーム &amp; 開発",
        "naïve &lt;prod&gt;",
        "&#x1F680; launch &#12354;",
        "  padded  ",
        "",
        "say &quot;hi&quot; &apos;there&apos;",
        "Ελληνικά / עברית / русский",
        "🚀 raw emoji",
    ];

    /// A small deterministic generator, so that a failure names the seed that made it.
    struct Gen(u64);

    impl Gen {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(self.0 >> 33).expect("31 bits") % n
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len())]
        }

        fn text(&mut self) -> &'static str {
            self.pick(TEXTS)
        }

        /// Between two elements: nothing, or the indentation of a pretty-printed answer.
        fn gap(&mut self) -> &'static str {
            self.pick(&["", "", "\n    ", " "])
        }

        fn tags(&mut self) -> String {
            match self.below(4) {
                0 => String::new(),
                1 => "<tagSet/>".to_owned(),
                n => {
                    let items: String = (0..n)
                        .map(|_| {
                            let (key, value, gap) = (self.text(), self.text(), self.gap());
                            format!("<item>{gap}<key>{key}</key><value>{value}</value></item>")
                        })
                        .collect();
                    format!("<tagSet>{items}</tagSet>")
                }
            }
        }

        /// An optional element: present with one of `values`, present and empty, or absent.
        fn maybe(&mut self, name: &str, values: &[&str]) -> String {
            match self.below(4) {
                0 => String::new(),
                1 => format!("<{name}/>"),
                _ => format!("<{name}>{}</{name}>", self.pick(values)),
            }
        }

        /// An optional number or boolean: present with one of `values`, or absent (empty,
        /// it does not parse, for the SDK either).
        fn maybe_parsed(&mut self, name: &str, values: &[&str]) -> String {
            match self.below(3) {
                0 => String::new(),
                _ => format!("<{name}>{}</{name}>", self.pick(values)),
            }
        }

        fn time(&mut self) -> &'static str {
            self.pick(&["2026-12-02T19:31:59.000Z", "2026-12-02T19:31:59Z", "2024-02-29T23:59:59.123+02:00"])
        }

        /// Elements the reader passes over, with children named like those it reads.
        fn noise(&mut self) -> String {
            let gap = self.gap();
            match self.below(3) {
                0 => String::new(),
                1 => format!(
                    "<networkInterfaceSet><item><groupSet><item><groupId>sg-nested</groupId></item></groupSet>{gap}\
                     <attachment><instanceId>i-nested</instanceId><deviceIndex>7</deviceIndex></attachment>\
                     <tagSet><item><key>nested</key><value>x</value></item></tagSet><status>in-use</status>\
                     </item></networkInterfaceSet>"
                ),
                _ => format!("<placement a=\"1>2\" b='/'><groupName/>{gap}<tenancy>default</tenancy></placement>"),
            }
        }
    }

    fn document(root: &str, set: &str, items: &str, next_token: Option<&str>) -> String {
        let token = next_token.map(|t| format!("<nextToken>{t}</nextToken>")).unwrap_or_default();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
             <requestId>r-1</requestId><{set}>{items}</{set}>{token}</{root}>\n"
        )
    }

    fn instances(g: &mut Gen, n: usize) -> String {
        let instance = |g: &mut Gen, i: usize| {
            let state = g.pick(&["running", "stopped", "terminated", "shutting-down", "a-future-state"]);
            let kind = g.pick(&["t3.micro", "m5.large", "x9.future"]);
            let mappings: String = (0..g.below(3))
                .map(|d| {
                    format!(
                        "<item><deviceName>/dev/sd{d}</deviceName><ebs><attachTime>2026-12-02T19:31:59.000Z</attachTime>\
                         <deleteOnTermination>true</deleteOnTermination><volumeId>vol-{i}-{d}</volumeId></ebs></item>"
                    )
                })
                .collect();
            let groups: String = (0..g.below(3))
                .map(|k| format!("<item><groupId>sg-{k}</groupId><groupName>{}</groupName></item>", g.text()))
                .collect();
            format!(
                "<item>{}<instanceId>i-{i}</instanceId>{}<imageId>ami-{i}</imageId>\
                 <instanceState><code>16</code><name>{state}</name></instanceState>{}{}\
                 <instanceType>{kind}</instanceType><launchTime>{}</launchTime>{}{}{}\
                 <groupSet>{groups}</groupSet>{}<rootDeviceName>/dev/sd0</rootDeviceName>\
                 <blockDeviceMapping>{mappings}</blockDeviceMapping>{}{}</item>",
                g.gap(),
                g.noise(),
                g.maybe("keyName", TEXTS),
                g.gap(),
                g.time(),
                g.maybe("subnetId", &["subnet-1"]),
                g.maybe("vpcId", &["vpc-1"]),
                g.maybe("privateIpAddress", &["10.0.0.4"]),
                g.noise(),
                g.maybe("instanceLifecycle", &["spot", "scheduled", "capacity-block"]),
                g.tags(),
            )
        };
        let reservations: String = (0..n)
            .map(|i| {
                let items: String = (0..=g.below(3)).map(|k| instance(g, i * 10 + k)).collect();
                format!("<item><reservationId>r-{i}</reservationId><ownerId>123456789012</ownerId><instancesSet>{items}</instancesSet></item>")
            })
            .collect();
        document("DescribeInstancesResponse", "reservationSet", &reservations, None)
    }

    fn network_interfaces(g: &mut Gen, n: usize) -> String {
        let items: String = (0..n)
            .map(|i| {
                let attachment = match g.below(3) {
                    0 => String::new(),
                    1 => "<attachment><attachTime>2026-12-02T19:31:59.000Z</attachTime><status>attached</status></attachment>"
                        .to_owned(),
                    _ => format!(
                        "<attachment><instanceId>i-{i}</instanceId><deviceIndex>{}</deviceIndex>\
                         <instanceOwnerId>123456789012</instanceOwnerId></attachment>",
                        g.below(3)
                    ),
                };
                format!(
                    "<item><networkInterfaceId>eni-{i}</networkInterfaceId>{}{}<status>{}</status>\
                     <vpcId>vpc-1</vpcId><subnetId>subnet-1</subnetId><groupSet><item><groupId>sg-1</groupId>\
                     <groupName>default</groupName></item></groupSet>{}{}{}{}{}{attachment}\
                     <privateIpAddressesSet><item><primary>true</primary></item></privateIpAddressesSet></item>",
                    g.tags(),
                    g.gap(),
                    g.pick(&["in-use", "available", "detaching"]),
                    g.maybe("description", TEXTS),
                    g.maybe("interfaceType", &["interface", "nat_gateway", "vpc_endpoint"]),
                    g.maybe_parsed("requesterManaged", &["true", "false"]),
                    g.maybe("requesterId", &["AIDAEXAMPLE"]),
                    g.maybe("privateIpAddress", &["10.0.0.5"]),
                )
            })
            .collect();
        document("DescribeNetworkInterfacesResponse", "networkInterfaceSet", &items, Some("page-2"))
    }

    fn volumes(g: &mut Gen, n: usize) -> String {
        let items: String = (0..n)
            .map(|i| {
                let attachments: String = (0..g.below(3))
                    .map(|k| {
                        format!(
                            "<item><volumeId>vol-{i}</volumeId><instanceId>i-{k}</instanceId><device>/dev/sd{k}</device>\
                             <status>attached</status><deleteOnTermination>{}</deleteOnTermination></item>",
                            g.pick(&["true", "false"])
                        )
                    })
                    .collect();
                format!(
                    "<item><volumeId>vol-{i}</volumeId><size>{}</size>{}<availabilityZone>us-east-1a</availabilityZone>\
                     <status>{}</status><createTime>{}</createTime><attachmentSet>{attachments}</attachmentSet>\
                     {}{}{}<encrypted>false</encrypted></item>",
                    g.below(2000),
                    g.maybe("snapshotId", &["snap-1"]),
                    g.pick(&["available", "in-use", "deleting"]),
                    g.time(),
                    g.maybe("volumeType", &["gp3", "io2", "st1"]),
                    g.maybe_parsed("iops", &["3000"]),
                    g.tags(),
                )
            })
            .collect();
        document("DescribeVolumesResponse", "volumeSet", &items, None)
    }

    fn snapshots(g: &mut Gen, n: usize) -> String {
        let items: String = (0..n)
            .map(|i| {
                format!(
                    "<item><snapshotId>snap-{i}</snapshotId>{}<status>{}</status><startTime>{}</startTime>\
                     <progress>100%</progress><ownerId>{}</ownerId>{}{}{}</item>",
                    g.maybe("volumeId", &["vol-1", "vol-ffffffff"]),
                    g.pick(&["completed", "pending", "error"]),
                    g.time(),
                    g.pick(&["123456789012", "801119661308"]),
                    g.maybe("description", TEXTS),
                    g.maybe_parsed("volumeSize", &["8"]),
                    g.tags(),
                )
            })
            .collect();
        document("DescribeSnapshotsResponse", "snapshotSet", &items, None)
    }

    #[tokio::test]
    async fn generated_answers_list_the_same_read_lean_as_read_by_the_sdk() {
        type Make = fn(&mut Gen, usize) -> String;
        type Reads = fn(&str) -> bool;
        let cases: [(&str, Make, Reads); 4] = [
            ("DescribeInstances", instances, |t| describe_instances(t).is_some()),
            ("DescribeNetworkInterfaces", network_interfaces, |t| describe_network_interfaces(t).is_some()),
            ("DescribeVolumes", volumes, |t| describe_volumes(t).is_some()),
            ("DescribeSnapshots", snapshots, |t| describe_snapshots(t).is_some()),
        ];
        for seed in 0..12 {
            for (operation, make, reads) in cases {
                let body = make(&mut Gen(seed), 40);
                assert!(reads(&body), "{operation}, seed {seed}: not read lean:\n{body}");
                let (lean, sdk) = both_ways(operation, 200, &body).await;
                assert!(sdk.failures.is_empty(), "{operation}, seed {seed}: {:?}", sdk.failures);
                assert!(!sdk.resources.is_empty(), "{operation}, seed {seed}: nothing listed");
                assert_eq!(lean.resources, sdk.resources, "{operation}, seed {seed}:\n{body}");
                assert_eq!(lean.failures, sdk.failures);
            }
        }
    }

    #[tokio::test]
    async fn what_the_reader_does_not_vouch_for_goes_to_the_sdk() {
        // A comment, a value holding an element, a prefixed name, a value that does not
        // parse: each is left to the SDK, which lists (or fails) as it always did.
        let body = instances(&mut Gen(7), 5);
        let variants = [
            body.replacen("<instanceId>", "<!-- a note --><instanceId>", 1),
            body.replacen("<vpcId>vpc-1</vpcId>", "<vpcId>vpc-1<x/></vpcId>", 1),
            body.replacen("<imageId>", "<ec2:imageId>", 1).replacen("</imageId>", "</ec2:imageId>", 1),
            body.replacen("<launchTime>", "<launchTime>not a time", 1),
        ];
        for variant in &variants {
            assert!(describe_instances(variant).is_none(), "{variant}");
            let (lean, sdk) = both_ways("DescribeInstances", 200, variant).await;
            assert_eq!((lean.resources, lean.failures), (sdk.resources, sdk.failures), "{variant}");
        }
        // An error answer is the SDK's to read: the same failure either way.
        let error = "<?xml version=\"1.0\"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>\
                     <Message>denied</Message></Error></Errors><RequestID>r-1</RequestID></Response>";
        let (lean, sdk) = both_ways("DescribeVolumes", 403, error).await;
        assert_eq!(lean.failures.len(), 1);
        assert_eq!(lean.failures, sdk.failures);
    }

    #[test]
    fn a_body_that_is_not_one_whole_document_is_not_read() {
        let whole = "<DescribeVolumesResponse><volumeSet><item><volumeId>v-1</volumeId><big>2</big></item></volumeSet></DescribeVolumesResponse>";
        assert_eq!(describe_volumes(whole).map(|o| o.volumes().len()), Some(1));
        for body in [
            // Cut short: the whole-answer check must see the original.
            "<DescribeVolumesResponse><volumeSet><item><volumeId>v-1</volumeId><big>2</big></item>",
            "<DescribeVolumesResponse><volumeSet><item><volumeId>v-1</volumeId></item></volumeSet></DescribeVolumesResponse><second/>",
            "<DescribeVolumesResponse><volumeSet><item><big>2</bigger></item></volumeSet></DescribeVolumesResponse>",
            "<DescribeVolumesResponse><volumeSet><item><big><![CDATA[<x>]]></big></item></volumeSet></DescribeVolumesResponse>",
            "text<DescribeVolumesResponse/>",
            "<DescribeVolumesResponse/>trailing",
            "<!DOCTYPE x><DescribeVolumesResponse/>",
            "<OtherResponse><volumeSet/></OtherResponse>",
            "<DescribeVolumesResponse><volumeSet><item><big a=\"unclosed></item></volumeSet></DescribeVolumesResponse>",
            "<DescribeVolumesResponse><volumeSet><item><></item></volumeSet></DescribeVolumesResponse>",
            "<DescribeVolumesResponse><volumeSet><item><volumeId>a &bogus; b</volumeId></item></volumeSet></DescribeVolumesResponse>",
            "<DescribeVolumesResponse><volumeSet><item><size>eight</size></item></volumeSet></DescribeVolumesResponse>",
            "",
        ] {
            assert!(describe_volumes(body).is_none(), "{body}");
        }
        // Instructions and whitespace around the root are whole.
        let around = "<?xml version=\"1.0\"?>\n<DescribeVolumesResponse/>\n<?done?>\n";
        assert_eq!(describe_volumes(around).map(|o| o.volumes().len()), Some(0));
    }

    #[test]
    fn quotes_count_only_inside_tags() {
        // A quote in text is text; in a tag, the other kind of quote is part of the value.
        let body = r#"<DescribeVolumesResponse><volumeSet><item q="it's"><volumeId>"1" isn't '2'</volumeId><big a='say "hi"'>x</big></item></volumeSet></DescribeVolumesResponse>"#;
        let read = describe_volumes(body).expect("read");
        assert_eq!(read.volumes()[0].volume_id(), Some(r#""1" isn't '2'"#));
        assert!(
            describe_volumes(
                r#"<DescribeVolumesResponse><volumeSet><item q="x></item></volumeSet></DescribeVolumesResponse>"#
            )
            .is_none()
        );
    }

    #[test]
    fn many_items_in_any_script_read_in_order() {
        let items: String = (0..20_000)
            .map(|n| {
                format!(
                    "<item><snapshotId>snap-{n}</snapshotId><big><x>{n}</x></big><tagSet><item><key>Name</key>\
                     <value>チーム-{n} &lt;prod&gt; &amp; ünïcödé</value></item></tagSet></item>"
                )
            })
            .collect();
        let read =
            describe_snapshots(&document("DescribeSnapshotsResponse", "snapshotSet", &items, Some("t"))).expect("read");
        assert_eq!(read.next_token(), Some("t"));
        assert_eq!(read.snapshots().len(), 20_000);
        for (n, snapshot) in read.snapshots().iter().enumerate() {
            assert_eq!(snapshot.snapshot_id(), Some(format!("snap-{n}").as_str()));
            assert_eq!(snapshot.tags()[0].value(), Some(format!("チーム-{n} <prod> & ünïcödé").as_str()));
        }
    }
}
