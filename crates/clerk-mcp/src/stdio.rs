//! The stdio transport, guarded.
//!
//! rmcp reads one JSON-RPC message per line. In front of it this guard reads stdin line by line
//! and makes the server exact and bounded where rmcp alone is not:
//!
//! * a line longer than [`MAX_FRAME`] is discarded as it is read (never buffered whole) and
//!   answered with an error; after a large line the buffer shrinks again, so memory falls back;
//! * a line that is not JSON (bad syntax, invalid UTF-8 inside a string, nesting deeper than 128,
//!   a number out of range) is answered `-32700 Parse error` with `"id": null`;
//! * a message that is not a JSON-RPC 2.0 object (wrong `jsonrpc`, a bad `id`, a batch) is
//!   answered `-32600 Invalid Request`, echoing the id when it can be read;
//! * `tools/call` without a string `name`, or with `arguments` that are not an object, is answered
//!   `-32602 Invalid params`;
//! * a request whose id is already in flight is refused (`-32600`), never run unanswered;
//! * notifications and responses that arrive before the client's first request (e.g. a stray
//!   `notifications/initialized` before `initialize`) are dropped, not fatal.
//!
//! Everything else goes to rmcp unchanged. rmcp's output and the guard's replies are merged line
//! by line onto stdout, which carries nothing else. When stdin closes, rmcp's input closes, the
//! service ends and the output is flushed.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const PIPE_BUFFER: usize = 256 * 1024;

/// The largest message accepted on stdin (as rmcp's HTTP body limit).
pub const MAX_FRAME: usize = 4 * 1024 * 1024;

/// The transport halves to hand to rmcp, and the task that writes to the real output; await the
/// task after the service ends so every reply is flushed.
pub struct Guarded {
    /// What rmcp reads.
    pub reader: DuplexStream,
    /// What rmcp writes.
    pub writer: DuplexStream,
    /// The output task.
    pub output: JoinHandle<()>,
}

/// Guards process stdin / stdout.
pub fn guarded_stdio() -> Guarded {
    guard(tokio::io::stdin(), tokio::io::stdout())
}

/// A JSON-RPC error reply (the id as given, `null` when it could not be read).
fn error_reply(id: &Value, code: i64, message: String) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string()
}

/// How one line was read.
enum Frame {
    Line,
    TooLong(usize),
    Eof,
}

/// Reads one line into `line` (without the newline), keeping at most `MAX_FRAME` bytes; the
/// rest of a longer line is consumed and dropped.
async fn read_frame<R: AsyncRead + Unpin>(
    input: &mut BufReader<R>,
    line: &mut Vec<u8>,
) -> std::io::Result<Frame> {
    line.clear();
    let mut total = 0usize;
    loop {
        let available = input.fill_buf().await?;
        if available.is_empty() {
            return Ok(if total == 0 {
                Frame::Eof
            } else if total > MAX_FRAME {
                Frame::TooLong(total)
            } else {
                Frame::Line
            });
        }
        let (chunk, used, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        total += chunk.len();
        if total <= MAX_FRAME {
            line.extend_from_slice(chunk);
        } else if !line.is_empty() {
            line.clear();
            line.shrink_to(4096);
        }
        input.consume(used);
        if done {
            return Ok(if total > MAX_FRAME {
                Frame::TooLong(total)
            } else {
                Frame::Line
            });
        }
    }
}

/// What the guard does with one message.
enum Verdict {
    Forward,
    Drop,
    Reply(String),
}

fn valid_id(id: &Value) -> bool {
    match id {
        Value::String(_) | Value::Null => true,
        Value::Number(n) => n.is_i64() || n.is_u64(),
        _ => false,
    }
}

struct Gate {
    /// Ids of requests forwarded and not answered yet (their JSON text).
    in_flight: Arc<Mutex<HashSet<String>>>,
    /// Whether the client has sent a request yet.
    started: bool,
}

impl Gate {
    fn judge(&mut self, msg: &Value) -> Verdict {
        let Some(obj) = msg.as_object() else {
            let what = if msg.is_array() {
                "batches are not supported: send one JSON-RPC message per line"
            } else {
                "a JSON-RPC message must be a JSON object"
            };
            return Verdict::Reply(error_reply(
                &Value::Null,
                -32600,
                format!("Invalid Request: {what}"),
            ));
        };
        let id = obj.get("id");
        let echo = id.filter(|i| valid_id(i)).cloned().unwrap_or(Value::Null);
        if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return Verdict::Reply(error_reply(
                &echo,
                -32600,
                "Invalid Request: \"jsonrpc\" must be \"2.0\"".into(),
            ));
        }
        if let Some(id) = id
            && !valid_id(id)
        {
            return Verdict::Reply(error_reply(
                &Value::Null,
                -32600,
                "Invalid Request: \"id\" must be a string or an integer".into(),
            ));
        }
        let method = obj.get("method");
        match (method, id) {
            // A notification, or a response to a request of ours.
            (Some(_), None) | (None, Some(_)) if !self.started => {
                tracing::warn!("dropping a notification or response sent before the first request");
                Verdict::Drop
            }
            (Some(Value::String(m)), Some(id)) => {
                self.started = true;
                if m == "tools/call" {
                    let params = obj.get("params");
                    let name_ok = params
                        .and_then(|p| p.get("name"))
                        .is_some_and(Value::is_string);
                    let args_ok = params
                        .and_then(|p| p.get("arguments"))
                        .is_none_or(|a| a.is_object() || a.is_null());
                    if !params.is_some_and(Value::is_object) || !name_ok {
                        return Verdict::Reply(error_reply(
                            id,
                            -32602,
                            "Invalid params: tools/call needs params.name, the tool's name as a string".into(),
                        ));
                    }
                    if !args_ok {
                        return Verdict::Reply(error_reply(
                            id,
                            -32602,
                            "Invalid params: params.arguments must be an object of the tool's arguments".into(),
                        ));
                    }
                }
                let key = id.to_string();
                let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
                if !in_flight.insert(key) {
                    return Verdict::Reply(error_reply(
                        id,
                        -32600,
                        "Invalid Request: a request with this id is still in flight; use a new id"
                            .into(),
                    ));
                }
                Verdict::Forward
            }
            (Some(m), _) if !m.is_string() => Verdict::Reply(error_reply(
                &echo,
                -32600,
                "Invalid Request: \"method\" must be a string".into(),
            )),
            (None, None) => Verdict::Reply(error_reply(
                &Value::Null,
                -32600,
                "Invalid Request: a message needs a \"method\" (request or notification) or an \"id\" (response)".into(),
            )),
            _ => Verdict::Forward,
        }
    }
}

