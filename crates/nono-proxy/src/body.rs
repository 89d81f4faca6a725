//! Message bodies: how long each one is (RFC 9112, section 6), and copying exactly that much.
//!
//! A request whose length could be read two ways is refused, not guessed at: that ambiguity
//! is what request smuggling lives on. Chunked bodies are decoded chunk by chunk (sizes parsed
//! by `httparse`) and encoded afresh, so what the other side receives is framed by the proxy,
//! never by the sender's bytes.

use crate::head::{self, Header};
use crate::refusal::Refusal;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

/// How a body ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Framing {
    /// No body.
    Empty,
    /// Exactly this many bytes.
    Length(u64),
    /// Chunked transfer coding.
    Chunked,
    /// Until the sender closes the connection (responses only).
    UntilClose,
}

/// Longest chunk-size line, trailer line and trailer section.
const MAX_LINE: usize = 4096;
const MAX_TRAILERS: usize = 16 * 1024;

/// The framing of a request body. Both `Content-Length` and `Transfer-Encoding`, differing
/// lengths, a coding other than `chunked`, or chunked HTTP/1.0 are refused.
pub(crate) fn request(headers: &[Header], version: u8) -> Result<Framing, Refusal> {
    let codings = head::tokens(headers, "transfer-encoding");
    let has_te = head::has(headers, "transfer-encoding");
    let length = content_length(headers)
        .map_err(|e| Refusal::new(400, format!("{e} (a request smuggling attempt?)")))?;
    if has_te && length.is_some() {
        return Err(Refusal::new(
            400,
            "both Content-Length and Transfer-Encoding (a request smuggling attempt?)",
        ));
    }
    if has_te {
        if version == 0 {
            return Err(Refusal::new(
                400,
                "Transfer-Encoding in an HTTP/1.0 request",
            ));
        }
        if codings != ["chunked"] {
            return Err(Refusal::new(
                501,
                format!(
                    "unsupported Transfer-Encoding '{}': only chunked is forwarded",
                    codings.join(", ")
                ),
            ));
        }
        return Ok(Framing::Chunked);
    }
    Ok(length.map_or(Framing::Empty, Framing::Length))
}

/// The framing of a response to `method` with status `code`.
pub(crate) fn response(headers: &[Header], method: &str, code: u16) -> Result<Framing, String> {
    if method.eq_ignore_ascii_case("HEAD")
        || (100..200).contains(&code)
        || code == 204
        || code == 304
    {
        return Ok(Framing::Empty);
    }
    if head::has(headers, "transfer-encoding") {
        let codings = head::tokens(headers, "transfer-encoding");
        return Ok(if codings.last().map(String::as_str) == Some("chunked") {
            Framing::Chunked
        } else {
            Framing::UntilClose
        });
    }
    Ok(content_length(headers)?.map_or(Framing::UntilClose, Framing::Length))
}

/// The `Content-Length`, if any: every value (also comma-separated repeats) must be the same
/// plain decimal number.
pub(crate) fn content_length(headers: &[Header]) -> Result<Option<u64>, String> {
    let values = head::tokens(headers, "content-length");
    if values.is_empty() {
        if head::has(headers, "content-length") {
            return Err("an empty Content-Length".into());
        }
        return Ok(None);
    }
    let mut length = None;
    for value in &values {
        let parsed = (value.len() <= 18 && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| value.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| format!("an invalid Content-Length '{}'", nono::one_line(value)))?;
        if length.is_some_and(|l| l != parsed) {
            return Err("differing Content-Length values".into());
        }
        length = Some(parsed);
    }
    Ok(length)
}

/// Copies one body framed by `framing` from `src` to `dst`. A chunked body is re-encoded
/// when `chunked_out`, and decoded to plain bytes otherwise (for an HTTP/1.0 client).
/// Trailers are dropped. The error says what went wrong.
pub(crate) async fn copy<R, W>(
    framing: Framing,
    src: &mut R,
    dst: &mut W,
    chunked_out: bool,
) -> Result<(), String>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    match framing {
        Framing::Empty => Ok(()),
        Framing::Length(n) => copy_exact(src, dst, n).await,
        Framing::UntilClose => tokio::io::copy_buf(src, dst)
            .await
            .map(drop)
            .map_err(|e| format!("body: {e}")),
        Framing::Chunked => loop {
            let line = read_line(src, MAX_LINE).await?;
            let size = match httparse::parse_chunk_size(&line) {
                Ok(httparse::Status::Complete((_, size))) => size,
                _ => return Err("malformed chunk size".into()),
            };
            if size == 0 {
                let mut trailers = 0;
                loop {
                    let line = read_line(src, MAX_LINE).await?;
                    if line == b"\r\n" || line == b"\n" {
                        break;
                    }
                    trailers += line.len();
                    if trailers > MAX_TRAILERS {
                        return Err("trailers too large".into());
                    }
                }
                if chunked_out {
                    write(dst, b"0\r\n\r\n").await?;
                }
                return Ok(());
            }
            if chunked_out {
                write(dst, format!("{size:x}\r\n").as_bytes()).await?;
            }
            copy_exact(src, dst, size).await?;
            if read_line(src, 2).await? != b"\r\n" {
                return Err("chunk not followed by CRLF".into());
            }
            if chunked_out {
                write(dst, b"\r\n").await?;
            }
        },
    }
}

async fn write<W: AsyncWrite + Unpin>(dst: &mut W, bytes: &[u8]) -> Result<(), String> {
    dst.write_all(bytes).await.map_err(|e| format!("body: {e}"))
}

/// Copies exactly `n` bytes.
async fn copy_exact<R, W>(src: &mut R, dst: &mut W, n: u64) -> Result<(), String>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut left = n;
    while left > 0 {
        let buf = src.fill_buf().await.map_err(|e| format!("body: {e}"))?;
        if buf.is_empty() {
            return Err(format!("body ended {left} bytes early"));
        }
        let take = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        dst.write_all(&buf[..take])
            .await
            .map_err(|e| format!("body: {e}"))?;
        src.consume(take);
        left -= take as u64;
    }
    Ok(())
}

/// Reads one line, including its `\n`, of at most `max` bytes.
async fn read_line<R: AsyncBufRead + Unpin>(src: &mut R, max: usize) -> Result<Vec<u8>, String> {
    let mut line = Vec::new();
    loop {
        let buf = src.fill_buf().await.map_err(|e| format!("body: {e}"))?;
        if buf.is_empty() {
            return Err("body ended inside a chunk header".into());
        }
        let (take, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if line.len() + take > max {
            return Err("chunk line too long".into());
        }
        line.extend_from_slice(&buf[..take]);
        src.consume(take);
        if done {
            return Ok(line);
        }
    }
}
