//! Refusals: an HTTP status and a one-line body naming the reason and, when one can, the flag
//! that would allow the request. A client (or the agent reading its error) learns exactly
//! what happened instead of a bare reset.

use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

/// The answer to a request the proxy will not carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub status: u16,
    /// One line, without the trailing newline.
    pub text: String,
}

/// How long, and how much, a refused client may still send before the connection is closed:
/// closing a socket with unread bytes makes the kernel send a reset, which can destroy the
/// answer before the client reads it.
const LINGER: Duration = Duration::from_millis(500);
const LINGER_BYTES: usize = 1 << 20;

impl Refusal {
    pub fn new(status: u16, text: impl Into<String>) -> Refusal {
        let text: String = text.into();
        Refusal {
            status,
            text: nono::one_line(&text).into_owned(),
        }
    }

    /// The refusal of a destination: `evil.example:443: not in the allowlist (to allow it:
    /// --allow-domain evil.example)`.
    pub fn destination(status: u16, target: &str, reason: &str, fix: Option<&str>) -> Refusal {
        match fix {
            Some(fix) => Refusal::new(status, format!("{target}: {reason} (to allow it: {fix})")),
            None => Refusal::new(status, format!("{target}: {reason}")),
        }
    }

    /// The response, as bytes.
    fn response(&self) -> Vec<u8> {
        let body = format!("nono proxy: {}\n", self.text);
        format!(
            "HTTP/1.1 {} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            self.status,
            reason_phrase(self.status),
            body.len()
        )
        .into_bytes()
    }

    /// Sends the refusal, closes the sending side, and reads (and drops) what the client
    /// still sends for a moment, so that the answer arrives before the connection closes.
    pub async fn send<R, W>(&self, reader: &mut R, writer: &mut W)
    where
        R: AsyncBufRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        if writer.write_all(&self.response()).await.is_err() {
            return;
        }
        let _ = writer.shutdown().await;
        let drain = async {
            let mut drained = 0;
            while drained < LINGER_BYTES {
                match reader.fill_buf().await {
                    Ok([]) | Err(_) => break,
                    Ok(buf) => {
                        let n = buf.len();
                        reader.consume(n);
                        drained += n;
                    }
                }
            }
        };
        let _ = tokio::time::timeout(LINGER, drain).await;
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        403 => "Forbidden",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}
