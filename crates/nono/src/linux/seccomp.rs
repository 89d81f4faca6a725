//! seccomp, the last layer: a classic-BPF filter over system calls that Landlock cannot see.
//!
//! - every call from a foreign architecture (the 32-bit `int 0x80` entry) and every x32 call
//!   fails with ENOSYS, so no syscall table but the native one is reachable;
//! - kernel attack surface nothing in a sandbox needs (keyrings, bpf, perf, userfaultfd,
//!   io_uring, ptrace, mount and namespace calls after setup, module and kexec loading) fails
//!   with EPERM or ENOSYS — errors, not kills, so programs degrade gracefully;
//! - terminal injection (TIOCSTI, TIOCLINUX) fails with EPERM, comparing only the low 32 bits
//!   of the request as the kernel itself does, so high bits cannot smuggle it past;
//! - with `--net-block`, socket families are limited (see [`SocketPolicy`]).
//!
//! The filter is written by hand rather than with a filter compiler so that a foreign
//! architecture gets an error instead of a kill, and x32 aliases cannot slip past rules that
//! match exact syscall numbers.

use crate::error::{Error, Result};
use crate::plan::SocketPolicy;

/// One denied system call: its name (for `--dry-run`), number, and the errno it returns.
#[derive(Clone, Copy, Debug)]
pub struct Denied {
    /// The syscall's name.
    pub name: &'static str,
    nr: libc::c_long,
    errno: i32,
}

const fn deny(name: &'static str, nr: libc::c_long) -> Denied {
    Denied {
        name,
        nr,
        errno: libc::EPERM,
    }
}

const fn nosys(name: &'static str, nr: libc::c_long) -> Denied {
    Denied {
        name,
        nr,
        errno: libc::ENOSYS,
    }
}

/// The system calls every sandbox denies outright.
pub const DENIED: &[Denied] = &[
    deny("keyctl", libc::SYS_keyctl),
    deny("add_key", libc::SYS_add_key),
    deny("request_key", libc::SYS_request_key),
    deny("bpf", libc::SYS_bpf),
    deny("perf_event_open", libc::SYS_perf_event_open),
    deny("userfaultfd", libc::SYS_userfaultfd),
    nosys("io_uring_setup", libc::SYS_io_uring_setup),
    nosys("io_uring_enter", libc::SYS_io_uring_enter),
    nosys("io_uring_register", libc::SYS_io_uring_register),
    deny("ptrace", libc::SYS_ptrace),
    deny("process_vm_readv", libc::SYS_process_vm_readv),
    deny("process_vm_writev", libc::SYS_process_vm_writev),
    deny("kcmp", libc::SYS_kcmp),
    deny("mount", libc::SYS_mount),
    deny("umount2", libc::SYS_umount2),
    deny("pivot_root", libc::SYS_pivot_root),
    deny("chroot", libc::SYS_chroot),
    deny("move_mount", libc::SYS_move_mount),
    deny("open_tree", libc::SYS_open_tree),
    deny("fsopen", libc::SYS_fsopen),
    deny("fsconfig", libc::SYS_fsconfig),
    deny("fsmount", libc::SYS_fsmount),
    deny("fspick", libc::SYS_fspick),
    deny("mount_setattr", libc::SYS_mount_setattr),
    deny("unshare", libc::SYS_unshare),
    deny("setns", libc::SYS_setns),
    nosys("clone3", libc::SYS_clone3),
    deny("kexec_load", libc::SYS_kexec_load),
    deny("kexec_file_load", libc::SYS_kexec_file_load),
    deny("init_module", libc::SYS_init_module),
    deny("finit_module", libc::SYS_finit_module),
    deny("delete_module", libc::SYS_delete_module),
    deny("swapon", libc::SYS_swapon),
    deny("swapoff", libc::SYS_swapoff),
    deny("reboot", libc::SYS_reboot),
    deny("acct", libc::SYS_acct),
    deny("quotactl", libc::SYS_quotactl),
    deny("syslog", libc::SYS_syslog),
    deny("open_by_handle_at", libc::SYS_open_by_handle_at),
    deny("name_to_handle_at", libc::SYS_name_to_handle_at),
    #[cfg(target_arch = "x86_64")]
    deny("iopl", libc::SYS_iopl),
    #[cfg(target_arch = "x86_64")]
    deny("ioperm", libc::SYS_ioperm),
    #[cfg(target_arch = "x86_64")]
    deny("uselib", libc::SYS_uselib),
];

