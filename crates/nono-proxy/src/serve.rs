//! The proxy's life: a runtime built on the calling thread, an accept loop, one task per
//! connection, and the summary when told to stop.

use crate::config::{Config, Limits};
use crate::record::Recorder;
use crate::resolve::Resolver;
use crate::summary::Summary;
use nono::egress::EgressPolicy;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinSet;

/// Name lookups that may run at once.
const MAX_LOOKUPS: usize = 8;

/// The egress proxy, configured and not yet running.
pub struct Proxy {
    config: Config,
}

/// Tells a running [`Proxy::serve`] to stop: it stops accepting, drops every connection and
/// returns its summary. Cheap to clone and usable from any thread, before or after `serve`
/// starts (a stop that comes first is remembered).
#[derive(Clone, Debug, Default)]
pub struct Stop(Arc<Notify>);

impl Stop {
    /// A new, untriggered stop handle.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Stops the proxy.
    pub fn stop(&self) {
        // notify_one stores a permit when nobody waits yet, so an early stop is not lost.
        self.0.notify_one();
    }
}

/// What every connection task reads.
pub(crate) struct Shared {
    pub policy: EgressPolicy,
    pub resolver: Resolver,
    pub limits: Limits,
    pub record: Recorder,
}

impl Proxy {
    /// A proxy that will enforce `config`.
    pub fn new(config: Config) -> Proxy {
        Proxy { config }
    }

    /// Serves on `listeners` (already bound and listening; typically created inside the
    /// sandbox's network namespace) until `stop` is triggered, then returns the counters.
    /// Blocks the calling thread, which runs a single-threaded runtime; name resolution uses
    /// the runtime's blocking pool. The error is one line, for a runtime or socket that
    /// cannot be set up.
    pub fn serve(
        self,
        listeners: Vec<std::net::TcpListener>,
        stop: Stop,
    ) -> Result<Summary, String> {
        for listener in &listeners {
            listener.set_nonblocking(true).map_err(|e| {
                format!("proxy: cannot make the listening socket non-blocking: {e}")
            })?;
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            // Name lookups run on blocking threads; a program asking for many names at once
            // queues behind a few rather than making the supervisor spawn hundreds.
            .max_blocking_threads(MAX_LOOKUPS)
            .build()
            .map_err(|e| format!("proxy: cannot start its runtime: {e}"))?;
        let shared = Arc::new(Shared {
            policy: self.config.policy,
            resolver: self.config.resolver,
            limits: self.config.limits,
            record: Recorder::new(self.config.log),
        });
        let served = runtime.block_on(accept_all(listeners, stop, Arc::clone(&shared)));
        // Resolutions still running on the blocking pool are abandoned, not waited for.
        runtime.shutdown_background();
        served.map(|()| shared.record.summary())
    }
}

/// One accept loop per listener, until told to stop; then every connection is dropped.
async fn accept_all(
    listeners: Vec<std::net::TcpListener>,
    stop: Stop,
    shared: Arc<Shared>,
) -> Result<(), String> {
    let mut loops = JoinSet::new();
    for listener in listeners {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| format!("proxy: cannot use the listening socket: {e}"))?;
        loops.spawn(accept_loop(listener, Arc::clone(&shared)));
    }
    stop.0.notified().await;
    // Dropping a loop drops its set of connections, which aborts them.
    loops.abort_all();
    Ok(())
}

async fn accept_loop(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    connections.spawn(crate::conn::serve(stream, Arc::clone(&shared)));
                }
                // Out of descriptors or memory, or a connection reset before it was
                // accepted: wait a moment instead of spinning, and go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
        }
    }
}
