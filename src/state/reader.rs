//! reader: finds and reads every state below the given sources, concurrently. S3 buckets
//! are read through a client in the bucket's own region; every source is read at once, and
//! each state as soon as a listing page names it; parsing runs on blocking threads fed
//! chunk by chunk from the object's body, so an object is never held whole. States kept
//! outside AWS (an http backend, GitLab, Terraform Cloud) are read by their own modules
//! through one HTTP client made for the run, under the same bound on reads at once.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use super::http_client::{HttpClient, HttpError, Timing};
use super::parse::{self, ParseOptions, Parsed};
use super::source::{NameClass, StateSource, classify, workspace_of};
use super::state_error::StateError;
use super::state_file::StateFile;
use super::{gitlab, http_backend, tfc};
use crate::aws::AwsSession;
use crate::aws::failure;
use crate::bounded::Bounded;
use crate::model::{CoverageGap, GapCause};
use crate::progress::Progress;

/// An object looked at and passed over, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub object: String,
    pub reason: String,
}

/// Every state read, every object that could not be, and every object passed over.
#[derive(Clone, Debug, Default)]
pub struct StateSet {
    pub files: Vec<StateFile>,
    pub gaps: Vec<CoverageGap>,
    pub skipped: Vec<Skipped>,
    /// Per source (as given), the version of every object below it that was a candidate:
    /// what a state index records, to tell later whether the states changed.
    pub listed: BTreeMap<String, BTreeMap<String, Stamp>>,
}

/// The version of one object as its listing gave it: an S3 object's `ETag` and last-modified
/// time, or a file's modification time, with the size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

impl StateSet {
    /// Takes in the outcome of reading one object: its state, the reason it is not one, or
    /// a gap naming it and the operation (`(service, operation)`) that failed. `key` names
    /// the object within its source (its workspace is read from it).
    pub(crate) fn take(
        &mut self,
        name: String,
        key: &str,
        outcome: Result<Result<Parsed, StateError>, crate::bounded::Lost>,
        (service, operation): (&str, &str),
    ) {
        match outcome.unwrap_or_else(|lost| Err(StateError::failed(name.clone(), lost))) {
            Ok(Parsed::State(mut file)) => {
                file.workspace = workspace_of(key);
                self.files.push(file);
            }
            Ok(Parsed::NotState) => {
                self.skipped.push(Skipped { object: name, reason: "not a Terraform state".to_owned() });
            }
            Err(error) => self.gaps.push(gap_of(&error, service, operation)),
        }
    }

    /// Files the objects listed by a single source's read under that source's name (an
    /// empty list when the listing failed: the source is still known).
    fn with_source(mut self, source: String) -> Self {
        let objects = self.listed.remove("").unwrap_or_default();
        self.listed.insert(source, objects);
        self
    }

    fn sort(&mut self) {
        self.files.sort_by(|a, b| a.source.cmp(&b.source));
        self.gaps.sort_by(|a, b| a.object.cmp(&b.object));
        self.skipped.sort_by(|a, b| a.object.cmp(&b.object));
    }

    /// Adds another set (another source).
    pub fn absorb(&mut self, other: StateSet) {
        self.files.extend(other.files);
        self.gaps.extend(other.gaps);
        self.skipped.extend(other.skipped);
        for (source, objects) in other.listed {
            self.listed.entry(source).or_default().extend(objects);
        }
    }
}

/// How states are read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    pub parse: ParseOptions,
    /// States fetched and parsed at once.
    pub concurrency: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { parse: ParseOptions::default(), concurrency: DEFAULT_STATE_CONCURRENCY }
    }
}

pub(crate) fn gap_of(error: &StateError, service: &str, operation: &str) -> CoverageGap {
    let cause = match error {
        StateError::Read { cause, .. } => *cause,
        _ => GapCause::Invalid,
    };
    CoverageGap {
        service: service.to_owned(),
        account: None,
        region: None,
        operation: operation.to_owned(),
        error: error.to_string(),
        cause,
        object: Some(error.source_name().to_owned()),
        kinds: Vec::new(),
    }
}

