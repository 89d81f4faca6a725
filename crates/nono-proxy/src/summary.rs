//! What the proxy did, counted for the line nono prints when the program exits.

use serde::Serialize;
use std::collections::BTreeMap;

/// How many destinations fared how, in total and per `host:port`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Connections and requests that the policy allowed and that reached their destination.
    pub allowed: u64,
    /// Connections and requests refused: by the policy, or because every address of an
    /// allowed name is internal.
    pub denied: u64,
    /// Allowed destinations that could not be resolved or reached.
    pub failed: u64,
    /// Requests too broken to name a destination (garbage, oversized or slow heads).
    pub malformed: u64,
    /// Per destination (`host:port`, normalised); the first 10,000 distinct ones.
    pub destinations: BTreeMap<String, Tally>,
    /// The first error writing the JSON log, after which the log may be incomplete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_error: Option<String>,
}

/// The outcomes for one destination.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Times it was allowed and reached.
    pub allowed: u64,
    /// Times it was refused.
    pub denied: u64,
    /// Times it was allowed but could not be reached.
    pub failed: u64,
    /// Why it was last refused or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The flag that would allow it, when one can.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// Refused destinations listed by name in [`Summary::line`]; the rest are counted.
const LISTED: usize = 5;

impl Summary {
    /// One line for the end of a run:
    /// `network: 42 allowed, 2 denied: evil.example:443 (not in the allowlist: --allow-domain
    /// evil.example)`.
    pub fn line(&self) -> String {
        let mut line = format!("network: {} allowed, {} denied", self.allowed, self.denied);
        if self.failed > 0 {
            line += &format!(", {} failed", self.failed);
        }
        if self.malformed > 0 {
            line += &format!(", {} malformed", self.malformed);
        }
        let refused: Vec<String> = self
            .destinations
            .iter()
            .filter(|(_, t)| t.denied > 0)
            .map(|(target, t)| {
                let times = if t.denied > 1 {
                    format!(" ×{}", t.denied)
                } else {
                    String::new()
                };
                let reason = t.reason.as_deref().unwrap_or("refused");
                match &t.fix {
                    Some(fix) => format!("{target}{times} ({reason}: {fix})"),
                    None => format!("{target}{times} ({reason})"),
                }
            })
            .collect();
        if !refused.is_empty() {
            line += ": ";
            line += &refused
                .iter()
                .take(LISTED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if refused.len() > LISTED {
                line += &format!(" and {} more", refused.len() - LISTED);
            }
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(denied: u64, reason: &str, fix: Option<&str>) -> Tally {
        Tally {
            denied,
            reason: Some(reason.into()),
            fix: fix.map(str::to_string),
            ..Tally::default()
        }
    }

    #[test]
    fn the_line_names_each_refused_destination_with_its_reason_and_fix() {
        let mut s = Summary {
            allowed: 42,
            denied: 3,
            ..Summary::default()
        };
        assert_eq!(s.line(), "network: 42 allowed, 3 denied");
        s.destinations.insert(
            "evil.example:443".into(),
            refused(
                2,
                "not in the allowlist",
                Some("--allow-domain evil.example"),
            ),
        );
        s.destinations.insert(
            "bad.example:80".into(),
            refused(1, "denied by --deny-domain bad.example", None),
        );
        s.destinations.insert(
            "ok.example:443".into(),
            Tally {
                allowed: 42,
                ..Tally::default()
            },
        );
        assert_eq!(
            s.line(),
            "network: 42 allowed, 3 denied: bad.example:80 (denied by --deny-domain bad.example), \
             evil.example:443 ×2 (not in the allowlist: --allow-domain evil.example)"
        );
        s.failed = 1;
        for i in 0..5 {
            s.destinations
                .insert(format!("h{i}.example:1"), refused(1, "r", None));
        }
        let line = s.line();
        assert!(
            line.starts_with("network: 42 allowed, 3 denied, 1 failed: "),
            "{line}"
        );
        assert!(line.ends_with(" and 2 more"), "{line}");
    }
}
