//! Table-driven tests of normalisation, rule forms, decisions and the address table. Every
//! refusal has its allowed twin in the same table.

use super::*;
use std::net::IpAddr;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn name(text: &str) -> Result<Host, String> {
    Ok(Host::Name(text.into()))
}

fn addr(text: &str) -> Result<Host, String> {
    Ok(Host::Ip(ip(text)))
}

fn assert_normalises(cases: &[(&str, Result<Host, String>)]) {
    for (raw, want) in cases {
        assert_eq!(&normalize_host(raw), want, "{raw:?}");
    }
}

#[test]
fn names_normalise_to_one_spelling() {
    let cases: &[(&str, Result<Host, String>)] = &[
        ("example.org", name("example.org")),
        ("EXAMPLE.Org", name("example.org")),
        ("example.org.", name("example.org")),
        ("ex%61mple.org", name("example.org")),
        ("%45XAMPLE.org", name("example.org")),
        ("bücher.example", name("xn--bcher-kva.example")),
        ("BÜCHER.example", name("xn--bcher-kva.example")),
        ("b%C3%BCcher.example", name("xn--bcher-kva.example")),
        ("xn--bcher-kva.example", name("xn--bcher-kva.example")),
        // Full-width letters and the ideographic full stop map to ASCII (UTS-46).
        ("ｅｘａｍｐｌｅ。org", name("example.org")),
        ("_dmarc.example.org", name("_dmarc.example.org")),
        ("a-b.example", name("a-b.example")),
    ];
    assert_normalises(cases);
}

#[test]
fn ipv4_literals_in_every_inet_aton_spelling_are_addresses() {
    let cases: &[(&str, &str)] = &[
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7F.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0177.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("127.000.000.001", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("169.254.43518", "169.254.169.254"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("%31%32%37.0.0.1", "127.0.0.1"),
        ("１２７.０.０.１", "127.0.0.1"),
        ("10.0.0.1", "10.0.0.1"),
        ("255.255.255.255", "255.255.255.255"),
        ("4294967295", "255.255.255.255"),
    ];
    for (raw, want) in cases {
        assert_eq!(normalize_host(raw), addr(want), "{raw:?}");
    }
}

#[test]
fn ipv6_literals_normalise_and_mapped_ones_become_ipv4() {
    let cases: &[(&str, Result<Host, String>)] = &[
        ("[::1]", addr("::1")),
        ("::1", addr("::1")),
        ("[0:0:0:0:0:0:0:1]", addr("::1")),
        ("[::ffff:127.0.0.1]", addr("127.0.0.1")),
        ("[::ffff:7f00:1]", addr("127.0.0.1")),
        ("[::FFFF:a9fe:a9fe]", addr("169.254.169.254")),
        ("[::127.0.0.1]", addr("::7f00:1")),
        ("[2001:DB8::1]", addr("2001:db8::1")),
        ("[fd00:ec2::254]", addr("fd00:ec2::254")),
    ];
    assert_normalises(cases);
}

#[test]
fn hostile_and_malformed_hosts_are_refused_with_the_reason() {
    let cases: &[(&str, &str)] = &[
        ("", "empty host"),
        (".", "empty host"),
        ("example..org", "empty label"),
        ("example.org..", "empty label"),
        ("example.org\0.evil.test", "NUL"),
        ("example.org%00.evil.test", "NUL"),
        ("allowed.example@evil.test", "'@'"),
        ("allowed.example%40evil.test", "'@'"),
        ("example .org", "whitespace"),
        ("example.org%20", "whitespace"),
        ("example.org\t", "whitespace"),
        ("exa\u{7f}mple.org", "control"),
        ("example.org%0d%0aX:y", "whitespace"),
        ("exa%mple.org", "two hex digits"),
        ("exa%2", "two hex digits"),
        ("exa%252e.org", "'%'"),
        ("example.org/path", "'/'"),
        ("example.org\\x", "'\\\\'"),
        ("example.org?", "'?'"),
        ("example.org#", "'#'"),
        ("%ff.example", "not UTF-8"),
        ("exa*mple.org", "'*'"),
        ("example.org%3A443", "':'"),
        ("[::1", "closing"),
        ("[fe80::1%25eth0]", "zone"),
        ("[::1]x", "closing"),
        ("[127.0.0.1]", "IPv6"),
        ("1:2", "':'"),
        ("256.0.0.1", "not an IPv4"),
        ("1.2.3.4.5", "not an IPv4"),
        ("4294967296", "not an IPv4"),
        ("08.0.0.1", "not an IPv4"),
        ("0x1g.1", "not an IPv4"),
        ("99999999999999999999999", "not an IPv4"),
        ("example.123", "not an IPv4"),
        ("+1.2.3.4", "not an IPv4"),
        (&"a".repeat(64), "label longer"),
        (&format!("{}.example", "a.".repeat(130)), "name longer"),
        (&"a".repeat(2000), "host longer"),
    ];
    for (raw, want) in cases {
        match normalize_host(raw) {
            Err(e) => assert!(e.contains(want), "{raw:?}: {e:?} lacks {want:?}"),
            Ok(host) => panic!("{raw:?} was accepted as {host:?}"),
        }
    }
    // Positive control: the same shapes without the hostile part.
    for raw in ["allowed.example", "example.org", "a".repeat(63).as_str()] {
        assert!(normalize_host(raw).is_ok(), "{raw:?}");
    }
}

#[test]
fn rules_parse_to_their_canonical_form() {
    let cases: &[(&str, &str)] = &[
        ("example.org", "example.org"),
        ("Example.ORG.", "example.org"),
        ("example.org:443", "example.org:443"),
        ("*.example.org", "*.example.org"),
        ("*.Example.org:8443", "*.example.org:8443"),
        ("*.bücher.example", "*.xn--bcher-kva.example"),
        ("localhost", "localhost"),
    ];
    for (text, want) in cases {
        let rule = Rule::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(rule.to_string(), *want);
        // The canonical form is a fixed point, and survives JSON.
        assert_eq!(Rule::parse(want).unwrap(), rule);
        let json = serde_json::to_string(&rule).unwrap();
        assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), rule);
    }
}