/// States read at once by default (`--state-concurrency`): a bucket of up to this many
/// states is read in one wave of `GetObject` calls, a few hundred in two or three.
pub const DEFAULT_STATE_CONCURRENCY: usize = 128;

/// Reads every source, all at once (one source's listing never waits for another's reads);
/// `options.concurrency` bounds the reads over all of them. Never fails as a whole: what
/// cannot be read becomes a gap.
pub async fn read_states(
    sources: &[StateSource],
    session: Option<&AwsSession>,
    options: &ReadOptions,
    progress: Arc<dyn Progress>,
) -> StateSet {
    let limit = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let every_source = Arc::new(Semaphore::new(sources.len().max(1)));
    let http = http_client_for(sources);
    let mut reading = Bounded::new();
    for source in sources {
        let service = service_of(source);
        let (source, session, options, http) = (source.clone(), session.cloned(), options.clone(), http.clone());
        let (limit, progress) = (limit.clone(), progress.clone());
        reading.spawn((source.to_string(), service), &every_source, async move {
            read_source(&source, session.as_ref(), http.as_ref(), &options, &limit, &progress)
                .await
                .with_source(source.to_string())
        });
    }
    let mut set = StateSet::default();
    for ((name, service), outcome) in reading.join_all().await {
        match outcome {
            Ok(part) => set.absorb(part),
            Err(lost) => {
                set.listed.entry(name.clone()).or_default();
                set.gaps.push(gap_of(&StateError::failed(name, lost), service, "read"));
            }
        }
    }
    // The same object named twice (a prefix and a key below it) is read once.
    set.files.sort_by(|a, b| a.source.cmp(&b.source));
    set.files.dedup_by(|a, b| a.source == b.source);
    set.sort();
    set
}

/// The service a source's gaps name.
fn service_of(source: &StateSource) -> &'static str {
    match source {
        StateSource::S3 { .. } => "s3",
        StateSource::Path(_) => "file",
        StateSource::Http(_) => http_backend::OPERATION.0,
        StateSource::GitLab { .. } => gitlab::SERVICE,
        StateSource::Tfc { .. } => tfc::SERVICE,
    }
}

/// The HTTP client of a run, made once when a source needs it (or why it cannot be).
type Http = Option<Result<HttpClient, HttpError>>;

fn http_client_for(sources: &[StateSource]) -> Http {
    let needed = sources
        .iter()
        .any(|s| matches!(s, StateSource::Http(_) | StateSource::GitLab { .. } | StateSource::Tfc { .. }));
    needed.then(|| HttpClient::new(Timing::default()))
}

/// The HTTP client, or the gap saying why `source` cannot be read without one.
fn http_of<'h>(
    http: Option<&'h Result<HttpClient, HttpError>>,
    source: &StateSource,
) -> Result<&'h HttpClient, Box<CoverageGap>> {
    match http {
        Some(Ok(client)) => Ok(client),
        Some(Err(err)) => {
            Err(Box::new(gap_of(&err.clone().for_state(&source.to_string()), service_of(source), "connect")))
        }
        None => Err(Box::new(gap_of(
            &StateError::failed(source.to_string(), "no HTTP client"),
            service_of(source),
            "connect",
        ))),
    }
}