/// ioctl requests that inject input into a terminal.
pub const DENIED_IOCTLS: &[(&str, u32)] = &[("TIOCSTI", 0x5412), ("TIOCLINUX", 0x541C)];

/// Namespace flags `clone` may not use once the sandbox is applied.
const NAMESPACE_FLAGS: u32 = (libc::CLONE_NEWUSER
    | libc::CLONE_NEWNS
    | libc::CLONE_NEWNET
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUTS
    | libc::CLONE_NEWCGROUP) as u32;

/// personality(2) argument that only queries the current persona.
const PERSONALITY_QUERY: u32 = 0xffff_ffff;

#[cfg(target_arch = "x86_64")]
const NATIVE_ARCH: u32 = 0xc000_003e; // AUDIT_ARCH_X86_64
#[cfg(target_arch = "aarch64")]
const NATIVE_ARCH: u32 = 0xc000_00b7; // AUDIT_ARCH_AARCH64
#[cfg(target_arch = "x86_64")]
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

// struct seccomp_data: nr (u32), arch (u32), instruction_pointer (u64), args[6] (u64 each).
pub(super) const OFFSET_NR: u32 = 0;
const OFFSET_ARCH: u32 = 4;
/// Offset of the low 32 bits of argument `i` (little-endian).
pub(super) const fn arg_low(i: u32) -> u32 {
    16 + 8 * i
}

pub(super) const RET_ALLOW: u32 = 0x7fff_0000; // SECCOMP_RET_ALLOW
const fn ret_errno(errno: i32) -> u32 {
    0x0005_0000 | (errno as u32 & 0xffff) // SECCOMP_RET_ERRNO
}

// Classic BPF opcodes.
const LD_W_ABS: u16 = 0x20;
const JEQ_K: u16 = 0x15;
const JGE_K: u16 = 0x35;
pub(super) const JSET_K: u16 = 0x45;
const RET_K: u16 = 0x06;

/// A BPF program under construction.
#[derive(Default)]
pub(super) struct Program(pub(super) Vec<libc::sock_filter>);

impl Program {
    pub(super) fn op(&mut self, code: u16, k: u32, jt: u8, jf: u8) {
        self.0.push(libc::sock_filter { code, jt, jf, k });
    }
    pub(super) fn load(&mut self, offset: u32) {
        self.op(LD_W_ABS, offset, 0, 0);
    }
    pub(super) fn ret(&mut self, value: u32) {
        self.op(RET_K, value, 0, 0);
    }
    /// If the accumulator equals `k`, return `value`; otherwise fall through.
    fn if_eq_ret(&mut self, k: u32, value: u32) {
        self.op(JEQ_K, k, 0, 1);
        self.ret(value);
    }
    pub(super) fn block(build: impl FnOnce(&mut Program)) -> Vec<libc::sock_filter> {
        let mut p = Program::default();
        build(&mut p);
        p.0
    }
}

/// What the filter does with one syscall number: a code block that ends in a return.
pub(super) type Case = (u32, Vec<libc::sock_filter>);