#[test]
fn bad_rules_are_one_line_errors_naming_the_value() {
    let cases: &[(&str, &str)] = &[
        (
            "example.org:0",
            "'example.org:0': the port must be 1 to 65535",
        ),
        (
            "example.org:65536",
            "'example.org:65536': the port must be 1 to 65535",
        ),
        ("example.org:http", "'example.org:http': the port must be"),
        (
            "*",
            "'*': a wildcard is allowed only as a whole first label",
        ),
        ("*example.org", "'*example.org': a wildcard is allowed only"),
        (
            "a.*.example.org",
            "'a.*.example.org': a wildcard is allowed only",
        ),
        (
            "*.*.example.org",
            "'*.*.example.org': a wildcard is allowed only",
        ),
        ("*.", "'*.': empty host"),
        ("", "'': empty host"),
        ("exa mple.org", "'exa mple.org': contains whitespace"),
        ("bad\nname", "'bad\\nname': contains whitespace"),
        (
            "10.0.0.1",
            "'10.0.0.1' is an address, not a name: use --allow-cidr 10.0.0.1/32",
        ),
        (
            "127.1:80",
            "'127.1:80' is an address, not a name: use --allow-cidr 127.0.0.1/32",
        ),
        (
            "[::1]:443",
            "'[::1]:443' is an address, not a name: use --allow-cidr ::1/128",
        ),
        ("::1", "'::1' is an address"),
    ];
    for (text, want) in cases {
        match Rule::parse(text) {
            Err(e) => {
                assert!(
                    e.starts_with(want),
                    "{text:?}: {e:?} does not start with {want:?}"
                );
                assert!(!e.contains('\n'), "{e:?}");
            }
            Ok(rule) => panic!("{text:?} was accepted as {rule}"),
        }
    }
}

