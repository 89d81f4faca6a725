//! Access rights as the user thinks of them: read, write, execute.
//!
//! Each backend maps these onto its own kernel rights (Landlock, Seatbelt). Keeping the
//! user-facing vocabulary this small is what lets `why` answer in terms of flags.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A set of access rights on a path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "Vec<Op>", from = "Vec<Op>")]
pub struct Access(u8);

/// One operation a program can attempt on a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Open for reading, list a directory.
    Read,
    /// Write, truncate, create, rename, delete.
    Write,
    /// Execute a file.
    Exec,
}

impl Op {
    /// All operations, in display order.
    pub const ALL: [Op; 3] = [Op::Read, Op::Write, Op::Exec];

    fn bit(self) -> u8 {
        match self {
            Op::Read => 1,
            Op::Write => 2,
            Op::Exec => 4,
        }
    }

    /// The lowercase name used on the command line (`--op read`).
    pub fn name(self) -> &'static str {
        match self {
            Op::Read => "read",
            Op::Write => "write",
            Op::Exec => "exec",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Access {
    /// No rights at all.
    pub const NONE: Access = Access(0);
    /// Read and list.
    pub const READ: Access = Access(1);
    /// Write, create, delete (without read).
    pub const WRITE: Access = Access(2);
    /// Execute.
    pub const EXEC: Access = Access(4);
    /// Read and execute: what `--read` grants.
    pub const READ_EXEC: Access = Access(1 | 4);
    /// Read and write, no execute: device files such as `/dev/null`.
    pub const READ_WRITE: Access = Access(1 | 2);
    /// Everything: what `--allow` grants.
    pub const ALL: Access = Access(1 | 2 | 4);

    /// Whether `op` is in this set.
    pub fn allows(self, op: Op) -> bool {
        self.0 & op.bit() != 0
    }

    /// Union of two sets.
    pub fn union(self, other: Access) -> Access {
        Access(self.0 | other.0)
    }

    /// Rights of `self` that are not in `other`.
    pub fn minus(self, other: Access) -> Access {
        Access(self.0 & !other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The operations in this set, in display order.
    pub fn ops(self) -> impl Iterator<Item = Op> {
        Op::ALL.into_iter().filter(move |op| self.allows(*op))
    }
}

impl From<Op> for Access {
    fn from(op: Op) -> Access {
        Access(op.bit())
    }
}

impl From<Vec<Op>> for Access {
    fn from(ops: Vec<Op>) -> Access {
        ops.into_iter()
            .fold(Access::NONE, |acc, op| acc.union(op.into()))
    }
}

impl From<Access> for Vec<Op> {
    fn from(access: Access) -> Vec<Op> {
        access.ops().collect()
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let names: Vec<&str> = self.ops().map(Op::name).collect();
        f.write_str(&names.join("+"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_and_minus_are_set_operations() {
        let rw = Access::READ.union(Access::WRITE);
        assert!(rw.allows(Op::Read) && rw.allows(Op::Write) && !rw.allows(Op::Exec));
        assert_eq!(rw.minus(Access::READ), Access::WRITE);
        assert_eq!(Access::ALL.to_string(), "read+write+exec");
        assert_eq!(Access::NONE.to_string(), "none");
    }

    #[test]
    fn serializes_as_a_list_of_operations() {
        let json = serde_json::to_string(&Access::READ_EXEC).unwrap();
        assert_eq!(json, r#"["read","exec"]"#);
        let back: Access = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Access::READ_EXEC);
    }
}
