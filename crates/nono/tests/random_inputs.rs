//! A small property test over hostile input: random grants, paths and kernel facts must give
//! either a plan or a clean error — never a panic — and every plan must explain any path and
//! survive the JSON round trip of the capability file unchanged.

use nono::machine::Namespaces;
use nono::{explain, Grant, GrantFlag, Machine, Op, Plan, Policy};
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

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
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn random_path(rng: &mut Rng) -> PathBuf {
    const PIECES: &[&[u8]] = &[
        b"/",
        b".",
        b"..",
        b"~",
        b"~/",
        b"/etc",
        b"/usr/bin/true",
        b"/tmp",
        b"/proc/self",
        b"/dev/null",
        b"x",
        b"a b",
        b"new\nline",
        b"\xff\xfe",
        b"//",
        b"/../..",
        b".ssh",
        b"~/.ssh",
        b"~/.bashrc",
        b"/etc/shadow",
        b"-",
        b"--allow",
        b"\0",
        b"\x1b[31m",
        b"'\"",
    ];
    let mut bytes = Vec::new();
    for _ in 0..=rng.below(4) {
        let piece: &[u8] = rng.pick::<&[u8]>(PIECES);
        bytes.extend_from_slice(piece);
        if rng.below(2) == 0 {
            bytes.push(b'/');
        }
    }
    PathBuf::from(OsString::from_vec(bytes))
}

#[test]
fn random_policies_plan_or_fail_cleanly_and_plans_round_trip() {
    let Ok(mut real) = Machine::detect() else {
        return; // no HOME and no passwd entry: nothing to plan against
    };
    // Other processes' sockets come and go; plan against a fixed set.
    real.unix_sockets.clear();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut planned = 0;
    for _ in 0..400 {
        let mut machine = real.clone();
        machine.landlock_abi = rng.below(usize::from(real.landlock_abi) + 1) as u8;
        if rng.below(2) == 0 {
            machine.namespaces = Namespaces::Unavailable("not in this test".into());
        }
        let grants = (0..rng.below(4))
            .map(|_| Grant::new(*rng.pick(&GrantFlag::ALL), random_path(&mut rng)))
            .collect();
        let unprotect = (0..rng.below(2)).map(|_| random_path(&mut rng)).collect();
        let policy = Policy {
            grants,
            unprotect,
            net_block: rng.below(2) == 0,
            allow_degraded: rng.below(2) == 0,
            ..Policy::default()
        };
        let plan = match nono::resolve(&policy, &machine) {
            Ok(plan) => plan,
            Err(e) => {
                assert!(!e.message.is_empty() && !e.message.contains('\n'), "{e:?}");
                assert_eq!(e.exit_code(), 125);
                continue;
            }
        };
        planned += 1;
        let json = serde_json::to_string(&plan).unwrap();
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        for _ in 0..5 {
            let path = random_path(&mut rng);
            let op = *rng.pick(&Op::ALL);
            let a = explain(&plan, &path, op, &machine.cwd);
            let b = explain(&back, &path, op, &machine.cwd);
            assert_eq!(a.allowed, b.allowed);
            assert_eq!(a.reason, b.reason);
        }
    }
    assert!(
        planned > 20,
        "too few valid plans ({planned}) to say anything"
    );
}