/// Reads one source.
async fn read_source(
    source: &StateSource,
    session: Option<&AwsSession>,
    http: Option<&Result<HttpClient, HttpError>>,
    options: &ReadOptions,
    limit: &Arc<Semaphore>,
    progress: &Arc<dyn Progress>,
) -> StateSet {
    let client = match source {
        StateSource::Http(_) | StateSource::GitLab { .. } | StateSource::Tfc { .. } => match http_of(http, source) {
            Ok(client) => Some(client),
            Err(gap) => return StateSet { gaps: vec![*gap], ..StateSet::default() },
        },
        _ => None,
    };
    match (source, client) {
        (StateSource::Http(address), Some(client)) => {
            let _permit = limit.acquire().await;
            let set = http_backend::read(client, address, &options.parse).await;
            progress.state_read(&address.url);
            set
        }
        (StateSource::GitLab { secure, host, project }, Some(client)) => {
            gitlab::read(client, &gitlab::Project::new(*secure, host, project), &options.parse, limit, progress).await
        }
        (StateSource::Tfc { organization, workspace }, Some(client)) => {
            tfc::read(client, organization, workspace.as_deref(), &options.parse, limit, progress).await
        }
        (StateSource::Http(_) | StateSource::GitLab { .. } | StateSource::Tfc { .. }, None) => StateSet::default(),
        (StateSource::S3 { bucket, prefix }, _) => {
            if let Some(session) = session {
                read_s3(session, bucket, prefix, options, limit, progress).await
            } else {
                StateSet { gaps: vec![no_session_gap(source)], ..StateSet::default() }
            }
        }
        (StateSource::Path(path), _) => read_local(path, options, limit, progress).await,
    }
}

/// The region a bucket lives in; the session's region when it cannot be asked.
async fn bucket_region(session: &AwsSession, bucket: &str) -> String {
    let home = session.region().unwrap_or_else(|| "us-east-1".to_owned());
    match session.s3(&home).get_bucket_location().bucket(bucket).send().await {
        Ok(out) => match out.location_constraint().map(|c| c.as_str().to_owned()) {
            None => "us-east-1".to_owned(),
            Some(c) if c.is_empty() => "us-east-1".to_owned(),
            Some(c) if c == "EU" => "eu-west-1".to_owned(),
            Some(c) => c,
        },
        Err(err) => {
            tracing::debug!(bucket, error = %aws_smithy_types::error::display::DisplayErrorContext(&err), "GetBucketLocation failed; using the session's region");
            home
        }
    }
}

/// A key found in a bucket, its version, and whether the workspaces' listing found it.
type Found = (String, Stamp, bool);

/// Lists the keys below `prefix`, handing each page's keys on as soon as it arrives.
async fn list_keys(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    workspaces: bool,
    found: &tokio::sync::mpsc::UnboundedSender<Found>,
) -> Result<(), failure::Failure> {
    let mut pages = client.list_objects_v2().bucket(bucket).prefix(prefix).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|err| failure::failure("s3", "ListObjectsV2", &[], &err))?;
        for object in page.contents() {
            if let Some(key) = object.key() {
                let stamp = Stamp {
                    size: u64::try_from(object.size().unwrap_or(0)).unwrap_or(0),
                    etag: object.e_tag().map(str::to_owned),
                    modified: object.last_modified().map(ToString::to_string),
                };
                // The receiver lives until the listing ends.
                let _ = found.send((key.to_owned(), stamp, workspaces));
            }
        }
    }
    Ok(())
}

/// Whether a key the workspaces' listing found belongs below `prefix`
/// (`env:/NAME/PREFIX…`).
fn in_workspace_of(key: &str, prefix: &str) -> bool {
    key.strip_prefix("env:/").and_then(|rest| rest.split_once('/')).is_some_and(|(_, inner)| inner.starts_with(prefix))
}

/// Reads the states below `prefix` in one bucket, in the bucket's own region. The bucket's
/// location is asked beside a read through the session's region, where most state buckets
/// live: when the answer names that region (or cannot be had), that read stands, and no
/// listing waited for the location; when it names another, that read is dropped (its
/// tasks with it) and the bucket is read again through its own region.
async fn read_s3(
    session: &AwsSession,
    bucket: &str,
    prefix: &str,
    options: &ReadOptions,
    limit: &Arc<Semaphore>,
    progress: &Arc<dyn Progress>,
) -> StateSet {
    use crate::bounded::round_trips::branch;

    let home = session.region().unwrap_or_else(|| "us-east-1".to_owned());
    let mut at_home = std::pin::pin!(branch(read_bucket(session, &home, bucket, prefix, options, limit, progress)));
    let mut located = std::pin::pin!(branch(bucket_region(session, bucket)));
    let mut read_at_home = None;
    let region = loop {
        tokio::select! {
            region = &mut located => break region,
            set = &mut at_home, if read_at_home.is_none() => read_at_home = Some(set),
        }
    };
    if region != home {
        tracing::debug!(bucket, region, "the bucket is in another region: read again there");
        return read_bucket(session, &region, bucket, prefix, options, limit, progress).await;
    }
    match read_at_home {
        Some(set) => set,
        None => at_home.await,
    }
}

