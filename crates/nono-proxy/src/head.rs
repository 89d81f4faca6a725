//! Reading and parsing message heads (request line or status line, and headers) with
//! `httparse`, within a size limit. Only what `httparse` accepts gets through: no obsolete
//! line folding, no whitespace before a colon, no control characters in names or values.

use crate::refusal::Refusal;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// Most headers a message may have.
const MAX_HEADERS: usize = 128;

/// One header, as received.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    pub name: String,
    pub value: Vec<u8>,
}

/// A request head.
#[derive(Debug)]
pub(crate) struct Request {
    pub method: String,
    pub target: String,
    /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub version: u8,
    pub headers: Vec<Header>,
}

/// A response head.
#[derive(Debug)]
pub(crate) struct Response {
    pub code: u16,
    pub reason: Vec<u8>,
    pub headers: Vec<Header>,
}

/// Why a head could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed the connection (or failed) before the end of the head.
    Closed,
    /// The head is larger than the limit.
    TooLarge,
}

/// Reads one head up to and including its empty line, leaving what follows (the body) in the
/// reader. `Ok(None)`: the peer closed the connection before sending anything.
pub(crate) async fn read<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    max: usize,
) -> Result<Option<Vec<u8>>, ReadError> {
    let mut head = Vec::new();
    loop {
        let buf = reader.fill_buf().await.map_err(|_| ReadError::Closed)?;
        if buf.is_empty() {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(ReadError::Closed)
            };
        }
        // Empty lines before a request line are ignored (RFC 9112, 2.2).
        let skip = if head.is_empty() {
            buf.iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count()
        } else {
            0
        };
        let buf = &buf[skip..];
        let before = head.len();
        let take = buf.len().min(max + 1 - before);
        head.extend_from_slice(&buf[..take]);
        // Scan only the new bytes (and the three before them) so a slow client cannot make
        // the scan quadratic.
        let from = before.saturating_sub(3);
        if let Some(end) = end_of_head(&head[from..]) {
            let end = from + end;
            reader.consume(skip + end - before);
            head.truncate(end);
            return Ok(Some(head));
        }
        reader.consume(skip + take);
        if head.len() > max {
            return Err(ReadError::TooLarge);
        }
    }
}

/// The length of the head in `bytes` (up to and including the empty line), if complete.
fn end_of_head(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len()).find_map(|i| {
        if bytes[i..].starts_with(b"\r\n\r\n") {
            Some(i + 4)
        } else if bytes[i..].starts_with(b"\n\n") {
            Some(i + 2)
        } else {
            None
        }
    })
}

/// Parses a request head read by [`read`].
pub(crate) fn parse_request(raw: &[u8]) -> Result<Request, Refusal> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(raw) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(Refusal::new(400, "incomplete request head")),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Refusal::new(
                431,
                format!("more than {MAX_HEADERS} headers"),
            ))
        }
        Err(httparse::Error::Version) => {
            return Err(Refusal::new(505, "only HTTP/1.0 and HTTP/1.1 are proxied"))
        }
        Err(e) => return Err(Refusal::new(400, format!("malformed request head: {e}"))),
    }
    // httparse fills every field of a complete request.
    let (Some(method), Some(target), Some(version)) = (req.method, req.path, req.version) else {
        return Err(Refusal::new(400, "incomplete request line"));
    };
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        version,
        headers: owned(req.headers),
    })
}

/// Parses a response head read by [`read`]; the error says what was wrong with it.
pub(crate) fn parse_response(raw: &[u8]) -> Result<Response, String> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut headers);
    match resp.parse(raw) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err("incomplete response head".into()),
        Err(e) => return Err(format!("malformed response head: {e}")),
    }
    let Some(code) = resp.code else {
        return Err("incomplete status line".into());
    };
    Ok(Response {
        code,
        reason: resp.reason.unwrap_or("").as_bytes().to_vec(),
        headers: owned(resp.headers),
    })
}

fn owned(headers: &[httparse::Header<'_>]) -> Vec<Header> {
    headers
        .iter()
        .map(|h| Header {
            name: h.name.to_string(),
            value: h.value.to_vec(),
        })
        .collect()
}

/// The values of every header called `name`, split at commas, trimmed and lower-cased: the
/// tokens of a list-valued header such as `Connection` or `Transfer-Encoding`.
pub(crate) fn tokens(headers: &[Header], name: &str) -> Vec<String> {
    headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(name))
        .flat_map(|h| h.value.split(|b| *b == b','))
        .map(|t| String::from_utf8_lossy(t.trim_ascii()).to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether a header called `name` is present.
pub(crate) fn has(headers: &[Header], name: &str) -> bool {
    headers.iter().any(|h| h.name.eq_ignore_ascii_case(name))
}