/// The id of a response rmcp wrote, to clear it from the in-flight set.
#[derive(serde::Deserialize)]
struct Answered {
    id: Option<Value>,
    method: Option<serde::de::IgnoredAny>,
}

/// Guards any input and output (tests use in-memory pipes).
pub fn guard<R, W>(input: R, output: W) -> Guarded
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (rmcp_reader, mut to_rmcp) = tokio::io::duplex(PIPE_BUFFER);
    let (rmcp_writer, from_rmcp) = tokio::io::duplex(PIPE_BUFFER);
    let (err_tx, mut err_rx) = mpsc::unbounded_channel::<String>();
    let in_flight = Arc::new(Mutex::new(HashSet::new()));
    let mut gate = Gate {
        in_flight: in_flight.clone(),
        started: false,
    };

    tokio::spawn(async move {
        let mut input = BufReader::new(input);
        let mut line = Vec::with_capacity(4096);
        loop {
            let frame = match read_frame(&mut input, &mut line).await {
                Ok(Frame::Eof) | Err(_) => break,
                Ok(f) => f,
            };
            if let Frame::TooLong(n) = frame {
                tracing::warn!(bytes = n, "dropping a stdin message over the size limit");
                let _ = err_tx.send(error_reply(
                    &Value::Null,
                    -32600,
                    format!("Invalid Request: the message is {n} bytes; the limit is {MAX_FRAME}"),
                ));
                continue;
            }
            let text = trim(&line);
            if text.is_empty() {
                continue;
            }
            let verdict = match serde_json::from_slice::<Value>(text) {
                Ok(msg) => gate.judge(&msg),
                Err(e) => {
                    tracing::warn!(error = %e, "malformed JSON-RPC line on stdin");
                    Verdict::Reply(error_reply(
                        &Value::Null,
                        -32700,
                        format!("Parse error: {e}"),
                    ))
                }
            };
            match verdict {
                Verdict::Forward => {
                    if to_rmcp.write_all(text).await.is_err()
                        || to_rmcp.write_all(b"\n").await.is_err()
                    {
                        break;
                    }
                }
                Verdict::Reply(r) => {
                    let _ = err_tx.send(r);
                }
                Verdict::Drop => {}
            }
            // Give our buffer back after a large message.
            if line.capacity() > 256 * 1024 {
                line = Vec::with_capacity(4096);
            }
        }
        let _ = to_rmcp.shutdown().await;
    });

    let output_task = tokio::spawn(async move {
        let mut output = output;
        let mut from_rmcp = BufReader::new(from_rmcp).lines();
        let mut rmcp_open = true;
        let answered = |l: &str| {
            if let Ok(Answered {
                id: Some(id),
                method: None,
            }) = serde_json::from_str::<Answered>(l)
            {
                in_flight
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&id.to_string());
            }
        };
        loop {
            tokio::select! {
                line = from_rmcp.next_line(), if rmcp_open => match line {
                    Ok(Some(l)) => {
                        answered(&l);
                        if write_line(&mut output, &l).await.is_err() { break; }
                    }
                    _ => rmcp_open = false,
                },
                err = err_rx.recv() => match err {
                    Some(l) => {
                        if write_line(&mut output, &l).await.is_err() { break; }
                    }
                    None if !rmcp_open => break,
                    None => {
                        // No more guard replies can come; drain rmcp's output.
                        while let Ok(Some(l)) = from_rmcp.next_line().await {
                            if write_line(&mut output, &l).await.is_err() { break; }
                        }
                        break;
                    }
                },
                else => break,
            }
            if !rmcp_open {
                while let Ok(l) = err_rx.try_recv() {
                    let _ = write_line(&mut output, &l).await;
                }
                break;
            }
        }
        let _ = output.flush().await;
    });

    Guarded {
        reader: rmcp_reader,
        writer: rmcp_writer,
        output: output_task,
    }
}

async fn write_line<W: AsyncWrite + Unpin>(out: &mut W, line: &str) -> std::io::Result<()> {
    out.write_all(line.as_bytes()).await?;
    out.write_all(b"\n").await?;
    out.flush().await
}

fn trim(line: &[u8]) -> &[u8] {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    line.trim_ascii()
}