/// Reads the states below `prefix` in one bucket through a client in `region`. Each state's
/// read starts as soon as the listing page that names it arrives, and the workspaces
/// (`env:/NAME/KEY`, outside the prefix itself) are listed beside the prefix.
async fn read_bucket(
    session: &AwsSession,
    region: &str,
    bucket: &str,
    prefix: &str,
    options: &ReadOptions,
    limit: &Arc<Semaphore>,
    progress: &Arc<dyn Progress>,
) -> StateSet {
    let mut set = StateSet::default();
    let region = region.to_owned();
    let client = session.s3(&region);
    let shown = if prefix.is_empty() { format!("s3://{bucket}") } else { format!("s3://{bucket}/{prefix}") };
    let workspaces = !prefix.is_empty() && !prefix.starts_with("env:/");
    let (found, mut keys) = tokio::sync::mpsc::unbounded_channel::<Found>();
    let listing = {
        let client = &client;
        async move {
            let workspace_listing =
                async { if workspaces { list_keys(client, bucket, "env:/", true, &found).await } else { Ok(()) } };
            tokio::join!(list_keys(client, bucket, prefix, false, &found), workspace_listing)
            // `found` is dropped here: the reads below end with the listing.
        }
    };
    let mut tasks = Bounded::new();
    let mut passed = Vec::new();
    let mut candidates = BTreeMap::new();
    let reading = async {
        while let Some((key, stamp, from_workspaces)) = keys.recv().await {
            if from_workspaces && !in_workspace_of(&key, prefix) {
                continue;
            }
            let name = format!("s3://{bucket}/{key}");
            let certain = match classify(&key) {
                NameClass::Skip(reason) => {
                    passed.push(Err(Skipped { object: name, reason: reason.to_owned() }));
                    continue;
                }
                NameClass::Candidate { certain } => certain,
            };
            let size = stamp.size;
            candidates.insert(name.clone(), stamp);
            if size > options.parse.max_bytes {
                let error = StateError::TooLarge { source_name: name.clone(), limit: options.parse.max_bytes };
                if certain {
                    passed.push(Ok(gap_of(&error, "s3", "GetObject")));
                } else {
                    passed.push(Err(Skipped { object: name, reason: "too large to be a state".to_owned() }));
                }
                continue;
            }
            let client = client.clone();
            let bucket = bucket.to_owned();
            let parse_options = options.parse.clone();
            let progress = progress.clone();
            let (task_name, task_key) = (name.clone(), key.clone());
            tasks.spawn((name, key), limit, async move {
                let result = fetch_and_parse(&client, &bucket, &task_key, &task_name, &parse_options, certain).await;
                progress.state_read(&task_name);
                result
            });
        }
    };
    let ((listed, workspaces_listed), ()) = tokio::join!(listing, reading);
    set.listed.insert(String::new(), candidates);
    for outcome in passed {
        match outcome {
            Ok(gap) => set.gaps.push(gap),
            Err(skipped) => set.skipped.push(skipped),
        }
    }
    if let Err(f) = workspaces_listed {
        set.gaps.push(CoverageGap {
            service: "s3".to_owned(),
            account: None,
            region: Some(region.clone()),
            operation: f.operation.to_owned(),
            error: format!("cannot list workspaces of bucket {bucket}: {}", f.message),
            cause: f.cause,
            object: Some(format!("s3://{bucket}/env:/")),
            kinds: Vec::new(),
        });
    }
    let outcomes = tasks.join_all().await;
    if let Err(f) = listed {
        // A bucket that cannot be listed whole is one gap; what was read of it is not used.
        return StateSet {
            gaps: vec![CoverageGap {
                service: "s3".to_owned(),
                account: None,
                region: Some(region),
                operation: f.operation.to_owned(),
                error: format!("cannot list bucket {bucket}: {}", f.message),
                cause: f.cause,
                object: Some(shown),
                kinds: Vec::new(),
            }],
            ..StateSet::default()
        };
    }
    for ((name, key), outcome) in outcomes {
        set.take(name, &key, outcome, ("s3", "GetObject"));
    }
    set
}