/// A binary search over the sorted syscall numbers: every call is decided in a handful of
/// comparisons rather than one per rule, which also makes the kernel's install-time checks
/// (verification and the per-syscall action cache) cheaper. Numbers without a case are
/// allowed. Fails if a jump would not fit classic BPF's 8-bit offsets.
pub(super) fn search(cases: &[Case]) -> Option<Vec<libc::sock_filter>> {
    let mut out = Program::default();
    if cases.len() <= 3 {
        for (nr, body) in cases {
            out.op(JEQ_K, *nr, 0, u8::try_from(body.len()).ok()?);
            out.0.extend_from_slice(body);
        }
        out.ret(RET_ALLOW);
        return Some(out.0);
    }
    let mid = cases.len() / 2;
    let (below, above) = (search(&cases[..mid])?, search(&cases[mid..])?);
    out.op(JGE_K, cases[mid].0, u8::try_from(below.len()).ok()?, 0);
    out.0.extend(below);
    out.0.extend(above);
    Some(out.0)
}

/// What varies between plans in the filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Filter {
    /// Which socket families may be created.
    pub sockets: SocketPolicy,
    /// Deny truncate(2): below Landlock ABI 3 it is the one way to truncate a file the
    /// program could not open for writing. (ftruncate needs a descriptor opened for writing,
    /// and open with O_TRUNC needs write access, both of which Landlock checks.)
    pub deny_truncate: bool,
}

impl Filter {
    /// The filter a plan needs.
    pub fn for_plan(plan: &crate::plan::Plan) -> Filter {
        Filter {
            sockets: plan.network.sockets,
            deny_truncate: plan.layers.landlock_abi < 3,
        }
    }
}

/// Builds the filter.
fn build(filter: Filter) -> Vec<libc::sock_filter> {
    let mut cases: Vec<Case> = DENIED
        .iter()
        .map(|d| (d.nr as u32, Program::block(|b| b.ret(ret_errno(d.errno)))))
        .collect();
    if filter.deny_truncate {
        let body = Program::block(|b| b.ret(ret_errno(libc::EPERM)));
        cases.push((libc::SYS_truncate as u32, body));
    }
    cases.push((
        libc::SYS_ioctl as u32,
        Program::block(|b| {
            b.load(arg_low(1));
            for (_, request) in DENIED_IOCTLS {
                b.if_eq_ret(*request, ret_errno(libc::EPERM));
            }
            b.ret(RET_ALLOW);
        }),
    ));
    cases.push((
        libc::SYS_clone as u32,
        Program::block(|b| {
            b.load(arg_low(0));
            b.op(JSET_K, NAMESPACE_FLAGS, 0, 1);
            b.ret(ret_errno(libc::EPERM));
            b.ret(RET_ALLOW);
        }),
    ));
    cases.push((
        libc::SYS_personality as u32,
        Program::block(|b| {
            b.load(arg_low(0));
            b.if_eq_ret(PERSONALITY_QUERY, RET_ALLOW);
            b.ret(ret_errno(libc::EPERM));
        }),
    ));
    if filter.sockets != SocketPolicy::Any {
        cases.push((libc::SYS_socket as u32, socket_block(filter.sockets)));
    }
    cases.sort_by_key(|c| c.0);

    let mut p = Program::default();
    p.load(OFFSET_ARCH);
    p.op(JEQ_K, NATIVE_ARCH, 1, 0);
    p.ret(ret_errno(libc::ENOSYS));
    p.load(OFFSET_NR);
    #[cfg(target_arch = "x86_64")]
    {
        p.op(JGE_K, X32_SYSCALL_BIT, 0, 1);
        p.ret(ret_errno(libc::ENOSYS));
    }
    match search(&cases) {
        Some(tree) => p.0.extend(tree),
        // Unreachable with this table (the tests check it); deny everything rather than
        // install a filter with a broken jump.
        None => p.ret(ret_errno(libc::EPERM)),
    }
    p.0
}

