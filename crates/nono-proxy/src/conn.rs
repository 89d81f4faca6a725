//! One client connection: read a request head, then tunnel (`CONNECT`) or forward (plain
//! HTTP), and go on with the next request while the connection is kept alive.

use crate::head::{self, ReadError};
use crate::record::Outcome;
use crate::refusal::Refusal;
use crate::serve::Shared;
use crate::{dial, forward, target};
use std::sync::Arc;
use tokio::io::{AsyncBufRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

/// Buffer size of each direction: large enough that a bulk transfer moves in few system calls.
pub(crate) const BUFFER: usize = 64 * 1024;

pub(crate) async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::with_capacity(BUFFER, reader);
    let mut first = true;
    loop {
        let request = match next_request(&mut reader, &shared, first).await {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(refusal) => {
                shared
                    .record
                    .record(Outcome::Malformed, "-", None, &refusal.text, None, None);
                refusal.send(&mut reader, &mut writer).await;
                return;
            }
        };
        first = false;
        if request.method == "CONNECT" {
            return tunnel(request, reader, writer, &shared).await;
        }
        match forward::forward(request, &mut reader, &mut writer, &shared).await {
            forward::Next::KeepAlive => continue,
            forward::Next::Close => return,
        }
    }
}

/// The next request head. `Ok(None)`: the client closed the connection, or a kept-alive
/// connection stayed idle too long.
async fn next_request<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    shared: &Shared,
    first: bool,
) -> Result<Option<head::Request>, Refusal> {
    use tokio::io::AsyncBufReadExt;
    let limits = shared.limits;
    if !first {
        match tokio::time::timeout(limits.idle_timeout, reader.fill_buf()).await {
            Ok(Ok(buf)) if !buf.is_empty() => {}
            _ => return Ok(None),
        }
    }
    let raw = match tokio::time::timeout(limits.header_timeout, head::read(reader, limits.max_head))
        .await
    {
        Err(_) => {
            return Err(Refusal::new(
                408,
                format!(
                    "no complete request head within {:?}",
                    limits.header_timeout
                ),
            ))
        }
        Ok(Ok(Some(raw))) => raw,
        Ok(Ok(None)) | Ok(Err(ReadError::Closed)) => return Ok(None),
        Ok(Err(ReadError::TooLarge)) => {
            return Err(Refusal::new(
                431,
                format!("request head larger than {} bytes", limits.max_head),
            ))
        }
    };
    head::parse_request(&raw).map(Some)
}

/// `CONNECT host:port`: dial, answer 200, then move bytes both ways until both sides close.
async fn tunnel(
    request: head::Request,
    mut reader: BufReader<OwnedReadHalf>,
    mut writer: OwnedWriteHalf,
    shared: &Shared,
) {
    let dialed = match target::authority(&request.target) {
        Ok((host, port)) => dial::dial(shared, "CONNECT", &host, port).await,
        Err(refusal) => {
            shared.record.record(
                Outcome::Malformed,
                "CONNECT",
                None,
                &refusal.text,
                None,
                None,
            );
            Err(refusal)
        }
    };
    let mut upstream = match dialed {
        Ok(dialed) => dialed.stream,
        Err(refusal) => return refusal.send(&mut reader, &mut writer).await,
    };
    if writer
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
        .is_err()
    {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        // Bytes the client sent after its request (a TLS hello, say) go first; after that
        // the kernel moves the rest.
        let early = reader.buffer().to_vec();
        if upstream.write_all(&early).await.is_err() {
            return;
        }
        if let Ok(client) = reader.into_inner().reunite(writer) {
            crate::splice::tunnel(&client, &upstream).await;
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let (up_read, up_write) = upstream.split();
        pipe(
            reader,
            writer,
            BufReader::with_capacity(BUFFER, up_read),
            up_write,
        )
        .await;
    }
}

/// Moves bytes both ways (bytes already buffered first) until each side has closed its
/// sending half, passing each close on.
pub(crate) async fn pipe<CR, CW, UR, UW>(
    mut client_r: CR,
    mut client_w: CW,
    mut up_r: UR,
    mut up_w: UW,
) where
    CR: AsyncBufRead + Unpin,
    CW: AsyncWrite + Unpin,
    UR: AsyncBufRead + Unpin,
    UW: AsyncWrite + Unpin,
{
    let outbound = async {
        let _ = tokio::io::copy_buf(&mut client_r, &mut up_w).await;
        let _ = up_w.shutdown().await;
    };
    let inbound = async {
        let _ = tokio::io::copy_buf(&mut up_r, &mut client_w).await;
        let _ = client_w.shutdown().await;
    };
    tokio::join!(outbound, inbound);
}
