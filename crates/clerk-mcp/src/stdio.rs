//! The stdio transport, guarded.
//!
//! rmcp ignores lines that are not JSON at all. JSON-RPC asks for a `-32700 Parse error` reply
//! (with a null id), and an agent developer debugging a client deserves one, so stdin is read
//! here line by line: lines that parse as JSON go on to rmcp, others are answered with a parse
//! error. rmcp's output and these errors are merged line by line onto stdout, which carries
//! nothing else. When stdin closes, rmcp's input closes, the service ends and the output is
//! flushed.

use rmcp::ErrorData;
use rmcp::model::ServerJsonRpcMessage;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const PIPE_BUFFER: usize = 256 * 1024;

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

/// Guards any input and output (tests use in-memory pipes).
pub fn guard<R, W>(input: R, output: W) -> Guarded
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (rmcp_reader, mut to_rmcp) = tokio::io::duplex(PIPE_BUFFER);
    let (rmcp_writer, from_rmcp) = tokio::io::duplex(PIPE_BUFFER);
    let (err_tx, mut err_rx) = mpsc::unbounded_channel::<String>();

    tokio::spawn(async move {
        let mut input = BufReader::new(input);
        let mut line = Vec::with_capacity(4096);
        loop {
            line.clear();
            match input.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let text = trim(&line);
            if text.is_empty() {
                continue;
            }
            match serde_json::from_slice::<serde::de::IgnoredAny>(text) {
                Ok(_) => {
                    if to_rmcp.write_all(text).await.is_err()
                        || to_rmcp.write_all(b"\n").await.is_err()
                    {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "malformed JSON-RPC line on stdin");
                    let reply = ServerJsonRpcMessage::error(
                        ErrorData::parse_error(format!("Parse error: {e}"), None),
                        None,
                    );
                    if let Ok(json) = serde_json::to_string(&reply) {
                        let _ = err_tx.send(json);
                    }
                }
            }
        }
        let _ = to_rmcp.shutdown().await;
    });

    let output_task = tokio::spawn(async move {
        let mut output = output;
        let mut from_rmcp = BufReader::new(from_rmcp).lines();
        let mut rmcp_open = true;
        loop {
            tokio::select! {
                line = from_rmcp.next_line(), if rmcp_open => match line {
                    Ok(Some(l)) => {
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
                        // No more parse errors can come; drain rmcp's output.
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
