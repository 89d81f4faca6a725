//! Where something was written: a file and a 1-based line and column, so that every profile
//! error reads `FILE:LINE:COLUMN: message`, like a compiler's.

use crate::error::one_line;
use crate::error::Error;
use std::fmt;
use std::ops::Range;

/// A place in a profile file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The profile that wrote it (its name, or its path as given).
    pub profile: String,
    /// The file, for messages (`<built-in>/NAME.toml` for built-in profiles).
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", one_line(&self.file), self.line, self.column)
    }
}

impl Origin {
    /// A refusal at this place.
    pub(crate) fn error(&self, message: impl fmt::Display) -> Error {
        Error::refused(format!("{self}: {}", one_line(&message.to_string())))
    }
}

/// The text of one profile file and how to name places in it.
pub(crate) struct Source<'a> {
    pub profile: &'a str,
    pub file: &'a str,
    pub text: &'a str,
}

impl Source<'_> {
    /// The origin of a byte span (its start). Offsets past the end clamp to the end.
    pub fn origin(&self, span: &Range<usize>) -> Origin {
        let offset = floor_char_boundary(self.text, span.start);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Origin {
            profile: self.profile.to_string(),
            file: self.file.to_string(),
            line,
            column,
        }
    }

    /// A refusal at a byte span.
    pub fn error(&self, span: &Range<usize>, message: impl fmt::Display) -> Error {
        self.origin(span).error(message)
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        let source = Source {
            profile: "p",
            file: "p.toml",
            text: "a = 1\nbé = \"x\"\n",
        };
        assert_eq!(source.origin(&(0..1)).to_string(), "p.toml:1:1");
        assert_eq!(source.origin(&(6..7)).to_string(), "p.toml:2:1");
        // "bé = " is five characters but six bytes.
        assert_eq!(source.origin(&(12..15)).to_string(), "p.toml:2:6");
        assert_eq!(source.origin(&(999..999)).to_string(), "p.toml:3:1");
        // Inside a multi-byte character: clamps to its start.
        assert_eq!(source.origin(&(8..8)).to_string(), "p.toml:2:2");
    }

    #[test]
    fn messages_stay_one_printable_line() {
        let origin = Source {
            profile: "p",
            file: "a\nb.toml",
            text: "",
        }
        .origin(&(0..0));
        let error = origin.error("unknown field `\u{1b}[31m`\n");
        assert_eq!(
            error.message,
            "a\\nb.toml:1:1: unknown field `\\u{1b}[31m`\\n"
        );
    }
}
