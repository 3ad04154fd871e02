//! support: the test harness. Starts moto's standalone server on a free loopback port,
//! seeds it through aws-sdk-rust, writes Terraform state into its S3, and runs the
//! `leftover` binary against it the way a user would.
#![allow(dead_code, clippy::missing_panics_doc, clippy::unwrap_used)]

pub mod backends;
pub mod incident;
pub mod proxy;
pub mod seed;
pub mod tfstate;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use seed::{AMI, Network, Seeder, tag_spec};
pub use tfstate::TfState;

pub use seed::ACCOUNT;

/// Where the pinned emulator lives: `$LEFTOVER_MOTO_SERVER`, or `.venv/bin/moto_server`.
pub fn moto_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("LEFTOVER_MOTO_SERVER") {
        return PathBuf::from(path);
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    assert!(
        local.exists(),
        "the AWS emulator is not installed: run scripts/test (it installs the pinned moto[server] into .venv), \
         or set LEFTOVER_MOTO_SERVER to a moto_server binary"
    );
    local
}

/// Where the pinned AWS CLI lives: `$LEFTOVER_AWS_CLI` (set by scripts/test), or
/// `.venv-awscli/bin/aws`. Outside CI a run without it says so loudly and gets `None`, so
/// the test that needs it is skipped; in CI (`CI` set) its absence fails the test.
pub fn aws_cli() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LEFTOVER_AWS_CLI") {
        return Some(PathBuf::from(path));
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-awscli/bin/aws");
    if local.exists() {
        return Some(local);
    }
    let how = "the AWS CLI is not installed: run scripts/test (it installs the pinned awscli into .venv-awscli), \
               or set LEFTOVER_AWS_CLI to an aws binary";
    assert!(std::env::var_os("CI").is_none(), "{how}");
    eprintln!("\n!!!! SKIPPED: {how} !!!!\n");
    None
}

/// A loopback port free now and never handed out before in this test process: the tests
/// run at once, and a port one test was given and released could otherwise be given to
/// another before the first test's server binds it.
fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    loop {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

/// A running moto server, stopped when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
    pub endpoint: String,
    pub log: PathBuf,
}

impl Moto {
    /// Starts a fresh server and waits until it answers.
    pub fn start() -> Self {
        let binary = moto_binary();
        let log_dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for _attempt in 0..3 {
            let port = free_port();
            let log = log_dir.join(format!("moto-{port}.log"));
            let log_file = std::fs::File::create(&log).unwrap();
            let child = Command::new(&binary)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::from(log_file.try_clone().unwrap()))
                .stderr(Stdio::from(log_file))
                .spawn()
                .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
            let mut moto = Self { child, port, endpoint: format!("http://127.0.0.1:{port}"), log };
            if moto.wait_ready(Duration::from_secs(30)) {
                return moto;
            }
            let _ = moto.child.kill();
        }
        panic!("moto_server did not start; see the logs under {}", log_dir.display());
    }

    /// Whether this server answers: its own log says it listens (another process may hold
    /// the port, and would answer too), and the port answers.
    fn wait_ready(&mut self, limit: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            let listening = std::fs::read_to_string(&self.log)
                .is_ok_and(|log| log.contains(&format!("Running on http://127.0.0.1:{}", self.port)));
            if !listening {
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let request = "GET /moto-api/data.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
                if stream.write_all(request.as_bytes()).is_ok() {
                    let mut buf = [0u8; 12];
                    if stream.read(&mut buf).is_ok_and(|n| n > 0) && buf.starts_with(b"HTTP/1.") {
                        return true;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// Seeding clients for this emulator.
    pub fn seeder(&self) -> Seeder {
        Seeder::new(&self.endpoint)
    }

    pub async fn ec2(&self, region: &str) -> aws_sdk_ec2::Client {
        self.seeder().ec2(region).await
    }

    pub async fn eks(&self, region: &str) -> aws_sdk_eks::Client {
        self.seeder().eks(region).await
    }

    pub async fn elasticache(&self, region: &str) -> aws_sdk_elasticache::Client {
        self.seeder().elasticache(region).await
    }

    pub async fn s3(&self) -> aws_sdk_s3::Client {
        self.seeder().s3().await
    }

    pub async fn rds(&self, region: &str) -> aws_sdk_rds::Client {
        aws_sdk_rds::Client::new(&self.seeder().config(region).await)
    }

    pub async fn elbv2(&self, region: &str) -> aws_sdk_elasticloadbalancingv2::Client {
        aws_sdk_elasticloadbalancingv2::Client::new(&self.seeder().config(region).await)
    }

    pub async fn elb(&self, region: &str) -> aws_sdk_elasticloadbalancing::Client {
        aws_sdk_elasticloadbalancing::Client::new(&self.seeder().config(region).await)
    }

    pub async fn lambda(&self, region: &str) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::new(&self.seeder().config(region).await)
    }

    pub async fn sns(&self, region: &str) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(&self.seeder().config(region).await)
    }

    pub async fn dynamodb(&self, region: &str) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.seeder().config(region).await)
    }

    /// Creates a bucket (in us-east-1).
    pub async fn bucket(&self, name: &str) {
        self.seeder().bucket(name).await;
    }

    /// Puts an object.
    pub async fn put(&self, bucket: &str, key: &str, body: impl Into<Vec<u8>>) {
        self.seeder().put(bucket, key, body).await;
    }

    /// Writes a state into a bucket.
    pub async fn put_state(&self, bucket: &str, key: &str, state: &TfState) {
        self.put(bucket, key, state.to_json()).await;
    }

    /// A fault-injecting proxy in front of this emulator.
    pub fn proxy(&self, plan: proxy::FaultPlan) -> proxy::Proxy {
        proxy::Proxy::start(&self.endpoint, plan)
    }

    /// A `leftover` invocation against this emulator.
    pub fn leftover(&self) -> Leftover {
        Leftover::new().env("AWS_ENDPOINT_URL", &self.endpoint)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A JSON report without the times it holds: `generated_at` and each finding's `first_seen`.
pub fn timeless(mut report: serde_json::Value) -> serde_json::Value {
    report.as_object_mut().unwrap().remove("generated_at");
    for finding in report["findings"].as_array_mut().unwrap() {
        finding.as_object_mut().unwrap().remove("first_seen");
    }
    report
}

/// One run of the binary, built fluently.
pub struct Leftover {
    args: Vec<String>,
    envs: Vec<(String, String)>,
}

/// What a run printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }

    /// The JSON report without the times it holds (when it was made, when each finding was
    /// first seen): what two runs over the same account must agree on.
    pub fn timeless_json(&self) -> serde_json::Value {
        timeless(self.json())
    }

    /// `(kind, resource id)` of every finding, sorted.
    pub fn findings(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["kind"].as_str().unwrap().to_owned(), f["resource"]["id"].as_str().unwrap().to_owned()))
            .collect();
        out.sort();
        out
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
}

