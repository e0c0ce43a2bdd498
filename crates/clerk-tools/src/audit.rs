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
}

impl std::fmt::Display for AuditTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditTarget::Stderr => f.write_str("stderr"),
            AuditTarget::File(p) => write!(f, "{}", p.display()),
        }
    }
}

impl AuditTarget {
    /// `stderr` or a path.
    pub fn parse(spec: &str) -> AuditTarget {
        if spec.trim() == "stderr" || spec.trim() == "-" {
            AuditTarget::Stderr
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
        }
    }

    fn sync(&mut self) -> io::Result<()> {
        match self {
            Out::Stderr => Ok(()),
            Out::File(f) => f.sync_data(),
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

impl AuditLog {
    /// Opens `target` (a file is created if missing and appended to) and starts its writer.
    pub fn open(target: AuditTarget, fsync: Fsync) -> io::Result<AuditLog> {
        let mut out = match &target {
            AuditTarget::Stderr => Out::Stderr,
            AuditTarget::File(p) => Out::File(open_file(p).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot open the audit log {}: {e}", p.display()),
                )
            })?),
        };
        let (jobs, rx) = mpsc::channel::<Job>();
        let name = format!("audit:{target}");
        std::thread::Builder::new().name(name).spawn(move || {
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