/// The candidates below the sources (what `read_states` would read) with their versions,
/// listed without reading any: what tells whether a state index is still current.
pub async fn list_candidates(
    sources: &[StateSource],
    session: Option<&AwsSession>,
) -> (BTreeMap<String, BTreeMap<String, Stamp>>, Vec<CoverageGap>) {
    let mut listed = BTreeMap::new();
    let mut gaps = Vec::new();
    let http = http_client_for(sources);
    for source in sources {
        let mut objects = BTreeMap::new();
        let remote = match source {
            StateSource::Http(_) | StateSource::GitLab { .. } | StateSource::Tfc { .. } => {
                match http_of(http.as_ref(), source) {
                    Ok(client) => Some(match source {
                        StateSource::Http(address) => {
                            http_backend::list(client, address, &super::parse::ParseOptions::default()).await
                        }
                        StateSource::GitLab { secure, host, project } => {
                            gitlab::list(client, &gitlab::Project::new(*secure, host, project)).await
                        }
                        StateSource::Tfc { organization, workspace } => {
                            tfc::list(client, organization, workspace.as_deref()).await
                        }
                        _ => Ok(BTreeMap::new()),
                    }),
                    Err(gap) => Some(Err(gap)),
                }
            }
            _ => None,
        };
        match remote {
            Some(Ok(found)) => {
                listed.insert(source.to_string(), found);
                continue;
            }
            Some(Err(gap)) => {
                gaps.push(*gap);
                continue;
            }
            None => {}
        }
        match source {
            StateSource::S3 { bucket, prefix } => {
                let Some(session) = session else {
                    gaps.push(no_session_gap(source));
                    continue;
                };
                match list_s3(session, bucket, prefix).await {
                    Ok(found) => objects.extend(found),
                    Err(gap) => {
                        gaps.push(*gap);
                        continue;
                    }
                }
            }
            StateSource::Path(path) => {
                let root = path.clone();
                match tokio::task::spawn_blocking(move || local_files(&root)).await {
                    Ok(Ok((files, errors, named))) => {
                        for (dir, err) in errors {
                            gaps.push(gap_of(&StateError::failed(dir.display().to_string(), err), "file", "read"));
                        }
                        for (file, stamp) in files {
                            let name = file.display().to_string();
                            if named || matches!(classify(&name), NameClass::Candidate { .. }) {
                                objects.insert(name, stamp);
                            }
                        }
                    }
                    Ok(Err(err)) => {
                        gaps.push(gap_of(&StateError::failed(path.display().to_string(), err), "file", "read"));
                        continue;
                    }
                    Err(err) => {
                        gaps.push(gap_of(&StateError::failed(path.display().to_string(), err), "file", "read"));
                        continue;
                    }
                }
            }
            // Listed above.
            StateSource::Http(_) | StateSource::GitLab { .. } | StateSource::Tfc { .. } => {}
        }
        listed.insert(source.to_string(), objects);
    }
    (listed, gaps)
}

fn no_session_gap(source: &StateSource) -> CoverageGap {
    CoverageGap {
        service: "s3".to_owned(),
        account: None,
        region: None,
        operation: "ListObjectsV2".to_owned(),
        error: "no AWS session to read S3 with".to_owned(),
        cause: GapCause::Failed,
        object: Some(source.to_string()),
        kinds: Vec::new(),
    }
}

