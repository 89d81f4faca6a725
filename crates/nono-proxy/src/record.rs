//! Every decision, counted for the summary and written as one JSON line to the log.

use crate::summary::Summary;
use serde::Serialize;
use std::io::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// One line of the JSON log (`--net-log FILE`).
#[derive(Serialize)]
pub(crate) struct Event<'a> {
    /// Milliseconds since the Unix epoch.
    pub time_ms: u128,
    /// `CONNECT`, or the method of a forwarded request.
    pub method: &'a str,
    /// `host:port`, normalised; absent for a request too malformed to name one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<&'a str>,
    /// `allowed`, `denied`, `failed` or `malformed`.
    pub outcome: &'a str,
    /// Why, as the summary prints it.
    pub reason: &'a str,
    /// The flag that would allow a refusal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<&'a str>,
    /// The address dialled, for an allowed destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// Destinations tallied one by one; past that many, a program making up names cannot grow
/// the proxy's memory, and new names are only counted in the totals (and logged).
const MAX_DESTINATIONS: usize = 10_000;

/// The counters and the log, behind one lock (decisions are rare next to the bytes moved).
pub(crate) struct Recorder {
    inner: Mutex<Inner>,
}

struct Inner {
    summary: Summary,
    log: Option<Box<dyn Write + Send>>,
}

/// How a destination fared.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Allowed,
    Denied,
    Failed,
    Malformed,
}

impl Recorder {
    pub fn new(log: Option<Box<dyn Write + Send>>) -> Recorder {
        Recorder {
            inner: Mutex::new(Inner {
                summary: Summary::default(),
                log,
            }),
        }
    }

    /// Counts one decision and logs it.
    pub fn record(
        &self,
        outcome: Outcome,
        method: &str,
        target: Option<&str>,
        reason: &str,
        fix: Option<&str>,
        address: Option<std::net::SocketAddr>,
    ) {
        // A panic elsewhere cannot leave the counters half-written: each update is complete
        // before the lock is released, so a poisoned lock still holds consistent data.
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let s = &mut inner.summary;
        let (name, counter) = match outcome {
            Outcome::Allowed => ("allowed", &mut s.allowed),
            Outcome::Denied => ("denied", &mut s.denied),
            Outcome::Failed => ("failed", &mut s.failed),
            Outcome::Malformed => ("malformed", &mut s.malformed),
        };
        *counter += 1;
        let known = |t: &str| s.destinations.contains_key(t);
        if let Some(target) = target.filter(|t| known(t) || s.destinations.len() < MAX_DESTINATIONS)
        {
            let tally = s.destinations.entry(target.to_string()).or_default();
            match outcome {
                Outcome::Allowed => tally.allowed += 1,
                Outcome::Denied | Outcome::Failed | Outcome::Malformed => {
                    if outcome == Outcome::Failed {
                        tally.failed += 1;
                    } else {
                        tally.denied += 1;
                    }
                    tally.reason = Some(reason.to_string());
                    tally.fix = fix.map(str::to_string);
                }
            }
        }
        let event = Event {
            time_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis()),
            method,
            target,
            outcome: name,
            reason,
            fix,
            address: address.map(|a| a.to_string()),
        };
        let Inner { summary, log } = &mut *inner;
        if let Some(writer) = log {
            let written = serde_json::to_vec(&event)
                .map_err(|e| e.to_string())
                .and_then(|mut line| {
                    line.push(b'\n');
                    writer
                        .write_all(&line)
                        .and_then(|()| writer.flush())
                        .map_err(|e| e.to_string())
                });
            if let Err(e) = written {
                summary
                    .log_error
                    .get_or_insert_with(|| format!("cannot write the network log: {e}"));
            }
        }
    }

    /// The counters so far.
    pub fn summary(&self) -> Summary {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.summary.clone()
    }
}