impl Leftover {
    pub fn new() -> Self {
        Self {
            args: Vec::new(),
            envs: vec![
                ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
                ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
                ("AWS_REGION".into(), "us-east-1".into()),
                ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
                ("NO_COLOR".into(), "1".into()),
            ],
        }
    }

    #[must_use]
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    #[must_use]
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    #[must_use]
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.retain(|(k, _)| k != key);
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Runs without this variable (the harness sets test credentials and a region).
    #[must_use]
    pub fn env_remove(mut self, key: &str) -> Self {
        self.envs.retain(|(k, _)| k != key);
        self
    }

    /// The command this run would execute.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_leftover"));
        command.args(&self.args).env_clear();
        for key in ["PATH", "HOME", "TMPDIR"] {
            if let Some(value) = std::env::var_os(key) {
                command.env(key, value);
            }
        }
        // Every run records the AWS operations it called, for the IAM policy's test.
        command.env("LEFTOVER_STATS_JSON", recorded_calls_file());
        command.envs(self.envs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        command
    }

    pub fn run(self) -> Output {
        let out = self.command().output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Leftover {
    /// Runs under a pseudo-terminal, as a person at a terminal would (progress is drawn):
    /// Python's `pty` module starts the binary with a terminal on stdin, stdout and stderr.
    /// `stdout` of the result is everything the terminal showed.
    pub fn run_in_terminal(self) -> Output {
        let inner = self.command();
        let python = Path::new(&moto_binary()).with_file_name("python");
        let python = if python.exists() { python } else { PathBuf::from("python3") };
        let mut command = Command::new(python);
        command
            .arg("-c")
            .arg("import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))")
            .arg(inner.get_program())
            .args(inner.get_args())
            .env_clear()
            .env("TERM", "xterm-256color")
            .env("COLUMNS", "100");
        for (key, value) in inner.get_envs() {
            if let Some(value) = value {
                command.env(key, value);
            }
        }
        let out = command.stdin(Stdio::null()).output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Default for Leftover {
    fn default() -> Self {
        Self::new()
    }
}

/// Where every run's `--stats-json` goes: one file per run, read by the IAM policy test.
pub fn recorded_calls_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-calls")
}

fn recorded_calls_file() -> PathBuf {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = recorded_calls_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dir.join(format!("run-{}-{n}.json", std::process::id()))
}

/// The finding of a JSON report about the resource `id`.
#[track_caller]
pub fn finding<'r>(report: &'r serde_json::Value, id: &str) -> &'r serde_json::Value {
    report["findings"]
        .as_array()
        .expect("a report has findings")
        .iter()
        .find(|f| f["resource"]["id"] == id)
        .unwrap_or_else(|| panic!("no finding about {id}:\n{report:#}"))
}