#[test]
fn cidrs_parse_contain_and_refuse_ambiguous_ranges() {
    let good: &[(&str, &str)] = &[
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("127.0.0.1", "127.0.0.1/32"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("fd00::/8", "fd00::/8"),
        ("::1", "::1/128"),
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
    ];
    for (text, want) in good {
        let cidr = Cidr::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(cidr.to_string(), *want);
        let json = serde_json::to_string(&cidr).unwrap();
        assert_eq!(serde_json::from_str::<Cidr>(&json).unwrap(), cidr);
    }
    let bad: &[(&str, &str)] = &[
        (
            "10.0.0.1/8",
            "'10.0.0.1/8' has bits set after the prefix: did you mean 10.0.0.0/8?",
        ),
        (
            "10.0.0.0/33",
            "'10.0.0.0/33': the prefix length must be 0 to 32",
        ),
        (
            "fd00::/129",
            "'fd00::/129': the prefix length must be 0 to 128",
        ),
        (
            "10.0.0.0/",
            "'10.0.0.0/': the prefix length must be 0 to 32",
        ),
        ("example.org/8", "'example.org/8' is not an address range"),
        ("127.1", "'127.1' is not an address range"),
    ];
    for (text, want) in bad {
        let err = Cidr::parse(text).unwrap_err();
        assert!(err.starts_with(want), "{text:?}: {err:?}");
    }
    let net = Cidr::parse("10.0.0.0/8").unwrap();
    assert!(net.contains(ip("10.255.0.1")));
    assert!(net.contains(ip("::ffff:10.1.2.3")));
    assert!(!net.contains(ip("11.0.0.1")));
    assert!(!net.contains(ip("::a00:1")));
    let v6 = Cidr::parse("fd00::/8").unwrap();
    assert!(v6.contains(ip("fd12::1")));
    assert!(!v6.contains(ip("fe00::1")));
    assert!(!v6.contains(ip("10.0.0.1")));
}

fn policy(allow: &[&str], deny: &[&str], cidrs: &[&str]) -> EgressPolicy {
    EgressPolicy::from_flags(allow, deny, cidrs).unwrap()
}

#[test]
fn decisions_name_the_rule_and_the_flag_that_would_change_them() {
    let p = policy(
        &[
            "example.org",
            "*.example.net:443",
            "api.example.com:8443",
            "*.example.com",
        ],
        &[
            "evil.example.org",
            "*.bad.example.net",
            "mail.example.com:25",
        ],
        &["10.0.0.0/8"],
    );
    // (host, port, allowed, reason, fix)
    let cases: &[(&str, u16, bool, &str, Option<&str>)] = &[
        (
            "example.org",
            443,
            true,
            "allowed by --allow-domain example.org",
            None,
        ),
        (
            "EXAMPLE.org.",
            80,
            true,
            "allowed by --allow-domain example.org",
            None,
        ),
        (
            "ex%61mple.org",
            80,
            true,
            "allowed by --allow-domain example.org",
            None,
        ),
        (
            "www.example.org",
            443,
            false,
            "not in the allowlist",
            Some("--allow-domain www.example.org"),
        ),
        (
            "a.example.net",
            443,
            true,
            "allowed by --allow-domain *.example.net:443",
            None,
        ),
        (
            "a.b.example.net",
            443,
            true,
            "allowed by --allow-domain *.example.net:443",
            None,
        ),
        (
            "example.net",
            443,
            false,
            "not in the allowlist",
            Some("--allow-domain example.net"),
        ),
        (
            "notexample.net",
            443,
            false,
            "not in the allowlist",
            Some("--allow-domain notexample.net"),
        ),
        (
            "a.example.net",
            80,
            false,
            "port 80 is not allowed (--allow-domain *.example.net:443)",
            Some("--allow-domain a.example.net:80"),
        ),
        (
            "x.bad.example.net",
            443,
            false,
            "denied by --deny-domain *.bad.example.net",
            None,
        ),
        (
            "bad.example.net",
            443,
            true,
            "allowed by --allow-domain *.example.net:443",
            None,
        ),
        (
            "evil.example.org",
            443,
            false,
            "denied by --deny-domain evil.example.org",
            None,
        ),
        (
            "good.example.org",
            443,
            false,
            "not in the allowlist",
            Some("--allow-domain good.example.org"),
        ),
        (
            "api.example.com",
            8443,
            true,
            "allowed by --allow-domain api.example.com:8443",
            None,
        ),
        (
            "api.example.com",
            443,
            true,
            "allowed by --allow-domain *.example.com",
            None,
        ),
        (
            "mail.example.com",
            25,
            false,
            "denied by --deny-domain mail.example.com:25",
            None,
        ),
        (
            "mail.example.com",
            587,
            true,
            "allowed by --allow-domain *.example.com",
            None,
        ),
        (
            "10.1.2.3",
            22,
            true,
            "allowed by --allow-cidr 10.0.0.0/8",
            None,
        ),
        (
            "0xa.1",
            22,
            true,
            "allowed by --allow-cidr 10.0.0.0/8",
            None,
        ),
        (
            "[::ffff:10.0.0.1]",
            22,
            true,
            "allowed by --allow-cidr 10.0.0.0/8",
            None,
        ),
        (
            "127.1",
            80,
            false,
            "an address in no --allow-cidr range",
            Some("--allow-cidr 127.0.0.1/32"),
        ),
        (
            "2130706433",
            80,
            false,
            "an address in no --allow-cidr range",
            Some("--allow-cidr 127.0.0.1/32"),
        ),
        (
            "[::1]",
            80,
            false,
            "an address in no --allow-cidr range",
            Some("--allow-cidr ::1/128"),
        ),
        (
            "93.184.215.14",
            443,
            false,
            "an address in no --allow-cidr range",
            Some("--allow-cidr 93.184.215.14/32"),
        ),
        (
            "example.org@evil.test",
            443,
            false,
            "invalid host 'example.org@evil.test': contains '@' (userinfo is not part of a host)",
            None,
        ),
        (
            "example.org\0",
            443,
            false,
            "invalid host 'example.org\\u{0}': contains a NUL character",
            None,
        ),
    ];
    for (host, port, allowed, reason, fix) in cases {
        let d = p.decide(host, *port);
        assert_eq!(
            (d.allowed, d.reason.as_str(), d.fix.as_deref()),
            (*allowed, *reason, *fix),
            "{host:?}:{port}"
        );
    }
}

#[test]
fn a_deny_rule_wins_over_an_exact_allow() {
    let both = policy(&["evil.example.org"], &["evil.example.org"], &[]);
    let d = both.decide("evil.example.org", 443);
    assert!(!d.allowed);
    assert_eq!(d.reason, "denied by --deny-domain evil.example.org");
    // Positive control: without the deny rule, the allow rule decides.
    assert!(
        policy(&["evil.example.org"], &[], &[])
            .decide("evil.example.org", 443)
            .allowed
    );
}

#[test]
fn policy_flags_report_the_flag_and_value_and_survive_json() {
    let err =
        EgressPolicy::from_flags(&["ok.example"], &["bad..example"], &[] as &[&str]).unwrap_err();
    assert_eq!(err, "--deny-domain 'bad..example': empty label");
    let err =
        EgressPolicy::from_flags(&[] as &[&str], &[] as &[&str], &["10.0.0.1/8"]).unwrap_err();
    assert!(
        err.starts_with("--allow-cidr '10.0.0.1/8' has bits set"),
        "{err}"
    );
    let p = policy(&["*.example.org:443"], &["x.example.org"], &["fd00::/8"]);
    assert!(p.is_filtering());
    assert!(!EgressPolicy::default().is_filtering());
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(
        json,
        r#"{"allow":["*.example.org:443"],"deny":["x.example.org"],"cidrs":["fd00::/8"]}"#
    );
    assert_eq!(serde_json::from_str::<EgressPolicy>(&json).unwrap(), p);
    // A hand-edited plan with a bad rule is refused, not half-read.
    assert!(serde_json::from_str::<EgressPolicy>(r#"{"allow":["a b"]}"#).is_err());
}

#[test]
fn internal_addresses_are_refused_unless_a_cidr_names_them() {
    let refused: &[(&str, &str)] = &[
        ("127.0.0.1", "a loopback address"),
        ("127.255.255.254", "a loopback address"),
        ("::1", "a loopback address"),
        ("0.0.0.0", "an unspecified ('this network') address"),
        ("::", "an unspecified address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("172.31.255.255", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd12:3456::1", "a private (unique local) address"),
        ("fc00::1", "a private (unique local) address"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("255.255.255.255", "the broadcast address"),
        ("240.0.0.1", "a reserved address"),
        ("192.0.2.1", "a documentation address"),
        ("198.51.100.7", "a documentation address"),
        ("203.0.113.9", "a documentation address"),
        ("2001:db8::1", "a documentation address"),
        ("3fff:0fff::1", "a documentation address"),
        ("198.18.0.1", "a benchmarking address"),
        ("192.0.0.8", "an IETF protocol assignment address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("::ffff:169.254.169.254", "a cloud metadata address"),
        ("::ffff:10.0.0.1", "a private address"),
        (
            "::127.0.0.1",
            "an IPv4-compatible IPv6 address (deprecated)",
        ),
        ("64:ff9b::7f00:1", "a loopback address"),
        ("64:ff9b::a9fe:a9fe", "a cloud metadata address"),
        ("64:ff9b:1::1", "a local-use NAT64 address"),
        ("2002:7f00:1::1", "a loopback address"),
        ("2002:c0a8:101::1", "a private address"),
        ("100::1", "a discard-only address"),
        ("fec0::1", "a site-local address (deprecated)"),
    ];
    let open = EgressPolicy::default();
    for (text, what) in refused {
        let shown = super::host::canonical_ip(ip(text));
        assert_eq!(
            open.address_allowed(ip(text)),
            Err(format!("{shown} is {what}")),
            "{text}"
        );
        // The override: a range that names the address lets it through.
        let named = policy(&[], &[], &[&Cidr::single(ip(text)).to_string()]);
        assert_eq!(
            named.address_allowed(ip(text)),
            Ok(()),
            "{text} with --allow-cidr"
        );
    }
    // Positive control: ordinary public addresses pass, also in carrying IPv6 forms.
    for text in [
        "93.184.215.14",
        "8.8.8.8",
        "172.32.0.1",
        "100.128.0.1",
        "169.255.0.1",
        "2606:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
        "3fff:1000::1",
    ] {
        assert_eq!(open.address_allowed(ip(text)), Ok(()), "{text}");
    }
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }
}

#[test]
fn random_hostile_hosts_normalise_to_a_fixed_point_or_fail_cleanly() {
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "0",
        "1",
        "9",
        "0x",
        "0X7f",
        "08",
        "255",
        "256",
        "4294967296",
        ".",
        "..",
        "-",
        "_",
        "*",
        "*.",
        ":",
        "::",
        "[",
        "]",
        "%",
        "%2e",
        "%41",
        "%00",
        "%zz",
        "@",
        " ",
        "\t",
        "\0",
        "\u{7f}",
        "\u{85}",
        "ü",
        "ß",
        "。",
        "．",
        "ｅ",
        "１",
        "\u{200d}",
        "\u{fe0f}",
        "xn--",
        "xn--a",
        "example",
        "org",
        "ffff",
        "::ffff:",
        "127.0.0.1",
        "fe80::1%25",
        "\u{202e}",
        "İ",
        "ﬀ",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let policy =
        EgressPolicy::from_flags(&["*.example.org"], &["a.example.org"], &["10.0.0.0/8"]).unwrap();
    for _ in 0..20_000 {
        let raw: String = (0..=rng.below(6))
            .map(|_| PIECES[rng.below(PIECES.len())])
            .collect();
        // Never a panic, whatever the input.
        let decision = policy.decide(&raw, 443);
        assert!(
            decision.allowed
                || decision
                    .reason
                    .chars()
                    .all(|c| c.is_ascii_graphic() || c == ' '),
            "{raw:?}: {:?}",
            decision.reason
        );
        let _ = Rule::parse(&raw).map(|r| assert_eq!(Rule::parse(&r.to_string()), Ok(r)));
        let _ = Cidr::parse(&raw);
        let Ok(host) = normalize_host(&raw) else {
            continue;
        };
        // The canonical form is a fixed point: normalising it again changes nothing, so a
        // rule and a request cannot meet in two different spellings.
        let shown = match &host {
            Host::Ip(IpAddr::V6(v6)) => format!("[{v6}]"),
            other => other.to_string(),
        };
        assert_eq!(
            normalize_host(&shown).as_ref(),
            Ok(&host),
            "{raw:?} -> {shown:?}"
        );
        if let Host::Name(name) = &host {
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b)),
                "{raw:?} -> {name:?}"
            );
        }
    }
}