/// The candidates below `s3://bucket/prefix` and its workspaces, with their versions,
/// without reading any; a listing that fails is the gap naming it.
async fn list_s3(
    session: &AwsSession,
    bucket: &str,
    prefix: &str,
) -> Result<BTreeMap<String, Stamp>, Box<CoverageGap>> {
    let region = bucket_region(session, bucket).await;
    let client = session.s3(&region);
    let workspaces = !prefix.is_empty() && !prefix.starts_with("env:/");
    let (found, mut keys) = tokio::sync::mpsc::unbounded_channel::<Found>();
    let listed = list_keys(&client, bucket, prefix, false, &found).await;
    let workspaces_listed = if workspaces { list_keys(&client, bucket, "env:/", true, &found).await } else { Ok(()) };
    drop(found);
    if let Err(f) = listed.and(workspaces_listed) {
        return Err(Box::new(CoverageGap {
            service: "s3".to_owned(),
            account: None,
            region: Some(region),
            operation: f.operation.to_owned(),
            error: format!("cannot list bucket {bucket} to check the state index: {}", f.message),
            cause: f.cause,
            object: Some(if prefix.is_empty() { format!("s3://{bucket}") } else { format!("s3://{bucket}/{prefix}") }),
            kinds: Vec::new(),
        }));
    }
    let mut objects = BTreeMap::new();
    while let Some((key, stamp, from_workspaces)) = keys.recv().await {
        if (!from_workspaces || in_workspace_of(&key, prefix)) && matches!(classify(&key), NameClass::Candidate { .. })
        {
            objects.insert(format!("s3://{bucket}/{key}"), stamp);
        }
    }
    Ok(objects)
}

/// A blocking reader over chunks sent from the async side.
pub(crate) struct ChunkReader {
    rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, String>>,
    current: std::io::Cursor<Vec<u8>>,
}

impl ChunkReader {
    pub(crate) fn new(rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, String>>) -> Self {
        Self { rx, current: std::io::Cursor::new(Vec::new()) }
    }
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.current.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            match self.rx.blocking_recv() {
                Some(Ok(chunk)) => self.current = std::io::Cursor::new(chunk),
                Some(Err(message)) => return Err(std::io::Error::other(message)),
                None => return Ok(0),
            }
        }
    }
}

/// Attempts at a state object whose download ended early or whose JSON ended before the
/// document did: a cut answer is transient, retried as the SDK retries a malformed listing.
const STATE_ATTEMPTS: u32 = 3;

async fn fetch_and_parse(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    name: &str,
    options: &ParseOptions,
    certain: bool,
) -> Result<Parsed, StateError> {
    let mut attempt = 1;
    loop {
        let result = fetch_once(client, bucket, key, name, options, certain).await;
        let cut_short = match &result {
            Err(Fetch::Short(_)) => true,
            Err(Fetch::Failed(StateError::Json { eof, .. })) => *eof,
            _ => false,
        };
        if !cut_short || attempt >= STATE_ATTEMPTS {
            return result.map_err(Fetch::into_error);
        }
        tracing::debug!(object = name, attempt, "state download cut short; retrying");
        tokio::time::sleep(std::time::Duration::from_millis(200 * u64::from(attempt))).await;
        attempt += 1;
    }
}

/// Why one download of a state failed.
enum Fetch {
    /// Fewer bytes arrived than the answer's `Content-Length` promised.
    Short(StateError),
    Failed(StateError),
}

impl Fetch {
    fn into_error(self) -> StateError {
        match self {
            Self::Short(error) | Self::Failed(error) => error,
        }
    }
}

