//! A small deterministic fuzz test of the profile parser: random mutations of valid profiles
//! must parse or fail with a positioned error — never panic, never point outside the text.

use super::builtin::BUILT_IN;
use super::parse::parse;
use super::resolved::Location;

/// xorshift64*: deterministic, so a failure reproduces from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SAMPLE: &str = r#"
extends = "rust"
description = "everything at once"
[filesystem]
allow = [".", { path = "~/.x", optional = true }]
read = ["/usr"]
write_file = [{ path = "/dev/null" }]
unix_sockets = ["/run/x.sock"]
unprotect = ["~/.aws"]
[network]
block = true
[env]
allow = ["GITHUB_TOKEN"]
set = { A = "1", "B C" = "\u00e9" }
"#;

/// Fragments that matter to TOML and to the schema.
const PIECES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "=",
    ",",
    "\n",
    "#",
    ".",
    "\\",
    "\\u0000",
    "true",
    "1",
    "[filesystem]",
    "[[filesystem.allow]]",
    "[env.set]",
    "optional",
    "path",
    "allow_degraded",
    "extends",
    "é",
    "\u{0}",
    "\u{1b}[31m",
    "\"\"\"",
    "inf",
    "1979-05-27",
    "-",
    "~",
    "/",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(4) {
            0 if !chars.is_empty() => {
                let end = (at + rng.below(8)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => {
                let piece = PIECES[rng.below(PIECES.len())];
                chars.splice(at..at, piece.chars());
            }
            2 if !chars.is_empty() => {
                let from = rng.below(chars.len());
                let end = (from + rng.below(20)).min(chars.len());
                let copy: Vec<char> = chars[from..end].to_vec();
                chars.splice(at..at, copy);
            }
            _ => {
                if let Some(c) = chars.get_mut(at) {
                    *c = char::from(b' ' + rng.below(95) as u8);
                }
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn mutated_profiles_parse_or_fail_with_a_position() {
    let mut rng = Rng(0x6e6f_6e6f_7072_6f66);
    let seeds: Vec<&str> = BUILT_IN.iter().map(|b| b.text).chain([SAMPLE]).collect();
    let (mut ok, mut failed) = (0, 0);
    for round in 0..4000 {
        let text = mutate(&mut rng, seeds[round % seeds.len()]);
        match parse(&text, "fuzz", "fuzz.toml", Location::BuiltIn("fuzz")) {
            Ok(_) => ok += 1,
            Err(e) => {
                failed += 1;
                let rest = e.message.strip_prefix("fuzz.toml:").unwrap_or_else(|| {
                    panic!("round {round}: unpositioned error {:?}\n{text}", e.message)
                });
                let mut parts = rest.splitn(3, ':');
                let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
                let column: usize = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
                let lines = text.split('\n').count();
                assert!(
                    (1..=lines).contains(&line) && column >= 1,
                    "round {round}: position {line}:{column} outside the text: {:?}\n{text}",
                    e.message
                );
                assert!(
                    !e.message.contains('\n') && !e.message.contains('\u{1b}'),
                    "round {round}: not one safe line: {:?}",
                    e.message
                );
            }
        }
    }
    // Both outcomes must occur, or the mutations are not exercising the parser.
    assert!(ok > 100 && failed > 100, "ok {ok}, failed {failed}");
}
