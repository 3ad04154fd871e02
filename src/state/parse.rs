//! parse: reads a Terraform state from a byte stream without holding the raw text and the
//! parsed tree at once: resources are converted one by one as the stream goes by, and
//! outputs (which hold secrets) are skipped unread. Versions 4 and 3 are read; anything
//! else is refused with an error that names the object. Pure and synchronous.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::BuildHasher;
use std::io::{BufReader, Read};
use std::rc::Rc;
use std::sync::Arc;

use bumpalo::Bump;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::address;
use super::extract::{RawInstance, extract, extract_json};
use super::json_stream::{JsonStream, Span, StreamError, json_error_at};
use super::ordered::{Ordered, Workers};
use super::resource_block::{InstanceBlock, ResourceBlock};
use super::state_error::StateError;
use super::state_file::StateFile;
use super::state_resource::{Mode, StateResource};
use super::val::Val;

/// The default size limit of one state, in bytes.
pub const DEFAULT_MAX_STATE_BYTES: u64 = 512 * 1024 * 1024;

/// How to parse.
#[derive(Clone, Debug)]
pub struct ParseOptions {
    /// Keep each resource's redacted attributes (for `explain`).
    pub keep_attributes: bool,
    /// Refuse states larger than this.
    pub max_bytes: u64,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self { keep_attributes: false, max_bytes: DEFAULT_MAX_STATE_BYTES }
    }
}

/// A reader that fails once more than `remaining` bytes were read, and remembers the
/// first read error so it is reported as a read failure, not as bad JSON.
struct Limited<R> {
    inner: R,
    remaining: u64,
    exceeded: Rc<Cell<bool>>,
    io_error: Rc<std::cell::RefCell<Option<String>>>,
    /// Whether anything but whitespace was read: an empty object gets its own message.
    content: Rc<Cell<bool>>,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(err) => {
                self.io_error.borrow_mut().get_or_insert_with(|| err.to_string());
                return Err(err);
            }
        };
        let n64 = n as u64;
        if n64 > self.remaining {
            self.exceeded.set(true);
            return Err(std::io::Error::other("state size limit exceeded"));
        }
        self.remaining -= n64;
        if !self.content.get() && buf[..n].iter().any(|b| !b.is_ascii_whitespace()) {
            self.content.set(true);
        }
        Ok(n)
    }
}

/// How many leading bytes decide whether an object of unknown name looks like a state.
const SNIFF_BYTES: usize = 4096;

/// Whether the first bytes of an object look like a Terraform (or `OpenTofu`) state.
pub fn looks_like_state(prefix: &[u8]) -> bool {
    let text = String::from_utf8_lossy(prefix);
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    trimmed.starts_with('{')
        && ((text.contains("\"version\"")
            && ["\"terraform_version\"", "\"lineage\"", "\"resources\"", "\"modules\"", "\"serial\""]
                .iter()
                .any(|k| text.contains(k)))
            || text.contains("\"encrypted_data\""))
}

/// Parses an object that may or may not be a state. When `certain` (its name says it is a
/// state, or the user named it), every failure is an error; otherwise an object whose
/// first bytes do not look like a state is `NotState`.
pub fn parse_candidate<R: Read>(
    source: &str,
    mut reader: R,
    options: &ParseOptions,
    certain: bool,
) -> Result<Parsed, StateError> {
    if certain {
        return parse(source, reader, options);
    }
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    let mut buf = [0u8; SNIFF_BYTES];
    while prefix.len() < SNIFF_BYTES {
        match reader.read(&mut buf[..SNIFF_BYTES - prefix.len()]) {
            Ok(0) => break,
            Ok(n) => prefix.extend_from_slice(&buf[..n]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => {
                return Err(StateError::failed(source, err));
            }
        }
    }
    if !looks_like_state(&prefix) {
        return Ok(Parsed::NotState);
    }
    parse(source, std::io::Cursor::new(prefix).chain(reader), options)
}

/// The hash of the parser's sets and maps, keyed by addresses and provider names.
type FastHash = foldhash::fast::RandomState;

struct Ctx<'a> {
    /// Shared by every resource of the state.
    source: Arc<str>,
    options: &'a ParseOptions,
    resources: Vec<StateResource>,
    /// The hashes of the (address, deposed key) pairs pushed so far.
    seen: HashSet<u64, FastHash>,
    invalid: Option<String>,
    /// Threads that convert the blocks of a large state: claimed from the cores when
    /// `None` (as every scan does), exactly so many when given (tests).
    workers: Option<usize>,
}

impl Ctx<'_> {
    fn take(&mut self, item: Converted) {
        match item {
            Converted::Resource(resource) => self.push(resource),
            Converted::Invalid(detail) => {
                self.invalid.get_or_insert(detail);
            }
        }
    }

    fn push(&mut self, resource: StateResource) {
        if self.invalid.is_some() {
            return;
        }
        let hash = self.seen.hasher().hash_one((&resource.address, &resource.deposed));
        // A hash seen before is the same instance again, unless (hardly ever) another
        // instance shares it: only then are the instances compared.
        if !self.seen.insert(hash)
            && self.resources.iter().any(|r| r.address == resource.address && r.deposed == resource.deposed)
        {
            self.invalid = Some(format!("resource instance {} appears more than once", resource.address));
            return;
        }
        self.resources.push(resource);
    }
}

#[derive(Deserialize)]
struct RawResource {
    #[serde(default)]
    module: Option<String>,
    mode: String,
    #[serde(rename = "type")]
    tf_type: String,
    name: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    instances: Vec<RawInstanceV4>,
}

#[derive(Deserialize)]
struct RawInstanceV4 {
    #[serde(default)]
    index_key: Option<Value>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    deposed: Option<String>,
    #[serde(default)]
    attributes: Option<Value>,
    #[serde(default)]
    attributes_flat: Option<BTreeMap<String, String>>,
    #[serde(default)]
    sensitive_attributes: Option<Value>,
}

#[derive(Deserialize)]
struct V3Module {
    #[serde(default)]
    path: Vec<String>,
    #[serde(default)]
    resources: BTreeMap<String, V3Resource>,
}

#[derive(Deserialize)]
struct V3Resource {
    #[serde(rename = "type", default)]
    tf_type: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    primary: Option<V3Instance>,
    #[serde(default)]
    deposed: Vec<V3Instance>,
}

#[derive(Deserialize)]
struct V3Instance {
    #[serde(default)]
    id: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    tainted: bool,
}

struct ResourcesSeed<'c, 'a>(&'c mut Ctx<'a>);