async fn fetch_once(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    name: &str,
    options: &ParseOptions,
    certain: bool,
) -> Result<Parsed, Fetch> {
    let response = client.get_object().bucket(bucket).key(key).send().await.map_err(|err| {
        let (cause, detail) = failure::describe(&err);
        Fetch::Failed(StateError::Read { source_name: name.to_owned(), detail, cause })
    })?;
    let promised = response.content_length().and_then(|n| u64::try_from(n).ok());
    let mut body = response.body;
    if let Some(size) = promised.filter(|size| *size <= PARSED_IN_PLACE) {
        return parse_in_place(body, size, name, options, certain).await;
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, String>>(8);
    let parse_name = name.to_owned();
    let parse_options = options.clone();
    let parser = tokio::task::spawn_blocking(move || {
        let reader = ChunkReader { rx, current: std::io::Cursor::new(Vec::new()) };
        parse::parse_candidate(&parse_name, reader, &parse_options, certain)
    });
    let mut received: u64 = 0;
    let mut ended = false;
    let mut broken: Option<String> = None;
    loop {
        let Some(chunk) = body.next().await else {
            ended = true;
            break;
        };
        let message = chunk
            .map(|bytes| bytes.to_vec())
            .map_err(|err| aws_smithy_types::error::display::DisplayErrorContext(&err).to_string());
        match &message {
            Ok(bytes) => received += bytes.len() as u64,
            Err(err) => broken = Some(err.clone()),
        }
        let failed = message.is_err();
        // The parser stops reading once it has failed or finished: stop fetching then.
        if tx.send(message).await.is_err() || failed {
            break;
        }
    }
    drop(tx);
    let parsed = parser.await.map_err(|err| Fetch::Failed(StateError::failed(name, err)))?;
    cut_short(name, received, promised.filter(|_| ended), broken)?;
    parsed.map_err(Fetch::Failed)
}

/// A body that broke off, or ended before its promised length, is never used, whatever it
/// parsed as: a cut state must not read as a smaller one. `promised` is the length to hold
/// the body to, once it has ended.
fn cut_short(name: &str, received: u64, promised: Option<u64>, broken: Option<String>) -> Result<(), Fetch> {
    let detail = if let Some(err) = broken {
        format!("the download broke off after {received} bytes: {err}")
    } else if let Some(promised) = promised.filter(|p| received < *p) {
        format!("the download ended after {received} of {promised} bytes")
    } else {
        return Ok(());
    };
    Err(Fetch::Short(StateError::failed(name, detail)))
}

/// States this small (most) are parsed where their download is awaited, once whole: the
/// streaming parser would hold all of it at once anyway, and a parse this short (about a
/// millisecond) needs no thread of its own, nor the heap glibc gives each new thread.
pub(crate) const PARSED_IN_PLACE: u64 = 256 * 1024;

async fn parse_in_place(
    mut body: aws_sdk_s3::primitives::ByteStream,
    promised: u64,
    name: &str,
    options: &ParseOptions,
    certain: bool,
) -> Result<Parsed, Fetch> {
    #[allow(clippy::cast_possible_truncation, reason = "at most PARSED_IN_PLACE")]
    let mut bytes = Vec::with_capacity(promised as usize);
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(err) => {
                let err = aws_smithy_types::error::display::DisplayErrorContext(&err).to_string();
                cut_short(name, bytes.len() as u64, None, Some(err))?;
            }
        }
    }
    cut_short(name, bytes.len() as u64, Some(promised), None)?;
    parse::parse_candidate(name, bytes.as_slice(), options, certain).map_err(Fetch::Failed)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, std::io::Error)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            errors.push((dir.to_owned(), err));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.') && n != ".");
        if path.is_dir() {
            if !hidden {
                walk(&path, out, errors);
            }
        } else if path.is_file() {
            out.push(path);
        }
    }
}

/// Files found at a local source with their versions, the directories that could not be
/// read, and whether the source named one file.
type LocalFiles = (Vec<(PathBuf, Stamp)>, Vec<(PathBuf, std::io::Error)>, bool);

fn local_files(root: &Path) -> std::io::Result<LocalFiles> {
    let stamp = |path: &Path| {
        let meta = std::fs::metadata(path).ok();
        Stamp {
            size: meta.as_ref().map_or(0, std::fs::Metadata::len),
            etag: None,
            modified: meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| format!("{}.{:09}", d.as_secs(), d.subsec_nanos())),
        }
    };
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if root.is_dir() {
        walk(root, &mut files, &mut errors);
        Ok((
            files
                .into_iter()
                .map(|f| {
                    let s = stamp(&f);
                    (f, s)
                })
                .collect(),
            errors,
            false,
        ))
    } else if root.is_file() {
        Ok((vec![(root.to_owned(), stamp(root))], errors, true))
    } else {
        Err(std::fs::metadata(root).err().unwrap_or_else(|| std::io::Error::other("not a file or directory")))
    }
}

