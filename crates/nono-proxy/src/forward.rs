//! Plain HTTP forwarding: `GET http://host/path HTTP/1.1` is checked like a `CONNECT` to
//! `host:80`, re-sent to the destination in origin form with a head the proxy writes itself,
//! and the response relayed back.
//!
//! What the destination sees is framed by the proxy: the `Host` header is the URL's host
//! (whatever `Host` the client sent), hop-by-hop headers are dropped, lengths are re-stated
//! and chunked bodies re-encoded, so a smuggled second request cannot ride along. Each request
//! gets its own connection to the destination (asked to close after one response); the
//! client's connection is kept alive. `Upgrade` (WebSockets) turns the exchange into a tunnel
//! after a `101` response.

use crate::body::{self, Framing};
use crate::conn::{pipe, BUFFER};
use crate::head::{self, Header, Request, Response};
use crate::record::Outcome;
use crate::refusal::Refusal;
use crate::serve::Shared;
use crate::{dial, target};
use nono::egress::Host;
use std::pin::pin;
use tokio::io::{AsyncBufRead, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

/// What the client connection does after a request.
pub(crate) enum Next {
    KeepAlive,
    Close,
}

/// How relaying a response ended.
enum Relayed {
    /// A complete response was relayed; `kept`: the client's connection stays open for the
    /// next request (the client wants it, and the response ended without a close).
    Done { kept: bool },
    /// A `101` was relayed: the connection is now a tunnel.
    Upgraded,
    /// No response came that could be relayed, and nothing was sent to the client yet.
    Failed(Refusal),
    /// The exchange broke after part of a response was sent.
    Broken,
}

/// Headers that describe one connection, not the message (RFC 9110, 7.6.1), plus the ones
/// the proxy states itself.
const HOP_BY_HOP: [&str; 11] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "host",
];

pub(crate) async fn forward<R, W>(
    request: Request,
    client_r: &mut BufReader<R>,
    client_w: &mut W,
    shared: &Shared,
) -> Next
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let checked = target::absolute(&request.target)
        .and_then(|url| Ok((body::request(&request.headers, request.version)?, url)));
    let (framing, url) = match checked {
        Ok(checked) => checked,
        Err(refusal) => {
            let method = request.method.as_str();
            shared
                .record
                .record(Outcome::Malformed, method, None, &refusal.text, None, None);
            refusal.send(client_r, client_w).await;
            return Next::Close;
        }
    };
    let (mut upstream, out_head) =
        match dial::dial(shared, &request.method, &url.host, url.port).await {
            Ok(dialed) => {
                let head = request_head(&request, &url.path, &dialed.host, url.port, framing);
                (dialed.stream, head)
            }
            Err(refusal) => {
                refusal.send(client_r, client_w).await;
                return Next::Close;
            }
        };
    let (up_r, mut up_w) = upstream.split();
    let mut up_r = BufReader::with_capacity(BUFFER, up_r);
    if up_w.write_all(&out_head).await.is_err() {
        let refusal = Refusal::new(502, "the destination closed the connection");
        refusal.send(client_r, client_w).await;
        return Next::Close;
    }
    let upgrade = upgrade(&request.headers).is_some();
    let (sent, relayed) = {
        // The body goes out while the response comes in: a client that waits for
        // `100 Continue`, or a destination that answers early, must not deadlock the two.
        let mut send = pin!(body::copy(framing, client_r, &mut up_w, true));
        let mut relay = pin!(relay(&mut up_r, client_w, &request, upgrade, shared));
        let mut sent = None;
        loop {
            tokio::select! {
                biased;
                done = &mut send, if sent.is_none() => match done {
                    Ok(()) => sent = Some(true),
                    // The client stopped sending mid-body: the exchange is over.
                    Err(_) => return Next::Close,
                },
                relayed = &mut relay => break (sent, relayed),
            }
        }
    };
    let body_done = sent.is_some();
    match relayed {
        Relayed::Failed(refusal) => {
            refusal.send(client_r, client_w).await;
            Next::Close
        }
        Relayed::Broken => Next::Close,
        Relayed::Upgraded => {
            if body_done {
                pipe(client_r, client_w, up_r, up_w).await;
            }
            Next::Close
        }
        Relayed::Done { kept: true } if body_done => Next::KeepAlive,
        Relayed::Done { .. } => Next::Close,
    }
}