impl<'de> DeserializeSeed<'de> for ResourcesSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResourcesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of resources")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<RawResource>()? {
            convert_v4(self.0, raw);
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A block `serde_json` read, in the shape the block parser reads (legacy flat attributes
/// rebuilt first), borrowed from it; its trees go in `arena`.
fn block_of<'a>(raw: &'a mut RawResource, arena: &'a Bump) -> ResourceBlock<'a> {
    for instance in &mut raw.instances {
        if instance.attributes.is_none()
            && let Some(flat) = &instance.attributes_flat
        {
            instance.attributes = Some(unflatten(flat));
        }
    }
    let raw = &*raw;
    ResourceBlock {
        module: raw.module.as_deref(),
        mode: &raw.mode,
        tf_type: &raw.tf_type,
        name: &raw.name,
        provider: &raw.provider,
        instances: raw
            .instances
            .iter()
            .map(|instance| InstanceBlock {
                index_key: instance.index_key.clone().filter(|k| !k.is_null()),
                status: instance.status.as_deref(),
                deposed: instance.deposed.as_deref(),
                attributes: instance.attributes.as_ref().map_or(Val::Obj(&mut []), |attrs| Val::of(attrs, arena)),
                sensitive: instance.sensitive_attributes.clone().unwrap_or(Value::Null),
            })
            .collect(),
    }
}

thread_local! {
    /// The arena the tree of the block being converted on this thread lives in.
    static ARENA: RefCell<Bump> = RefCell::new(Bump::new());
}

/// An arena that grew past this for one large block is let go rather than kept.
const ARENA_KEPT: usize = 1 << 20;

/// Runs `f` with this thread's block arena, emptied first.
fn with_arena<T>(f: impl FnOnce(&Bump) -> T) -> T {
    ARENA.with_borrow_mut(|arena| {
        if arena.allocated_bytes() > ARENA_KEPT {
            *arena = Bump::new();
        } else {
            arena.reset();
        }
        f(arena)
    })
}

fn convert_v4(ctx: &mut Ctx<'_>, mut raw: RawResource) {
    let (source, options) = (Arc::clone(&ctx.source), ctx.options);
    with_arena(|arena| convert_block(&source, options, block_of(&mut raw, arena), &mut |item| ctx.take(item)));
}

/// What converting a block gives, in the document's order.
// Nearly every item is a resource: boxing it would cost an allocation each.
#[allow(clippy::large_enum_variant)]
enum Converted {
    Resource(StateResource),
    /// The state is invalid (the first such message is the one reported).
    Invalid(String),
}

fn convert_block(source: &Arc<str>, options: &ParseOptions, raw: ResourceBlock<'_>, out: &mut impl FnMut(Converted)) {
    let mode = match raw.mode {
        "managed" => Mode::Managed,
        "data" => Mode::Data,
        other => {
            out(Converted::Invalid(format!("resource {}.{} has unknown mode {other:?}", raw.tf_type, raw.name)));
            return;
        }
    };
    for instance in raw.instances {
        let address =
            address::render(raw.module, mode == Mode::Data, raw.tf_type, raw.name, instance.index_key.as_ref());
        out(Converted::Resource(extract(RawInstance {
            source,
            address,
            tf_type: raw.tf_type,
            mode,
            provider: raw.provider,
            attributes: instance.attributes,
            sensitive: &instance.sensitive,
            tainted: instance.status == Some("tainted"),
            deposed: instance.deposed.filter(|d| !d.is_empty()).map(str::to_owned),
            keep_attributes: options.keep_attributes,
        })));
    }
}

/// Converts one block from its bytes: the block parser reads it, or `serde_json` reads
/// what that refuses, or says what is wrong with it.
fn convert_raw(
    source: &Arc<str>,
    options: &ParseOptions,
    raw: &[u8],
    out: &mut impl FnMut(Converted),
) -> Result<(), serde_json::Error> {
    with_arena(|arena| {
        if let Ok(block) = ResourceBlock::read(raw, arena) {
            convert_block(source, options, block, out);
        } else {
            let mut block: RawResource = serde_json::from_slice(raw)?;
            convert_block(source, options, block_of(&mut block, arena), out);
        }
        Ok(())
    })
}

fn convert_v3(ctx: &mut Ctx<'_>, modules: Vec<V3Module>) {
    for module in modules {
        let module_addr = address::legacy_module(&module.path);
        for (key, resource) in module.resources {
            let (data, rest) = match key.strip_prefix("data.") {
                Some(rest) => (true, rest),
                None => (false, key.as_str()),
            };
            let mut parts: Vec<&str> = rest.split('.').collect();
            let index = match parts.last().and_then(|p| p.parse::<u64>().ok()) {
                Some(i) if parts.len() >= 3 => {
                    parts.pop();
                    Some(Value::from(i))
                }
                _ => None,
            };
            if parts.len() < 2 {
                ctx.invalid.get_or_insert_with(|| format!("resource key {key:?} is not TYPE.NAME"));
                continue;
            }
            let tf_type = if resource.tf_type.is_empty() { parts[0].to_owned() } else { resource.tf_type.clone() };
            let name = parts[1..].join(".");
            let address = address::render(module_addr.as_deref(), data, &tf_type, &name, index.as_ref());
            let instances = resource
                .primary
                .into_iter()
                .map(|i| (i, None))
                .chain(resource.deposed.into_iter().enumerate().map(|(n, i)| (i, Some(format!("{n:08}")))));
            for (instance, deposed) in instances {
                let mut attributes = unflatten(&instance.attributes);
                if let Value::Object(map) = &mut attributes
                    && !instance.id.is_empty()
                {
                    map.entry("id").or_insert_with(|| Value::String(instance.id.clone()));
                }
                let resource = extract_json(RawInstance {
                    source: &ctx.source,
                    address: address.clone(),
                    tf_type: &tf_type,
                    mode: if data { Mode::Data } else { Mode::Managed },
                    provider: &resource.provider,
                    attributes: &attributes,
                    sensitive: &Value::Null,
                    tainted: instance.tainted,
                    deposed,
                    keep_attributes: ctx.options.keep_attributes,
                });
                ctx.push(resource);
            }
        }
    }
}

/// How deep `unflatten` nests: the rest of a longer key stays one key. Real attributes
/// nest a few levels; without a bound, a key of many dots would nest (and recurse) as
/// deep as it is long and overflow the stack.
const MAX_FLAT_DEPTH: usize = 32;

/// Rebuilds nested attributes from the legacy flat map (`tags.%`, `route.#`,
/// `route.1234.cidr_block`). Keys under a map (`X.%`) are taken whole, dots included.
pub fn unflatten(flat: &BTreeMap<String, String>) -> Value {
    let maps: HashSet<&str> = flat.keys().filter_map(|k| k.strip_suffix(".%")).collect();
    let mut root = serde_json::Map::new();
    for (key, value) in flat {
        if key.ends_with(".%") || key.ends_with(".#") || key == "%" || key == "#" {
            continue;
        }
        let mut segments: Vec<String> = Vec::new();
        let mut rest = key.as_str();
        let mut prefix_len: usize = 0;
        loop {
            // A map prefix swallows the remainder as one key, and so does the depth limit.
            let consumed = &key[..prefix_len.saturating_sub(1)];
            if prefix_len > 0 && maps.contains(consumed) || segments.len() + 1 == MAX_FLAT_DEPTH {
                segments.push(rest.to_owned());
                break;
            }
            if let Some((head, tail)) = rest.split_once('.') {
                segments.push(head.to_owned());
                prefix_len += head.len() + 1;
                rest = tail;
            } else {
                segments.push(rest.to_owned());
                break;
            }
        }
        insert_path(&mut root, &segments, Value::String(value.clone()));
    }
    listify(Value::Object(root), flat, "")
}

fn insert_path(map: &mut serde_json::Map<String, Value>, segments: &[String], value: Value) {
    let Some((first, rest)) = segments.split_first() else { return };
    if rest.is_empty() {
        map.insert(first.clone(), value);
        return;
    }
    let entry = map.entry(first.clone()).or_insert_with(|| Value::Object(serde_json::Map::new()));
    if let Value::Object(inner) = entry {
        insert_path(inner, rest, value);
    }
}

/// Turns objects that were lists (`X.#` present) into arrays, in key order.
fn listify(value: Value, flat: &BTreeMap<String, String>, prefix: &str) -> Value {
    match value {
        Value::Object(map) => {
            let is_list = !prefix.is_empty() && flat.contains_key(&format!("{prefix}.#"));
            let mut entries: Vec<(String, Value)> = map
                .into_iter()
                .map(|(k, v)| {
                    let child = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    (k, listify(v, flat, &child))
                })
                .collect();
            if is_list {
                entries.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(u64::MAX));
                Value::Array(entries.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(entries.into_iter().collect())
            }
        }
        other => other,
    }
}

struct TopVisitor<'c, 'a>(&'c mut Ctx<'a>);

#[derive(Default)]
struct Top {
    version: Option<u64>,
    terraform_version: Option<String>,
    serial: u64,
    lineage: Option<String>,
    saw_resources: bool,
    modules: Option<Vec<V3Module>>,
    encrypted: bool,
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut top = Top::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "version" => top.version = map.next_value::<Option<u64>>()?,
                "terraform_version" => top.terraform_version = map.next_value()?,
                "serial" => top.serial = map.next_value::<Option<u64>>()?.unwrap_or(0),
                "lineage" => top.lineage = map.next_value()?,
                "resources" => {
                    top.saw_resources = true;
                    map.next_value_seed(ResourcesSeed(self.0))?;
                }
                "modules" => top.modules = map.next_value()?,
                "encrypted_data" | "encryption_version" => {
                    top.encrypted = true;
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(top)
    }
}

/// What a stream turned out to hold.
#[derive(Debug)]
pub enum Parsed {
    State(StateFile),
    /// Valid JSON, but no sign of being a state (no `version`/`resources`/`modules`).
    NotState,
}

/// Parses a state from a reader. A state (a JSON object) is walked one top-level value at
/// a time and each resource block is parsed from its own bytes as it goes by, so memory
/// holds the largest block, not the file; anything else (a list, a page of HTML) goes
/// through `serde_json` whole, for its own words on what is wrong.
pub fn parse<R: Read>(source: &str, reader: R, options: &ParseOptions) -> Result<Parsed, StateError> {
    parse_on(source, reader, options, None)
}

/// `parse`, converting the blocks of a large state on `workers` threads (none but the
/// caller's below two), or on the threads it can claim when `None`.
fn parse_on<R: Read>(
    source: &str,
    reader: R,
    options: &ParseOptions,
    workers: Option<usize>,
) -> Result<Parsed, StateError> {
    let exceeded = Rc::new(Cell::new(false));
    let io_error = Rc::new(std::cell::RefCell::new(None));
    let content = Rc::new(Cell::new(false));
    let limited = Limited {
        inner: reader,
        remaining: options.max_bytes,
        exceeded: exceeded.clone(),
        io_error: io_error.clone(),
        content: content.clone(),
    };
    let mut ctx = Ctx {
        source: Arc::from(source),
        options,
        resources: Vec::new(),
        seen: HashSet::with_hasher(FastHash::default()),
        invalid: None,
        workers,
    };
    let mut stream = JsonStream::new(limited);
    let walked = read_top(&mut stream, &mut ctx);
    let failed = |detail: String, eof: bool, data: bool| {
        if exceeded.get() {
            StateError::TooLarge { source_name: source.to_owned(), limit: options.max_bytes }
        } else if let Some(detail) = io_error.borrow_mut().take() {
            StateError::failed(source, detail)
        } else if !content.get() {
            StateError::Empty { source_name: source.to_owned() }
        } else if data {
            StateError::Invalid { source_name: source.to_owned(), detail }
        } else {
            StateError::Json { source_name: source.to_owned(), detail, eof }
        }
    };
    let top = match walked {
        Ok(Some(top)) => top,
        Ok(None) => {
            // Not an object: serde_json says what it is, or what is wrong with it.
            let mut de = serde_json::Deserializer::from_reader(BufReader::new(stream.into_rest()));
            match de.deserialize_map(TopVisitor(&mut ctx)).and_then(|top| de.end().map(|()| top)) {
                Ok(top) => top,
                Err(error) => {
                    let category = error.classify();
                    return Err(failed(
                        error.to_string(),
                        category == serde_json::error::Category::Eof,
                        category == serde_json::error::Category::Data,
                    ));
                }
            }
        }
        Err(StreamError::Io(err)) => return Err(failed(err.to_string(), false, false)),
        Err(StreamError::Json(err)) => return Err(failed(err.detail, err.eof, err.data)),
    };
    if top.encrypted {
        return Err(StateError::Encrypted { source_name: source.to_owned() });
    }
    let Some(version) = top.version else {
        if top.saw_resources || top.modules.is_some() {
            return Err(StateError::Invalid {
                source_name: source.to_owned(),
                detail: "no \"version\" field".to_owned(),
            });
        }
        return Ok(Parsed::NotState);
    };
    match version {
        4 => {}
        3 => convert_v3(&mut ctx, top.modules.unwrap_or_default()),
        other => return Err(StateError::Version { source_name: source.to_owned(), version: other }),
    }
    if let Some(detail) = ctx.invalid {
        return Err(StateError::Invalid { source_name: source.to_owned(), detail });
    }
    let mut resources = ctx.resources;
    // Kept for the whole scan: without the room the list grew into.
    resources.shrink_to_fit();
    infer_placement(&mut resources);
    Ok(Parsed::State(StateFile {
        source: source.to_owned(),
        version,
        terraform_version: top.terraform_version,
        serial: top.serial,
        lineage: top.lineage,
        workspace: None,
        labels: Vec::new(),
        project: None,
        resources,
    }))
}

/// Walks a state's top-level object, converting resources as they go by; `None` when the
/// document is not an object.
fn read_top<R: Read>(stream: &mut JsonStream<R>, ctx: &mut Ctx<'_>) -> Result<Option<Top>, StreamError> {
    if stream.peek()? != Some(b'{') {
        return Ok(None);
    }
    stream.expect(b'{', "`{`", "an object")?;
    let mut top = Top::default();
    if stream.closes(b'}')? {
        stream.end()?;
        return Ok(Some(top));
    }
    loop {
        if stream.peek()? != Some(b'"') {
            stream.expect(b'"', "a key (key must be a string)", "an object")?;
        }
        let key: String = value_of(stream)?;
        stream.expect(b':', "`:`", "an object")?;
        match key.as_str() {
            "version" => top.version = value_of::<Option<u64>, R>(stream)?,
            "terraform_version" => top.terraform_version = value_of(stream)?,
            "serial" => top.serial = value_of::<Option<u64>, R>(stream)?.unwrap_or(0),
            "lineage" => top.lineage = value_of(stream)?,
            "resources" => {
                top.saw_resources = true;
                read_resources(stream, ctx)?;
            }
            "modules" => top.modules = value_of(stream)?,
            "encrypted_data" | "encryption_version" => {
                top.encrypted = true;
                value_of::<IgnoredAny, R>(stream)?;
            }
            _ => {
                value_of::<IgnoredAny, R>(stream)?;
            }
        }
        if !stream.next_member(b'}', "an object")? {
            break;
        }
    }
    stream.end()?;
    Ok(Some(top))
}

/// Parses the next value of the stream.
fn value_of<T: serde::de::DeserializeOwned, R: Read>(stream: &mut JsonStream<R>) -> Result<T, StreamError> {
    let (raw, start) = stream.value()?;
    serde_json::from_slice(raw).map_err(|err| stream.json_error(start, &err))
}

/// The `resources` list, one block at a time. Once a state proves large (more than a
/// batch of blocks), the rest of its blocks are gathered into batches converted on several
/// cores (`read_batches`).
fn read_resources<R: Read>(stream: &mut JsonStream<R>, ctx: &mut Ctx<'_>) -> Result<(), StreamError> {
    if stream.peek()? != Some(b'[') {
        // Not a list: `null` is no resources; anything else is refused in serde's words.
        let (raw, start) = stream.value()?;
        let mut de = serde_json::Deserializer::from_slice(raw);
        return ResourcesSeed(ctx)
            .deserialize(&mut de)
            .and_then(|()| de.end())
            .map_err(|err| stream.json_error(start, &err));
    }
    stream.expect(b'[', "`[`", "a list")?;
    if stream.closes(b']')? {
        return Ok(());
    }
    let mut read = 0;
    let (source, options) = (Arc::clone(&ctx.source), ctx.options);
    loop {
        let (raw, start) = stream.value()?;
        read += raw.len();
        convert_raw(&source, options, raw, &mut |item| ctx.take(item)).map_err(|err| stream.json_error(start, &err))?;
        if !stream.next_member(b']', "a list")? {
            return Ok(());
        }
        if read >= BATCH {
            // Asked again at each block while no core is free: one may be by the next.
            let claim = ctx.workers.is_none().then(Workers::claim);
            let workers = ctx.workers.or(claim.as_ref().map(Workers::count)).unwrap_or(0);
            if workers > 1 {
                return read_batches(stream, ctx, workers);
            }
        }
    }
}

/// About how many bytes of blocks a batch holds.
const BATCH: usize = 1024 * 1024;

/// The rest of a large `resources` list, in batches of blocks converted on `workers`
/// threads while the stream walks on; what they give is taken in the document's order, so
/// the result (and the first error, placed in the document) is the one-thread result.
/// Memory holds a few batches, not the file.
fn read_batches<R: Read>(stream: &mut JsonStream<R>, ctx: &mut Ctx<'_>, workers: usize) -> Result<(), StreamError> {
    let (source, options) = (Arc::clone(&ctx.source), ctx.options);
    let convert = |(span, blocks): (Span, Vec<(usize, usize)>)| {
        let mut out = Vec::with_capacity(blocks.len());
        for (start, end) in blocks {
            if let Err(err) = convert_raw(&source, options, &span.bytes[start..end], &mut |item| out.push(item)) {
                return (out, Some(json_error_at(|| span.place(start), &err)));
            }
        }
        (out, None)
    };
    let mut failed = None;
    let mut take = |(converted, error): (Vec<Converted>, Option<StreamError>)| {
        // Nothing after the first bad block counts, as if the walk had stopped there.
        if failed.is_none() {
            for item in converted {
                ctx.take(item);
            }
            failed = error;
        }
    };
    let walked = std::thread::scope(|scope| {
        let mut pool = Ordered::new(scope, &convert, workers);
        stream.hold();
        let mut blocks = Vec::new();
        let walked = loop {
            let (len, start) = match stream.value() {
                Ok((raw, start)) => (raw.len(), start),
                Err(err) => break Err(err),
            };
            let at = stream.offset_in_span(start);
            blocks.push((at, at + len));
            if stream.span_len() >= BATCH {
                pool.hand((stream.take_span(), std::mem::take(&mut blocks)), &mut take);
            }
            match stream.next_member(b']', "a list") {
                Ok(true) => {}
                Ok(false) => break Ok(()),
                Err(err) => break Err(err),
            }
        };
        if !blocks.is_empty() {
            pool.hand((stream.take_span(), blocks), &mut take);
        }
        stream.release();
        pool.finish(&mut take);
        walked
    });
    // A bad block comes before whatever stopped the walk.
    match failed {
        Some(err) => Err(err),
        None => walked,
    }
}

/// Resources without an ARN or zone take the region and account most resources of the
/// same provider configuration show: one provider block is one region of one account.
/// Adds (provider, value) votes to a tally, a run of equal votes at a time.
fn count_votes<'r>(
    tally: &mut HashMap<&'r str, HashMap<&'r str, usize>, FastHash>,
    votes: impl Iterator<Item = (&'r str, &'r str)>,
) {
    let mut run: Option<((&str, &str), usize)> = None;
    for vote in votes {
        match &mut run {
            Some((current, n)) if same(current.0, vote.0) && same(current.1, vote.1) => *n += 1,
            _ => {
                if let Some(((provider, value), n)) = run.replace((vote, 1)) {
                    *tally.entry(provider).or_default().entry(value).or_default() += n;
                }
            }
        }
    }
    if let Some(((provider, value), n)) = run {
        *tally.entry(provider).or_default().entry(value).or_default() += n;
    }
}

