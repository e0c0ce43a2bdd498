//! The audit trail: one JSON line per call, read or write, written to every configured
//! [`AuditLog`] (`--audit-log PATH|stderr`, repeatable).
//!
//! Like Vault's audit devices it fails closed. For a call that can change something (any risk
//! above `read`, dry runs excepted) the [`Pipeline`](crate::Pipeline):
//!
//! 1. writes an **intent** line (`"type": "intent"`) and waits until a log has it; if no log can
//!    be written the call is refused ([`ToolError::AuditUnavailable`](crate::ToolError)) and
//!    nothing is sent to Clerk;
//! 2. calls Clerk;
//! 3. writes the **call** line (`"type": "call"`, with the outcome) and waits for it before the
//!    result goes back to the client.
//!
//! A process killed between 1 and 3 leaves the intent line: the change may have been made.
//! Reads write only the call line (written before the answer too, but not synced unless
//! `--audit-fsync always`).
//!
//! Lines never hold a secret: arguments are masked, the tenant is a key fingerprint. Each log
//! has a writer thread of its own; concurrent calls are written (and synced) in one batch.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::Serialize;

use crate::event::CallEvent;

/// When a file log syncs to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fsync {
    /// Never explicitly (the OS decides): fastest; a power loss can lose recent lines.
    Never,
    /// After every batch that holds a line of a call that can change something (default).
    #[default]
    Writes,
    /// After every batch.
    Always,
}

impl std::str::FromStr for Fsync {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "never" => Ok(Fsync::Never),
            "writes" => Ok(Fsync::Writes),
            "always" => Ok(Fsync::Always),
            other => Err(format!(
                "unknown fsync policy `{other}`: expected never, writes or always"
            )),
        }
    }
}

/// One line of the audit log: a [`CallEvent`] and whether it is an intent or the call.
#[derive(Debug, Serialize)]
pub struct AuditLine<'a> {
    /// `intent` (before a change is attempted) or `call` (the outcome).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The event.
    #[serde(flatten)]
    pub event: &'a CallEvent,
}

struct Job {
    line: Vec<u8>,
    durable: bool,
    ack: Option<tokio::sync::oneshot::Sender<io::Result<()>>>,
}

/// Where an audit log writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditTarget {
    /// Standard error (one line per call; logs from `tracing` go there too).
    Stderr,
    /// A file, appended to (created with mode 0600).
    File(PathBuf),
    /// An OpenTelemetry collector: each line becomes an OTLP log record (body: the line;
    /// attributes: tool, risk, outcome, request id), sent over OTLP/HTTP JSON to this URL
    /// (`…/v1/logs` is appended when missing). Needs the `otlp` feature.
    Otlp(String),
}

impl std::fmt::Display for AuditTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditTarget::Stderr => f.write_str("stderr"),
            AuditTarget::File(p) => write!(f, "{}", p.display()),
            AuditTarget::Otlp(url) => write!(f, "otlp:{url}"),
        }
    }
}

impl AuditTarget {
    /// `stderr`, an OTLP collector (`otlp:URL`, or any `http://` / `https://` URL), or a path.
    pub fn parse(spec: &str) -> AuditTarget {
        let spec = spec.trim();
        if spec == "stderr" || spec == "-" {
            AuditTarget::Stderr
        } else if let Some(url) = spec.strip_prefix("otlp:") {
            AuditTarget::Otlp(url.to_string())
        } else if spec.starts_with("http://") || spec.starts_with("https://") {
            AuditTarget::Otlp(spec.to_string())
        } else {
            AuditTarget::File(PathBuf::from(spec))
        }
    }
}

/// An audit log with its writer thread. Cheap to clone.
#[derive(Clone)]
pub struct AuditLog {
    target: AuditTarget,
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditLog({})", self.target)
    }
}

enum Out {
    Stderr,
    File(File),
    #[cfg(feature = "otlp")]
    Otlp(otlp::Otlp),
}

impl Out {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Out::Stderr => {
                let mut e = io::stderr().lock();
                e.write_all(bytes)?;
                e.flush()
            }
            Out::File(f) => f.write_all(bytes),
            #[cfg(feature = "otlp")]
            Out::Otlp(o) => o.send(bytes),
        }
    }

    fn sync(&mut self) -> io::Result<()> {
        match self {
            Out::Stderr => Ok(()),
            Out::File(f) => f.sync_data(),
            #[cfg(feature = "otlp")]
            Out::Otlp(_) => Ok(()),
        }
    }
}

#[cfg(feature = "otlp")]
mod otlp {
    //! Audit lines as OpenTelemetry log records, exported over OTLP/HTTP (JSON). Each batch of
    //! lines is emitted and then flushed, so the writer learns whether the collector took it.

    use std::io;

    use opentelemetry::logs::{AnyValue, LogRecord, Logger, LoggerProvider, Severity};
    use opentelemetry_otlp::{Protocol, WithExportConfig};
    use opentelemetry_sdk::Resource;
    use opentelemetry_sdk::logs::{SdkLogger, SdkLoggerProvider};

    pub(super) struct Otlp {
        provider: SdkLoggerProvider,
        logger: SdkLogger,
    }