/// Reads the destination's response (passing interim `1xx` ones on) and relays it.
async fn relay<UR, CW>(
    up_r: &mut UR,
    client_w: &mut CW,
    request: &Request,
    upgrade: bool,
    shared: &Shared,
) -> Relayed
where
    UR: AsyncBufRead + Unpin,
    CW: AsyncWrite + Unpin,
{
    let client_version = request.version;
    loop {
        let raw = match head::read(up_r, shared.limits.max_head).await {
            Ok(Some(raw)) => raw,
            Ok(None) | Err(head::ReadError::Closed) => {
                return Relayed::Failed(Refusal::new(
                    502,
                    "the destination closed the connection without a response",
                ))
            }
            Err(head::ReadError::TooLarge) => {
                return Relayed::Failed(Refusal::new(
                    502,
                    format!(
                        "the destination's response head is larger than {} bytes",
                        shared.limits.max_head
                    ),
                ))
            }
        };
        let response = match head::parse_response(&raw) {
            Ok(response) => response,
            Err(e) => {
                return Relayed::Failed(Refusal::new(502, format!("the destination sent a {e}")))
            }
        };
        if response.code == 101 {
            if !upgrade {
                return Relayed::Failed(Refusal::new(
                    502,
                    "the destination switched protocols without being asked to",
                ));
            }
            let head = response_head(&response, Framing::Empty, Connection::Upgrade);
            return match client_w.write_all(&head).await {
                Ok(()) => Relayed::Upgraded,
                Err(_) => Relayed::Broken,
            };
        }
        if (100..200).contains(&response.code) {
            // 100 Continue, 103 Early Hints: HTTP/1.0 clients do not expect them.
            if client_version == 1 {
                let head = response_head(&response, Framing::Empty, Connection::Unsaid);
                if client_w.write_all(&head).await.is_err() {
                    return Relayed::Broken;
                }
            }
            continue;
        }
        let framing = match body::response(&response.headers, &request.method, response.code) {
            Ok(framing) => framing,
            Err(e) => {
                return Relayed::Failed(Refusal::new(502, format!("the destination sent {e}")))
            }
        };
        let chunked_out = framing == Framing::Chunked && client_version == 1;
        let delimited = match framing {
            Framing::UntilClose => false,
            Framing::Chunked => chunked_out,
            Framing::Empty | Framing::Length(_) => true,
        };
        let kept = delimited && keeps_alive(request);
        let connection = match (kept, client_version) {
            (false, _) => Connection::Close,
            (true, 0) => Connection::KeepAlive,
            (true, _) => Connection::Unsaid,
        };
        let head = response_head(&response, framing, connection);
        if client_w.write_all(&head).await.is_err() {
            return Relayed::Broken;
        }
        return match body::copy(framing, up_r, client_w, chunked_out).await {
            Ok(()) => Relayed::Done { kept },
            Err(_) => Relayed::Broken,
        };
    }
}

/// What the `Connection` header of a relayed response says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Connection {
    Unsaid,
    Close,
    KeepAlive,
    Upgrade,
}

/// The head sent to the destination: origin form, `Host` from the URL, end-to-end headers,
/// the body's framing restated, and a request to close after the response.
fn request_head(
    request: &Request,
    path: &str,
    host: &Host,
    port: u16,
    framing: Framing,
) -> Vec<u8> {
    let authority = host.with_port(port);
    let authority = authority.strip_suffix(":80").unwrap_or(&authority);
    let mut out = format!(
        "{} {path} HTTP/1.1\r\nHost: {authority}\r\n",
        request.method
    )
    .into_bytes();
    end_to_end(&mut out, &request.headers, false);
    framing_headers(&mut out, framing, true);
    match upgrade(&request.headers) {
        Some(protocols) => {
            out.extend_from_slice(b"Connection: upgrade\r\nUpgrade: ");
            out.extend_from_slice(&protocols);
            out.extend_from_slice(b"\r\n\r\n");
        }
        None => out.extend_from_slice(b"Connection: close\r\n\r\n"),
    }
    out
}

/// The head relayed to the client.
fn response_head(response: &Response, framing: Framing, connection: Connection) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {} ", response.code).into_bytes();
    out.extend_from_slice(&response.reason);
    out.extend_from_slice(b"\r\n");
    end_to_end(
        &mut out,
        &response.headers,
        connection == Connection::Upgrade,
    );
    match framing {
        // A response without a body (to HEAD, a 304) keeps the length it describes.
        Framing::Empty => {
            if let Ok(Some(n)) = body::content_length(&response.headers) {
                out.extend_from_slice(format!("Content-Length: {n}\r\n").as_bytes());
            }
        }
        other => framing_headers(&mut out, other, connection != Connection::Close),
    }
    out.extend_from_slice(match connection {
        Connection::Unsaid => b"",
        Connection::Close => b"Connection: close\r\n".as_slice(),
        Connection::KeepAlive => b"Connection: keep-alive\r\n",
        Connection::Upgrade => b"Connection: upgrade\r\n",
    });
    out.extend_from_slice(b"\r\n");
    out
}

/// Appends every header that is not hop-by-hop nor named by `Connection`; `Upgrade` is kept
/// when `keep_upgrade`.
fn end_to_end(out: &mut Vec<u8>, headers: &[Header], keep_upgrade: bool) {
    let named = head::tokens(headers, "connection");
    for h in headers {
        let name = h.name.to_ascii_lowercase();
        let upgrade_kept = keep_upgrade && name == "upgrade";
        if !upgrade_kept && (HOP_BY_HOP.contains(&name.as_str()) || named.contains(&name)) {
            continue;
        }
        out.extend_from_slice(h.name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(&h.value);
        out.extend_from_slice(b"\r\n");
    }
}

/// `Content-Length` or `Transfer-Encoding: chunked` for a body framed by `framing`;
/// `chunked`: whether a chunked body is sent chunked.
fn framing_headers(out: &mut Vec<u8>, framing: Framing, chunked: bool) {
    match framing {
        Framing::Length(n) => out.extend_from_slice(format!("Content-Length: {n}\r\n").as_bytes()),
        Framing::Chunked if chunked => out.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
        _ => {}
    }
}

/// The protocols of an `Upgrade` the client asks for (`Connection: upgrade` and `Upgrade`).
fn upgrade(headers: &[Header]) -> Option<Vec<u8>> {
    if !head::tokens(headers, "connection")
        .iter()
        .any(|t| t == "upgrade")
    {
        return None;
    }
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("upgrade"))
        .map(|h| h.value.clone())
}

/// Whether the client wants its connection kept after this request.
fn keeps_alive(request: &Request) -> bool {
    let mut said = head::tokens(&request.headers, "connection");
    said.extend(head::tokens(&request.headers, "proxy-connection"));
    if request.version == 0 {
        said.iter().any(|t| t == "keep-alive")
    } else {
        !said.iter().any(|t| t == "close")
    }
}