/// Whether two names are equal, told at once when they are one shared string.
fn same(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// A provider configuration, and the region and account its resources are placed in.
type Placed = (Arc<str>, Option<Arc<str>>, Option<Arc<str>>);

fn infer_placement(resources: &mut [StateResource]) {
    // Votes are counted over borrowed names, a run of equal votes at a time (a provider's
    // resources mostly stand together), and each provider's majority is found once.
    let mut regions: HashMap<&str, HashMap<&str, usize>, FastHash> = HashMap::default();
    let mut accounts: HashMap<&str, HashMap<&str, usize>, FastHash> = HashMap::default();
    count_votes(&mut regions, resources.iter().filter_map(|r| Some((&*r.provider, r.region.as_deref()?))));
    count_votes(&mut accounts, resources.iter().filter_map(|r| Some((&*r.provider, r.account.as_deref()?))));
    // A placement given is the string the resources that voted for it hold, shared.
    let held = |name: &str| {
        resources.iter().find_map(|r| [&r.region, &r.account].into_iter().flatten().find(|n| ***n == *name)).cloned()
    };
    let majority = |votes: &HashMap<&str, usize>| {
        votes.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).and_then(|(k, _)| held(k))
    };
    // One state is almost always one account: what no provider block says, the file does.
    let mut file_accounts: HashMap<&str, usize> = HashMap::new();
    for votes in accounts.values() {
        for (account, n) in votes {
            *file_accounts.entry(account).or_default() += n;
        }
    }
    let file_account = if file_accounts.len() == 1 { file_accounts.keys().next().and_then(|a| held(a)) } else { None };
    let regions: HashMap<String, Option<Arc<str>>, FastHash> =
        regions.iter().map(|(provider, votes)| ((*provider).to_owned(), majority(votes))).collect();
    let accounts: HashMap<String, Option<Arc<str>>, FastHash> =
        accounts.iter().map(|(provider, votes)| ((*provider).to_owned(), majority(votes))).collect();
    // Looked up once per run of resources of one provider.
    let mut placed: Option<Placed> = None;
    for r in resources.iter_mut() {
        if r.region.is_some() && r.account.is_some() {
            continue;
        }
        let (_, region, account) = match placed.take() {
            Some(found) if same(&found.0, &r.provider) => placed.insert(found),
            _ => placed.insert((
                Arc::clone(&r.provider),
                regions.get(&*r.provider).cloned().flatten(),
                accounts.get(&*r.provider).cloned().flatten().or_else(|| file_account.clone()),
            )),
        };
        if r.region.is_none() {
            r.region.clone_from(region);
        }
        if r.account.is_none() {
            r.account.clone_from(account);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::state_resource::Identity;

    fn parse_str(text: &str) -> Result<Parsed, StateError> {
        parse("test.tfstate", text.as_bytes(), &ParseOptions::default())
    }

    fn state(text: &str) -> StateFile {
        match parse_str(text) {
            Ok(Parsed::State(s)) => s,
            other => panic!("expected a state, got {other:?}"),
        }
    }

    const V4: &str = r#"{
      "version": 4, "terraform_version": "1.9.5", "serial": 7, "lineage": "abc",
      "outputs": {"db_password": {"value": "hunter2", "type": "string", "sensitive": true}},
      "resources": [
        {"module": "module.net[\"a\"]", "mode": "managed", "type": "aws_subnet", "name": "private",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [
           {"index_key": "x", "attributes": {"id": "subnet-0a1b2c3d", "arn": "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0a1b2c3d", "vpc_id": "vpc-0a1b2c3d"}},
           {"index_key": "y", "attributes": {"id": "subnet-0a1b2c3e", "vpc_id": "vpc-0a1b2c3d"}}
         ]},
        {"mode": "managed", "type": "aws_instance", "name": "web", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"index_key": 0, "attributes": {"id": "i-0a1b2c3d"}}]},
        {"mode": "data", "type": "aws_ami", "name": "ubuntu", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"attributes": {"id": "ami-0a1b2c3d"}}]}
      ]
    }"#;

    #[test]
    fn reads_v4_addresses_modes_and_placement() {
        let s = state(V4);
        assert_eq!(s.version, 4);
        assert_eq!(s.serial, 7);
        let addresses: Vec<&str> = s.resources.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(
            addresses,
            vec![
                "module.net[\"a\"].aws_subnet.private[\"x\"]",
                "module.net[\"a\"].aws_subnet.private[\"y\"]",
                "aws_instance.web[0]",
                "data.aws_ami.ubuntu"
            ]
        );
        assert_eq!(s.resources[3].mode, Mode::Data);
        // Placement inferred from the provider's other resources.
        assert_eq!(s.resources[1].region.as_deref(), Some("eu-west-1"));
        assert_eq!(s.resources[2].account.as_deref(), Some("123456789012"));
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn reads_v3_legacy_modules() {
        let s = state(
            r#"{"version": 3, "terraform_version": "0.11.14", "serial": 1, "lineage": "l",
                "modules": [{"path": ["root", "net"], "resources": {
                  "aws_instance.web.1": {"type": "aws_instance", "primary": {"id": "i-0a1b2c3d", "attributes": {"id": "i-0a1b2c3d", "tags.%": "1", "tags.kubernetes.io/role": "node", "vpc_security_group_ids.#": "1", "vpc_security_group_ids.1234": "sg-0a1b2c3d"}}},
                  "data.aws_ami.x": {"type": "aws_ami", "primary": {"id": "ami-0a1b2c3d", "attributes": {}}}
                }}]}"#,
        );
        assert_eq!(s.version, 3);
        let web = s.resources.iter().find(|r| r.tf_type == "aws_instance").expect("web");
        assert_eq!(web.address, "module.net.aws_instance.web[1]");
        assert_eq!(web.identity, Identity::Live { kind: "ec2:instance".into(), id: "i-0a1b2c3d".into() });
        assert_eq!(web.tags.get("kubernetes.io/role").map(String::as_str), Some("node"));
        assert!(web.references.iter().any(|r| r.target == "sg-0a1b2c3d"));
        assert!(s.resources.iter().any(|r| r.address == "module.net.data.aws_ami.x" && r.mode == Mode::Data));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(matches!(parse_str(r#"{"version": 4, "resources": ["#), Err(StateError::Json { .. })));
        assert!(matches!(parse_str(r#"{"version": 5, "resources": []}"#), Err(StateError::Version { version: 5, .. })));
        assert!(matches!(parse_str(r#"{"version": 2, "modules": []}"#), Err(StateError::Version { version: 2, .. })));
        assert!(matches!(
            parse_str(
                r#"{"serial": 1, "lineage": "x", "meta": {}, "encrypted_data": "AAAA", "encryption_version": "v0"}"#
            ),
            Err(StateError::Encrypted { .. })
        ));
        assert!(matches!(parse_str(r#"{"name": "not a state"}"#), Ok(Parsed::NotState)));
        let dup = r#"{"version": 4, "resources": [
            {"mode": "managed", "type": "aws_vpc", "name": "a", "instances": [{"attributes": {"id": "vpc-0a1b2c3d"}}]},
            {"mode": "managed", "type": "aws_vpc", "name": "a", "instances": [{"attributes": {"id": "vpc-0a1b2c3e"}}]}]}"#;
        let err = parse_str(dup).expect_err("duplicate");
        assert!(err.to_string().contains("aws_vpc.a appears more than once"), "{err}");
        let deep = format!(
            r#"{{"version": 4, "resources": [{{"mode": "managed", "type": "aws_vpc", "name": "a", "instances": [{{"attributes": {}1{}}}]}}]}}"#,
            "[".repeat(500),
            "]".repeat(500)
        );
        assert!(matches!(parse_str(&deep), Err(StateError::Json { .. })));
        let bad_utf8 = b"{\"version\": 4, \"resources\": [{\"mode\": \"managed\", \"type\": \"aws_vpc\", \"name\": \"\xff\xfe\", \"instances\": []}]}";
        assert!(parse("bad", &bad_utf8[..], &ParseOptions::default()).is_err());
    }

    #[test]
    fn empty_objects_and_wrong_shapes_say_so() {
        assert!(matches!(parse_str(""), Err(StateError::Empty { .. })));
        assert!(matches!(parse_str(" \n\t"), Err(StateError::Empty { .. })));
        let err = parse_str("[1, 2]").expect_err("a list");
        assert!(err.to_string().contains("not a valid Terraform state: invalid type: sequence"), "{err}");
        let err = parse_str(r#"{"version": "4", "resources": []}"#).expect_err("a string version");
        assert!(matches!(err, StateError::Invalid { .. }), "{err}");
        assert!(matches!(parse_str("{\"version\": 4, "), Err(StateError::Json { .. })));
    }

    #[test]
    fn a_legacy_key_of_many_dots_nests_only_so_deep() {
        let key = vec!["a"; 50_000].join(".");
        let flat = BTreeMap::from([(key, "x".to_owned()), ("id".to_owned(), "vpc-1".to_owned())]);
        let mut value = &unflatten(&flat);
        let mut depth = 0;
        while let Some((_, inner)) = value.as_object().and_then(|m| m.iter().find(|(k, _)| *k != "id")) {
            value = inner;
            depth += 1;
        }
        assert_eq!(depth, MAX_FLAT_DEPTH);
        assert_eq!(value, "x");
    }

    #[test]
    fn size_limit_is_enforced() {
        let options = ParseOptions { keep_attributes: false, max_bytes: 100 };
        let err = parse("big.tfstate", V4.as_bytes(), &options).expect_err("too large");
        assert!(matches!(err, StateError::TooLarge { limit: 100, .. }));
    }

    /// The resources of one block read by the block parser (which must take it) and by
    /// `serde_json`, in that order.
    fn both_ways(block: &str, keep_attributes: bool) -> (Vec<StateResource>, Vec<StateResource>) {
        let options = ParseOptions { keep_attributes, ..ParseOptions::default() };
        let ctx = || Ctx {
            source: "s".into(),
            options: &options,
            resources: Vec::new(),
            seen: HashSet::with_hasher(FastHash::default()),
            invalid: None,
            workers: Some(1),
        };
        let mut fast = ctx();
        let arena = Bump::new();
        let read = ResourceBlock::read(block.as_bytes(), &arena).expect("the block parser reads it");
        convert_block(&"s".into(), &options, read, &mut |item| fast.take(item));
        let mut slow = ctx();
        convert_v4(&mut slow, serde_json::from_str(block).expect("serde_json reads it"));
        (fast.resources, slow.resources)
    }

    #[test]
    fn issue_14_the_block_parser_gives_what_serde_json_gives() {
        let blocks = [
            // Escapes, non-ASCII, a surrogate pair, keys out of order and twice (the last
            // wins), numbers of every kind, a key that says secret in capitals.
            r#"{"module": "module.n\u00e9t[\"a\\b\"]", "mode": "managed", "type": "aws_security_group", "name": "w\u00e9b",
                "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]", "schema_version": 1, "private": "eyJ9",
                "instances": [
                  {"index_key": "k\ud83d\ude00\n", "status": "tainted", "deposed": "abcd1234",
                   "attributes": {"vpc_id": "vpc-0a1b2c3d", "id": "sg-0a1b2c3d", "id": "sg-0a1b2c3e",
                     "arn": "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0a1b2c3e",
                     "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 4.43e2, "cidr_blocks": ["10.0.0.0/8"],
                                  "security_groups": ["210987654321/sg-0f1e2d3c"], "self": true}],
                     "egress": [{"protocol": "-1", "from_port": -0, "to_port": 18446744073709551616, "ipv6_cidr_blocks": ["::/0"]}],
                     "tags": {"Name": "caf\u00e9", "Env": "dev", "Env": "prod"}, "tags_all": {},
                     "DB_Password": "sg-0a1b2c3f", "cert": "-----BEGIN RSA PRIVATE KEY-----\nvpc-0a1b2c3f",
                     "nested": {"deep": [[{"subnet_id": "subnet-0a1b2c3d", "n": 1.5e-3}]], "null": null, "yes": false}},
                   "sensitive_attributes": [[{"type": "get_attr", "value": "nested"}, {"type": "get_attr", "value": "deep"},
                                             {"type": "index", "value": {"value": 0, "type": "number"}}]]},
                  {"index_key": 2, "attributes": null, "attributes_flat": null, "status": null}
                ]}"#,
            r#"{"mode":"data","type":"aws_vpc","name":"v","module":null,"instances":[{"index_key":1.0,"attributes":{"id":"vpc-0a1b2c3d","cidr_block":"10.0.0.0/16","owner_id":"123456789012","availability_zone":"eu-west-1b"}}]}"#,
            r#"{"mode":"managed","type":"aws_instance","name":"i","instances":[]}"#,
            r#"{"mode":"managed","type":"aws_instance","name":"i"}"#,
            r#"{"mode":"managed","type":"aws_network_acl","name":"a","instances":[{"attributes":{"id":"acl-0a1b2c3d","ingress":[{"rule_no":"100","protocol":"6","action":"ALLOW","cidr_block":"0.0.0.0/0","from_port":22,"to_port":22}],"egress":[{"rule_no":9223372036854775807}]}}]}"#,
        ];
        for block in blocks {
            for keep in [false, true] {
                let (fast, slow) = both_ways(block, keep);
                assert!(!fast.is_empty() || !block.contains("attributes"), "{block}");
                assert_eq!(fast, slow, "{block}");
                let text = format!("{fast:?}");
                assert!(
                    !text.contains("sg-0a1b2c3f")
                        && !text.contains("vpc-0a1b2c3f")
                        && !text.contains("subnet-0a1b2c3d\"")
                );
            }
        }
    }

    /// A state of `blocks` resource blocks written over several lines each, as Terraform
    /// writes them, in every shape the two parsers share: modules and index keys,
    /// non-ASCII tags, escapes, data sources, legacy flat attributes (which only
    /// `serde_json` reads), numbers with exponents. `edit` changes the text of block `n`.
    fn large_state(blocks: usize, edit: impl Fn(usize, String) -> String) -> String {
        let mut text =
            String::from("{\n  \"version\": 4,\n  \"serial\": 3,\n  \"lineage\": \"big\",\n  \"resources\": [\n");
        for n in 0..blocks {
            let block = match n % 5 {
                0 => format!(
                    r#"    {{
      "module": "module.unit[\"{n}\"]",
      "mode": "managed",
      "type": "aws_instance",
      "name": "app",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [
        {{
          "index_key": {n},
          "schema_version": 1,
          "attributes": {{
            "id": "i-{n:017x}",
            "arn": "arn:aws:ec2:eu-west-1:123456789012:instance/i-{n:017x}",
            "subnet_id": "subnet-{n:08x}",
            "vpc_security_group_ids": ["sg-{n:08x}"],
            "tags": {{"Name": "サーバー {n}", "Environment": "prod"}},
            "cpu_core_count": 2.5e0
          }},
          "sensitive_attributes": []
        }}
      ]
    }}"#
                ),
                1 => format!(
                    r#"    {{"mode": "managed", "type": "aws_security_group", "name": "g{n}", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [{{"attributes": {{"i\u0064": "sg-{n:08x}", "vpc_id": "vpc-{n:08x}", "description": "caf\u00e9 \"quoted\"",
        "ingress": [{{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8"]}}]}}}}]}}"#
                ),
                2 => format!(
                    r#"    {{"mode": "data", "type": "aws_ami", "name": "a{n}", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [{{"attributes": {{"id": "ami-{n:08x}"}}}}]}}"#
                ),
                3 => format!(
                    r#"    {{"mode": "managed", "type": "aws_subnet", "name": "s{n}", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [{{"attributes_flat": {{"id": "subnet-{n:08x}", "vpc_id": "vpc-{n:08x}", "tags.%": "1", "tags.Name": "flat"}}}}]}}"#
                ),
                _ => format!(
                    r#"    {{"mode": "managed", "type": "random_id", "name": "r{n}", "provider": "provider[\"registry.terraform.io/hashicorp/random\"]",
      "instances": [{{"index_key": "k{n}", "attributes": {{"id": "{n}", "b64_std": "c2VjcmV0"}}}}]}}"#
                ),
            };
            text.push_str(&edit(n, block));
            text.push_str(if n + 1 < blocks { ",\n" } else { "\n" });
        }
        text.push_str("  ]\n}\n");
        text
    }

    fn parse_on_str(text: &str, workers: usize) -> Result<Parsed, StateError> {
        parse_on("big.tfstate", text.as_bytes(), &ParseOptions::default(), Some(workers))
    }

    #[test]
    fn issue_14_a_block_arena_keeps_no_more_than_a_small_block_needs() {
        // A block whose tree needs 4 MiB, then a small one: the arena the large block grew
        // is let go, so what the thread keeps is bounded by the blocks it converts now.
        with_arena(|arena| {
            arena.alloc_slice_fill_copy(4 << 20, 0u8);
        });
        let kept = with_arena(|arena| {
            arena.alloc_str("vpc-0a1b2c3d");
            arena.allocated_bytes()
        });
        assert!(kept <= ARENA_KEPT, "{kept} bytes kept");
        // A small arena is emptied, not let go: blocks after it reuse its memory.
        let again = with_arena(Bump::allocated_bytes);
        assert_eq!(again, kept);
    }

    #[test]
    fn issue_14_instances_share_their_source_provider_region_and_account() {
        let text = large_state(50, |_, block| block);
        let Ok(Parsed::State(state)) = parse_on_str(&text, 1) else { panic!("a state") };
        let all = &state.resources;
        assert!(all.iter().all(|r| Arc::ptr_eq(&r.source, &all[0].source)), "one source string per state");
        // One string per name, not one per instance: the state is small enough to be converted
        // on one thread, and a placement given shares the string of the resources it came from.
        let strings = |name: fn(&StateResource) -> Option<&Arc<str>>| {
            let names: HashSet<&str> = all.iter().filter_map(|r| name(r).map(|n| &**n)).collect();
            let held: HashSet<*const u8> = all.iter().filter_map(|r| name(r).map(|n| n.as_ptr())).collect();
            (names.len(), held.len())
        };
        for (what, (names, held)) in [
            ("provider", strings(|r| Some(&r.provider))),
            ("region", strings(|r| r.region.as_ref())),
            ("account", strings(|r| r.account.as_ref())),
        ] {
            assert!(names > 0, "the test state names a {what}");
            assert_eq!(held, names, "{what} strings for as many names over {} instances", all.len());
        }
    }

    #[test]
    fn issue_14_a_large_state_converted_on_several_threads_reads_as_on_one() {
        let text = large_state(20_000, |_, block| block);
        assert!(text.len() > 5 * BATCH, "the state spans many batches: {} bytes", text.len());
        let Ok(Parsed::State(one)) = parse_on_str(&text, 1) else { panic!("one thread reads it") };
        let Ok(Parsed::State(many)) = parse_on_str(&text, 4) else { panic!("four threads read it") };
        assert_eq!(one.resources.len(), 20_000);
        assert_eq!(many, one);
        // The last block is there, and one only `serde_json` reads.
        assert!(many.resources.iter().any(|r| r.address == "random_id.r19999[\"k19999\"]"));
        assert!(many.resources.iter().any(|r| r.address == "aws_subnet.s19998" && r.tags.get("Name").is_some()));
    }

    #[test]
    fn issue_14_a_large_state_fails_on_several_threads_as_on_one() {
        // Blocks 15,000 (an instance) and 15,001 (a group) lie batches past the first.
        let edited = |at: usize, from: &str, to: &str| {
            large_state(20_000, |n, b| {
                if n != at {
                    return b;
                }
                assert!(b.contains(from), "block {n} holds {from}");
                b.replacen(from, to, 1)
            })
        };
        let error = |text: &str, workers: usize, what: &str| match parse_on_str(text, workers) {
            Err(err) => err.to_string(),
            Ok(_) => panic!("{what}: read on {workers} threads"),
        };
        let cases = [
            ("a syntax error in a late block", edited(15_001, ": 443,", ": 443,,")),
            ("a wrong type in a late block", edited(15_000, "\"name\": \"app\"", "\"name\": 7")),
            ("an unknown mode", edited(15_000, "\"managed\"", "\"imported\"")),
            ("an instance declared twice, far apart", edited(15_001, "\"g15001\"", "\"g1\"")),
            (
                "a bad block before a broken list",
                large_state(20_000, |n, b| match n {
                    15_001 => b.replacen("[{", "[{,", 1),
                    19_990 => format!("{b} ]] garbage"),
                    _ => b,
                }),
            ),
            (
                "an invalid block before a bad one",
                large_state(20_000, |n, b| match n {
                    15_000 => b.replacen("\"managed\"", "\"imported\"", 1),
                    19_991 => b.replacen("[{", "[{,", 1),
                    _ => b,
                }),
            ),
        ];
        for (what, text) in &cases {
            let one = error(text, 1, what);
            assert_eq!(error(text, 4, what), one, "{what}");
        }
        assert!(error(&cases[0].1, 1, "").contains("line"), "a syntax error is placed");
        assert!(error(&cases[3].1, 1, "").contains("more than once"));
        // Cut short in the middle of a late block, as a broken download is.
        let whole = large_state(20_000, |_, b| b);
        let cut = &whole[..whole.len() * 3 / 4];
        let one = error(cut, 1, "cut short");
        assert_eq!(error(cut, 4, "cut short"), one);
        assert!(one.contains("EOF"), "{one}");
    }

    #[test]
    fn issue_14_what_the_block_parser_refuses_serde_json_reads_or_words() {
        /// The whole document, as `serde_json` reads it in one go.
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Whole {
            version: u64,
            resources: Vec<RawResource>,
        }
        let state = |block: &str| format!("{{\"version\": 4,\n \"resources\": [\n{block}]}}");
        // serde_json reads these (legacy flat attributes, a block written as a list, bytes
        // it does not check in a field it skips): the resources are what it reads.
        for (block, address) in [
            (
                &br#"{"mode": "managed", "type": "aws_vpc", "name": "a", "instances": [{"attributes_flat": {"id": "vpc-0a1b2c3d", "tags.%": "1", "tags.Name": "x"}}]}"#[..],
                "aws_vpc.a",
            ),
            (br#"["module.m", "managed", "aws_vpc", "a", "p", [{"attributes": {"id": "vpc-0a1b2c3d"}}]]"#, "module.m.aws_vpc.a"),
            (b"{\"mode\": \"managed\", \"type\": \"aws_vpc\", \"name\": \"a\", \"private\": \"\xff\", \"instances\": [{\"attributes\": {\"id\": \"vpc-0a1b2c3d\"}}]}", "aws_vpc.a"),
            (br#"{"mode": "managed", "type": "aws_vpc", "name": "a", "private": "\udc00", "instances": [{"attributes": {"id": "vpc-0a1b2c3d"}}]}"#, "aws_vpc.a"),
        ] {
            assert!(ResourceBlock::read(block, &Bump::new()).is_err(), "{}", block.escape_ascii());
            let mut text = b"{\"version\": 4, \"resources\": [".to_vec();
            text.extend_from_slice(block);
            text.extend_from_slice(b"]}");
            let Ok(Parsed::State(s)) = parse("s", &text[..], &ParseOptions::default()) else {
                panic!("not read: {}", block.escape_ascii())
            };
            assert_eq!(s.resources.len(), 1);
            assert_eq!(s.resources[0].address, address);
            assert_eq!(s.resources[0].live_key(), Some(("ec2:vpc", "vpc-0a1b2c3d")));
        }
        // These it cannot: the message is serde_json's, placed in the whole document.
        for block in [
            r#"{"mode": "managed", "mode": "data", "type": "aws_vpc", "name": "a"}"#,
            r#"{"mode": "managed", "type": "aws_vpc", "name": "a", "provider": null}"#,
            r#"{"mode": "managed", "type": "aws_vpc", "name": "a", "instances": null}"#,
            r#"{"mode": "managed", "type": "aws_vpc"}"#,
            r#"{"mode": "managed", "type": "aws_vpc", "name": "a", "instances": [{"attributes": {"id": 01}}]}"#,
            r#"{"mode": "managed", "type": "aws_vpc", "name": "a", "instances": [{"attributes": {"id": "\ud800"}}]}"#,
            r#"{"mode": "managed", "type": "aws_vpc", "name": "a", "instances": [{"attributes": {"id": 1e999}}]}"#,
            r#"{"mode": "managed", "type": "aws_vpc", "name": "a", "instances": [{"attributes": {"id": "x",}}]}"#,
        ] {
            assert!(ResourceBlock::read(block.as_bytes(), &Bump::new()).is_err(), "{block}");
            let s = state(block);
            let err = parse_str(&s).expect_err(block).to_string();
            let whole = serde_json::from_str::<Whole>(&s).err().expect("serde_json refuses it").to_string();
            assert!(err.ends_with(&whole), "{err} / {whole}");
        }
    }

    #[test]
    fn empty_state_is_a_state() {
        let s = state(
            r#"{"version": 4, "terraform_version": "1.9.5", "serial": 9, "lineage": "x", "outputs": {}, "resources": [], "check_results": null}"#,
        );
        assert!(s.resources.is_empty());
    }
}