/// socket(2): only the families the policy allows (routing netlink only among netlink).
fn socket_block(sockets: SocketPolicy) -> Vec<libc::sock_filter> {
    let families: &[i32] = match sockets {
        SocketPolicy::Any => &[],
        SocketPolicy::Local => &[
            libc::AF_UNIX,
            libc::AF_INET,
            libc::AF_INET6,
            libc::AF_NETLINK,
        ],
        SocketPolicy::UnixOnly => &[libc::AF_UNIX],
    };
    Program::block(|b| {
        b.load(arg_low(0));
        for family in families {
            if *family == libc::AF_NETLINK {
                b.op(JEQ_K, *family as u32, 0, 4);
                b.load(arg_low(2));
                b.op(JEQ_K, libc::NETLINK_ROUTE as u32, 0, 1);
                b.ret(RET_ALLOW);
                b.ret(ret_errno(libc::EAFNOSUPPORT));
            } else {
                b.if_eq_ret(*family as u32, RET_ALLOW);
            }
        }
        b.ret(ret_errno(libc::EAFNOSUPPORT));
    })
}

/// Installs the filter on this thread; it is inherited by every child and cannot be removed.
/// `no_new_privs` must already be set.
pub fn install(filter: Filter) -> Result<()> {
    let filter = build(filter);
    let program = libc::sock_fprog {
        len: u16::try_from(filter.len())
            .map_err(|_| Error::refused("the seccomp filter is too long"))?,
        filter: filter.as_ptr().cast_mut(),
    };
    // SAFETY: `program` points at `filter`, which outlives the call; the kernel copies it.
    let ret = unsafe {
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER as libc::c_ulong,
            &program as *const libc::sock_fprog as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    super::sys::check(ret)
        .map_err(|e| Error::refused(format!("cannot install the seccomp filter: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_tree_is_built_for_every_policy() {
        for policy in [
            SocketPolicy::Any,
            SocketPolicy::Local,
            SocketPolicy::UnixOnly,
        ] {
            let prog = build(Filter {
                sockets: policy,
                deny_truncate: true,
            });
            // Not the fallback that denies everything.
            assert!(prog.len() > 20);
            assert_eq!(
                run(&prog, NATIVE_ARCH, libc::SYS_read as u32, [0; 6]),
                RET_ALLOW
            );
        }
    }

    #[test]
    fn every_denied_syscall_is_denied_with_its_errno() {
        let prog = build(sockets_only(SocketPolicy::Any));
        for d in DENIED {
            assert_eq!(
                run(&prog, NATIVE_ARCH, d.nr as u32, [0; 6]),
                ret_errno(d.errno),
                "{}",
                d.name
            );
            assert_eq!(
                run(&prog, NATIVE_ARCH, d.nr as u32 + 1000, [0; 6]),
                RET_ALLOW
            );
        }
        for nr in 0..460 {
            let denied = DENIED.iter().any(|d| d.nr as u32 == nr);
            let special = [libc::SYS_ioctl, libc::SYS_clone, libc::SYS_personality]
                .contains(&(nr as libc::c_long));
            if !denied && !special {
                assert_eq!(
                    run(&prog, NATIVE_ARCH, nr, [0; 6]),
                    RET_ALLOW,
                    "syscall {nr}"
                );
            }
        }
    }

    #[test]
    fn every_jump_stays_inside_the_program() {
        for policy in [
            SocketPolicy::Any,
            SocketPolicy::Local,
            SocketPolicy::UnixOnly,
        ] {
            let prog = build(sockets_only(policy));
            assert!(prog.len() < 4096);
            for (i, insn) in prog.iter().enumerate() {
                if insn.code & 0x07 == 0x05 {
                    let far = i + 1 + usize::from(insn.jt.max(insn.jf));
                    assert!(far < prog.len(), "jump out of bounds at {i}");
                }
            }
            assert_eq!(prog.last().map(|i| i.k), Some(RET_ALLOW));
        }
    }

    /// A classic-BPF interpreter for the few opcodes the filter uses.
    fn run(prog: &[libc::sock_filter], arch: u32, nr: u32, args: [u64; 6]) -> u32 {
        let mut data = Vec::new();
        data.extend_from_slice(&nr.to_le_bytes());
        data.extend_from_slice(&arch.to_le_bytes());
        data.extend_from_slice(&0u64.to_le_bytes());
        for a in args {
            data.extend_from_slice(&a.to_le_bytes());
        }
        let (mut pc, mut acc) = (0usize, 0u32);
        loop {
            let i = prog[pc];
            let jump = |taken: bool| 1 + usize::from(if taken { i.jt } else { i.jf });
            match i.code {
                LD_W_ABS => {
                    let k = i.k as usize;
                    acc = u32::from_le_bytes(data[k..k + 4].try_into().unwrap());
                    pc += 1;
                }
                JEQ_K => pc += jump(acc == i.k),
                JGE_K => pc += jump(acc >= i.k),
                JSET_K => pc += jump(acc & i.k != 0),
                RET_K => return i.k,
                other => panic!("unexpected opcode {other:#x}"),
            }
        }
    }

    /// The name guard's filter (see `notify`): every mediated call goes to the init (open's
    /// only with O_CREAT), a second listener is refused, and every other number is allowed,
    /// whatever its arguments.
    #[test]
    fn the_guard_filter_sends_exactly_the_calls_that_create() {
        let prog = super::super::notify::program();
        for (i, insn) in prog.iter().enumerate() {
            if insn.code & 0x07 == 0x05 {
                let far = i + 1 + usize::from(insn.jt.max(insn.jf));
                assert!(far < prog.len(), "jump out of bounds at {i}");
            }
        }
        let notify = libc::SECCOMP_RET_USER_NOTIF;
        let mediated = super::super::notify::mediated();
        let creat = libc::O_CREAT as u64;
        for (nr, flags) in &mediated {
            let nr = *nr as u32;
            match flags {
                Some(arg) => {
                    let mut args = [!creat; 6];
                    assert_eq!(run(&prog, NATIVE_ARCH, nr, args), RET_ALLOW, "{nr}");
                    args[*arg as usize] = creat;
                    assert_eq!(run(&prog, NATIVE_ARCH, nr, args), notify, "{nr}");
                }
                None => assert_eq!(run(&prog, NATIVE_ARCH, nr, [0; 6]), notify, "{nr}"),
            }
        }
        let seccomp = libc::SYS_seccomp as u32;
        let listener = libc::SECCOMP_FILTER_FLAG_NEW_LISTENER;
        assert_eq!(
            run(&prog, NATIVE_ARCH, seccomp, [1, listener, 0, 0, 0, 0]),
            ret_errno(libc::EPERM)
        );
        assert_eq!(
            run(&prog, NATIVE_ARCH, seccomp, [1, 0, 0, 0, 0, 0]),
            RET_ALLOW
        );
        for nr in 0..1024u32 {
            if nr != seccomp && !mediated.iter().any(|(m, _)| *m as u32 == nr) {
                assert_eq!(
                    run(&prog, NATIVE_ARCH, nr, [u64::MAX; 6]),
                    RET_ALLOW,
                    "{nr}"
                );
            }
        }
    }

    fn sockets_only(sockets: SocketPolicy) -> Filter {
        Filter {
            sockets,
            deny_truncate: false,
        }
    }

    fn verdict(policy: SocketPolicy, nr: libc::c_long, args: [u64; 6]) -> u32 {
        run(&build(sockets_only(policy)), NATIVE_ARCH, nr as u32, args)
    }

    #[test]
    fn truncate_is_denied_only_when_landlock_cannot_check_it() {
        let mut filter = sockets_only(SocketPolicy::Any);
        let truncate = libc::SYS_truncate as u32;
        assert_eq!(
            run(&build(filter), NATIVE_ARCH, truncate, [0; 6]),
            RET_ALLOW
        );
        filter.deny_truncate = true;
        let denied = run(&build(filter), NATIVE_ARCH, truncate, [0; 6]);
        assert_eq!(denied, ret_errno(libc::EPERM));
    }

    #[test]
    fn foreign_architectures_and_x32_get_enosys() {
        let prog = build(sockets_only(SocketPolicy::Any));
        const AUDIT_ARCH_I386: u32 = 0x4000_0003;
        assert_eq!(
            run(&prog, AUDIT_ARCH_I386, 359, [0; 6]),
            ret_errno(libc::ENOSYS)
        );
        #[cfg(target_arch = "x86_64")]
        assert_eq!(
            run(
                &prog,
                NATIVE_ARCH,
                X32_SYSCALL_BIT | libc::SYS_socket as u32,
                [2, 1, 0, 0, 0, 0]
            ),
            ret_errno(libc::ENOSYS)
        );
        assert_eq!(
            verdict(SocketPolicy::Any, libc::SYS_getpid, [0; 6]),
            RET_ALLOW
        );
    }

    #[test]
    fn terminal_injection_is_denied_whatever_the_high_bits() {
        for request in [0x5412u64, 0x1_0000_5412, 0xffff_ffff_0000_541c] {
            let v = verdict(SocketPolicy::Any, libc::SYS_ioctl, [0, request, 0, 0, 0, 0]);
            assert_eq!(v, ret_errno(libc::EPERM), "{request:#x}");
        }
        let tcgets = verdict(SocketPolicy::Any, libc::SYS_ioctl, [0, 0x5401, 0, 0, 0, 0]);
        assert_eq!(tcgets, RET_ALLOW);
    }

    #[test]
    fn socket_families_follow_the_policy() {
        let inet = [libc::AF_INET as u64, 1, 0, 0, 0, 0];
        let unix = [libc::AF_UNIX as u64, 1, 0, 0, 0, 0];
        let vsock = [libc::AF_VSOCK as u64, 1, 0, 0, 0, 0];
        let nl_route = [libc::AF_NETLINK as u64, 3, 0, 0, 0, 0];
        let nl_audit = [libc::AF_NETLINK as u64, 3, 9, 0, 0, 0];
        let denied = ret_errno(libc::EAFNOSUPPORT);
        let s = libc::SYS_socket;
        assert_eq!(verdict(SocketPolicy::Any, s, vsock), RET_ALLOW);
        assert_eq!(verdict(SocketPolicy::Local, s, inet), RET_ALLOW);
        assert_eq!(verdict(SocketPolicy::Local, s, vsock), denied);
        assert_eq!(verdict(SocketPolicy::Local, s, nl_route), RET_ALLOW);
        assert_eq!(verdict(SocketPolicy::Local, s, nl_audit), denied);
        assert_eq!(verdict(SocketPolicy::UnixOnly, s, unix), RET_ALLOW);
        assert_eq!(verdict(SocketPolicy::UnixOnly, s, inet), denied);
        assert_eq!(verdict(SocketPolicy::UnixOnly, s, nl_route), denied);
    }

    #[test]
    fn namespace_flags_on_clone_are_denied_but_threads_are_not() {
        let thread = (libc::CLONE_VM | libc::CLONE_THREAD | libc::CLONE_SIGHAND) as u64;
        assert_eq!(
            verdict(SocketPolicy::Any, libc::SYS_clone, [thread, 0, 0, 0, 0, 0]),
            RET_ALLOW
        );
        let userns = libc::CLONE_NEWUSER as u64;
        assert_eq!(
            verdict(SocketPolicy::Any, libc::SYS_clone, [userns, 0, 0, 0, 0, 0]),
            ret_errno(libc::EPERM)
        );
        assert_eq!(
            verdict(SocketPolicy::Any, libc::SYS_clone3, [0; 6]),
            ret_errno(libc::ENOSYS)
        );
    }
}