async fn read_local(
    path: &Path,
    options: &ReadOptions,
    limit: &Arc<Semaphore>,
    progress: &Arc<dyn Progress>,
) -> StateSet {
    let mut set = StateSet::default();
    let root = path.to_owned();
    let listing = tokio::task::spawn_blocking(move || local_files(&root)).await;
    let (files, errors, named) =
        match listing.map_err(|err| err.to_string()).and_then(|r| r.map_err(|err| err.to_string())) {
            Ok(found) => found,
            Err(detail) => {
                set.gaps.push(gap_of(&StateError::failed(path.display().to_string(), detail), "file", "read"));
                return set;
            }
        };
    let listed = set.listed.entry(String::new()).or_default();
    for (dir, err) in errors {
        set.gaps.push(gap_of(&StateError::failed(dir.display().to_string(), err), "file", "read"));
    }
    let mut tasks = Bounded::new();
    for (file, stamp) in files {
        let name = file.display().to_string();
        let certain = if named {
            true
        } else {
            match classify(&name) {
                NameClass::Skip(reason) => {
                    set.skipped.push(Skipped { object: name, reason: reason.to_owned() });
                    continue;
                }
                NameClass::Candidate { certain } => certain,
            }
        };
        listed.insert(name.clone(), stamp);
        let parse_options = options.parse.clone();
        let progress = progress.clone();
        let shown = name.clone();
        tasks.spawn(name, limit, async move {
            let task_name = shown.clone();
            let result = tokio::task::spawn_blocking(move || match std::fs::File::open(&file) {
                Ok(handle) => parse::parse_candidate(&task_name, handle, &parse_options, certain),
                Err(err) => Err(StateError::Read {
                    source_name: task_name,
                    detail: err.to_string(),
                    cause: if err.kind() == std::io::ErrorKind::PermissionDenied {
                        GapCause::Denied
                    } else {
                        GapCause::Failed
                    },
                }),
            })
            .await
            .unwrap_or_else(|err| Err(StateError::failed(shown.clone(), err)));
            progress.state_read(&shown);
            result
        });
    }
    for (name, outcome) in tasks.join_all().await {
        let key = name.clone();
        set.take(name, &key, outcome, ("file", "read"));
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;

    #[tokio::test]
    async fn reads_a_directory_and_reports_bad_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = r#"{"version": 4, "serial": 1, "lineage": "x", "resources": [
            {"mode": "managed", "type": "aws_vpc", "name": "main", "provider": "p", "instances": [{"attributes": {"id": "vpc-0a1b2c3d"}}]}]}"#;
        std::fs::write(dir.path().join("good.tfstate"), good).expect("write");
        std::fs::write(dir.path().join("bad.tfstate"), "{\"version\": 4, \"resources\": [").expect("write");
        std::fs::write(dir.path().join("good.tfstate.backup"), good).expect("write");
        std::fs::write(dir.path().join("notes.json"), "{\"hello\": 1}").expect("write");
        std::fs::create_dir_all(dir.path().join("terraform.tfstate.d/qa")).expect("mkdir");
        std::fs::write(dir.path().join("terraform.tfstate.d/qa/terraform.tfstate"), good).expect("write");
        std::fs::create_dir_all(dir.path().join(".terraform")).expect("mkdir");
        std::fs::write(dir.path().join(".terraform/terraform.tfstate"), good).expect("write");
        let set =
            read_states(&[StateSource::Path(dir.path().to_owned())], None, &ReadOptions::default(), Arc::new(Silent))
                .await;
        assert_eq!(set.files.len(), 2, "{:?}", set.files.iter().map(|f| &f.source).collect::<Vec<_>>());
        assert!(set.files.iter().any(|f| f.workspace.as_deref() == Some("qa")));
        assert_eq!(set.gaps.len(), 1);
        assert!(set.gaps[0].error.contains("bad.tfstate"), "{}", set.gaps[0].error);
        assert_eq!(set.skipped.len(), 2);
    }
}
