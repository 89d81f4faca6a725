//! Pathname Unix sockets that are listening on this machine (from `/proc/net/unix`). Landlock
//! before ABI 9 cannot stop a `connect` to them, and behind them wait the docker daemon, the
//! D-Bus buses, systemd and ssh-agent: the planner masks each one outside the grants.

use std::path::PathBuf;

/// Paths of listening pathname sockets, as this network namespace's table names them. Some
/// may have been removed since; [`is_socket`] checks one, once the planner knows it matters.
pub fn listening() -> Vec<PathBuf> {
    use std::io::Read;
    // /proc gives no size: with room for a busy desktop's table, one or two reads take it all
    // (each read of a small buffer makes the kernel walk the socket table again).
    let mut table = String::with_capacity(64 * 1024);
    let read = std::fs::File::open("/proc/net/unix").and_then(|mut f| f.read_to_string(&mut table));
    if read.is_err() {
        return Vec::new();
    }
    parse(&table)
}

/// Whether `path` is a socket in this mount namespace.
pub fn is_socket(path: &std::path::Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket())
}

/// The absolute paths in a `/proc/net/unix` table. Abstract sockets (`@name`) and relative
/// paths are skipped; a path with spaces is kept whole.
fn parse(table: &str) -> Vec<PathBuf> {
    const ACCEPTING: u32 = 1 << 16; // __SO_ACCEPTCON: a listening socket
    let mut paths: Vec<PathBuf> = table
        .lines()
        .skip(1)
        .filter_map(|line| {
            // Seven whitespace-separated fields, then the path, which may contain spaces.
            let mut rest = line;
            let mut fields = Vec::with_capacity(7);
            for _ in 0..7 {
                rest = rest.trim_start();
                let end = rest.find(' ').unwrap_or(rest.len());
                fields.push(&rest[..end]);
                rest = &rest[end..];
            }
            let flags = u32::from_str_radix(fields[3], 16).ok()?;
            let path = rest.trim_start();
            (flags & ACCEPTING != 0 && path.starts_with('/')).then(|| PathBuf::from(path))
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_listening_pathname_sockets_only() {
        let table = "Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 22046 /run/user/1000/bus
0000000000000000: 00000002 00000000 00010000 0001 01 19051 @/tmp/.X11-unix/X0
0000000000000000: 00000003 00000000 00000000 0001 03 24070 /run/systemd/journal/stdout
0000000000000000: 00000002 00000000 00010000 0001 01   300 /tmp/with space/s.sock
0000000000000000: 00000003 00000000 00000000 0001 03 24071
";
        assert_eq!(
            parse(table),
            vec![
                PathBuf::from("/run/user/1000/bus"),
                PathBuf::from("/tmp/with space/s.sock")
            ]
        );
    }
}