    impl Otlp {
        pub(super) fn new(url: &str) -> io::Result<Otlp> {
            clerk_api::install_crypto_provider();
            let url = url.trim_end_matches('/');
            let endpoint = if url.ends_with("/v1/logs") {
                url.to_string()
            } else {
                format!("{url}/v1/logs")
            };
            let exporter = opentelemetry_otlp::LogExporter::builder()
                .with_http()
                .with_protocol(Protocol::HttpJson)
                .with_endpoint(endpoint)
                .with_timeout(std::time::Duration::from_secs(10))
                .build()
                .map_err(|e| io::Error::other(format!("OTLP exporter: {e}")))?;
            let provider = SdkLoggerProvider::builder()
                .with_resource(Resource::builder().with_service_name("clerk-mcp").build())
                .with_batch_exporter(exporter)
                .build();
            let logger = provider.logger("clerk-audit");
            Ok(Otlp { provider, logger })
        }

        pub(super) fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
            for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                let text = String::from_utf8_lossy(line).into_owned();
                let parsed: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                let field = |k: &str| parsed[k].as_str().unwrap_or_default().to_string();
                let status = parsed["outcome"]["status"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let mut record = self.logger.create_log_record();
                record.set_event_name("clerk.tool_call");
                let (severity, text_severity) = if status == "error" {
                    (Severity::Warn, "WARN")
                } else {
                    (Severity::Info, "INFO")
                };
                record.set_severity_number(severity);
                record.set_severity_text(text_severity);
                record.add_attribute("clerk.audit.type", field("type"));
                record.add_attribute("clerk.tool", field("tool"));
                record.add_attribute("clerk.risk", field("risk"));
                record.add_attribute("clerk.request_id", field("requestId"));
                record.add_attribute("clerk.tenant", field("tenant"));
                record.add_attribute("clerk.outcome", status);
                record.set_body(AnyValue::from(text));
                self.logger.emit(record);
            }
            self.provider
                .force_flush()
                .map_err(|e| io::Error::other(format!("OTLP export failed: {e}")))
        }
    }
}

fn open_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn open_out(target: &AuditTarget) -> io::Result<Out> {
    Ok(match target {
        AuditTarget::Stderr => Out::Stderr,
        AuditTarget::File(p) => Out::File(open_file(p).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot open the audit log {}: {e}", p.display()),
            )
        })?),
        #[cfg(feature = "otlp")]
        AuditTarget::Otlp(url) => Out::Otlp(otlp::Otlp::new(url)?),
        #[cfg(not(feature = "otlp"))]
        AuditTarget::Otlp(_) => {
            return Err(io::Error::other(
                "this build has no OTLP support (built without the `otlp` feature)",
            ));
        }
    })
}

impl AuditLog {
    /// Opens `target` (a file is created if missing and appended to) and starts its writer.
    pub fn open(target: AuditTarget, fsync: Fsync) -> io::Result<AuditLog> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::sync_channel::<io::Result<()>>(1);
        let name = format!("audit:{target}");
        let opened = target.clone();
        // The output is built on the writer thread: an OTLP exporter's blocking HTTP client must
        // not be created inside the async runtime.
        std::thread::Builder::new().name(name).spawn(move || {
            let mut out = match open_out(&opened) {
                Ok(out) => {
                    let _ = ready_tx.send(Ok(()));
                    out
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while let Ok(more) = rx.try_recv() {
                    batch.push(more);
                    if batch.len() >= 256 {
                        break;
                    }
                }
                let bytes: Vec<u8> = batch.iter().flat_map(|j| j.line.iter().copied()).collect();
                let durable = batch.iter().any(|j| j.durable);
                let mut result = out.write_all(&bytes);
                if result.is_ok() && (fsync == Fsync::Always || (fsync == Fsync::Writes && durable))
                {
                    result = out.sync();
                }
                for job in batch {
                    if let Some(ack) = job.ack {
                        let r = match &result {
                            Ok(()) => Ok(()),
                            Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
                        };
                        let _ = ack.send(r);
                    }
                }
            }
        })?;
        ready_rx
            .recv()
            .map_err(|_| io::Error::other("the audit writer did not start"))??;
        Ok(AuditLog { target, jobs })
    }

    /// Where it writes.
    pub fn target(&self) -> &AuditTarget {
        &self.target
    }

    /// Writes one line; with `wait`, returns once it is written (and synced when the policy
    /// says so), or the error.
    pub async fn write(&self, line: &AuditLine<'_>, durable: bool, wait: bool) -> io::Result<()> {
        let mut bytes = serde_json::to_vec(line).map_err(io::Error::other)?;
        bytes.push(b'\n');
        if !wait {
            return self
                .jobs
                .send(Job {
                    line: bytes,
                    durable,
                    ack: None,
                })
                .map_err(|_| io::Error::other("the audit writer stopped"));
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Job {
                line: bytes,
                durable,
                ack: Some(tx),
            })
            .map_err(|_| io::Error::other("the audit writer stopped"))?;
        rx.await
            .map_err(|_| io::Error::other("the audit writer stopped"))?
    }
}
