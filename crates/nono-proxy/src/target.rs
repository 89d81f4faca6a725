//! Where a request wants to go: the authority of a `CONNECT` or the host of an absolute-form
//! URL. Only the host text is taken apart here; [`nono::egress::normalize_host`] decides what
//! it means.

use crate::refusal::Refusal;

/// A plain HTTP request's destination and what to ask it for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Url {
    /// The host as written (normalised later).
    pub host: String,
    pub port: u16,
    /// The origin-form target sent to the destination: `/path?query`.
    pub path: String,
}

/// Splits a `CONNECT` target, `host:port` or `[v6]:port`, where the port is required.
pub(crate) fn authority(text: &str) -> Result<(String, u16), Refusal> {
    split_authority(text, None)
}

/// Parses an absolute-form target, `http://host[:port]/path`. Other schemes are refused:
/// `https` goes through `CONNECT`, and origin-form (`/path`) is a request for the proxy itself.
pub(crate) fn absolute(target: &str) -> Result<Url, Refusal> {
    let Some((scheme, rest)) = target.split_once("://") else {
        return Err(Refusal::new(
            400,
            format!(
                "'{target}' is not an absolute URL: a proxy request needs http://HOST/PATH, or CONNECT HOST:PORT"
            ),
        ));
    };
    if scheme.eq_ignore_ascii_case("https") {
        return Err(Refusal::new(
            400,
            "https URLs must go through CONNECT (set HTTPS_PROXY)",
        ));
    }
    if !scheme.eq_ignore_ascii_case("http") {
        return Err(Refusal::new(
            400,
            format!("scheme '{scheme}' is not proxied: only http, and CONNECT"),
        ));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let path = path.split('#').next().unwrap_or("");
    let path = match path.chars().next() {
        None => "/".to_string(),
        Some('?') => format!("/{path}"),
        Some(_) => path.to_string(),
    };
    let (host, port) = split_authority(authority, Some(80))?;
    Ok(Url { host, port, path })
}

fn split_authority(text: &str, default_port: Option<u16>) -> Result<(String, u16), Refusal> {
    let bad = |why: &str| Refusal::new(400, format!("bad target '{text}': {why}"));
    if text.contains('@') {
        return Err(bad("userinfo ('@') is refused in a proxy target"));
    }
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let close = rest.find(']').ok_or_else(|| bad("'[' without ']'"))?;
        let (host, after) = text.split_at(close + 2);
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(bad("unexpected text after ']'")),
            },
        }
    } else {
        match text.split_once(':') {
            Some((_, port)) if port.contains(':') => {
                return Err(bad("an IPv6 address needs brackets"))
            }
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    let port = match (port, default_port) {
        (Some(port), _) => port
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0 && port.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| bad("the port must be 1 to 65535"))?,
        (None, Some(default)) => default,
        (None, None) => return Err(bad("CONNECT needs HOST:PORT")),
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_split_into_host_and_port() {
        let ok: &[(&str, (&str, u16))] = &[
            ("example.org:443", ("example.org", 443)),
            ("[::1]:8443", ("[::1]", 8443)),
            ("127.1:80", ("127.1", 80)),
            ("ex%61mple.org:443", ("ex%61mple.org", 443)),
        ];
        for (text, (host, port)) in ok {
            assert_eq!(authority(text), Ok((host.to_string(), *port)), "{text}");
        }
        let bad: &[(&str, &str)] = &[
            ("example.org", "CONNECT needs HOST:PORT"),
            ("example.org:0", "the port must be"),
            ("example.org:+443", "the port must be"),
            ("example.org:65536", "the port must be"),
            ("example.org:", "the port must be"),
            (":443", "no host"),
            ("user@example.org:443", "userinfo"),
            ("::1:443", "brackets"),
            ("[::1:443", "without ']'"),
            ("[::1]x:443", "after ']'"),
        ];
        for (text, want) in bad {
            let refusal = authority(text).unwrap_err();
            assert_eq!(refusal.status, 400);
            assert!(refusal.text.contains(want), "{text}: {}", refusal.text);
        }
    }

    #[test]
    fn absolute_urls_give_host_port_and_origin_form() {
        let ok: &[(&str, (&str, u16, &str))] = &[
            ("http://example.org/a?b", ("example.org", 80, "/a?b")),
            ("HTTP://example.org", ("example.org", 80, "/")),
            ("http://example.org:8080?q", ("example.org", 8080, "/?q")),
            ("http://[::1]:81/x#frag", ("[::1]", 81, "/x")),
        ];
        for (text, (host, port, path)) in ok {
            let want = Url {
                host: host.to_string(),
                port: *port,
                path: path.to_string(),
            };
            assert_eq!(absolute(text), Ok(want), "{text}");
        }
        let bad: &[(&str, &str)] = &[
            ("/path", "not an absolute URL"),
            ("*", "not an absolute URL"),
            ("https://example.org/", "CONNECT"),
            ("ftp://example.org/", "scheme 'ftp'"),
            ("http://allowed.example@evil.example/", "userinfo"),
            ("http:///path", "no host"),
        ];
        for (text, want) in bad {
            let refusal = absolute(text).unwrap_err();
            assert!(refusal.text.contains(want), "{text}: {}", refusal.text);
        }
    }
}
