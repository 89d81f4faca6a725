//! Serde for paths that may not be UTF-8.
//!
//! A UTF-8 path is written as a JSON string; any other path as an array of its raw bytes, so
//! that the capability file round-trips every path the kernel can hold.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Repr<'a> {
    Text(std::borrow::Cow<'a, str>),
    Bytes(Vec<u8>),
}

/// Serializes one path.
pub fn serialize<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    match path.to_str() {
        Some(text) => Repr::Text(text.into()).serialize(s),
        None => Repr::Bytes(path.as_os_str().as_bytes().to_vec()).serialize(s),
    }
}

/// Deserializes one path.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
    Ok(match Repr::deserialize(d)? {
        Repr::Text(text) => PathBuf::from(text.into_owned()),
        Repr::Bytes(bytes) => PathBuf::from(OsString::from_vec(bytes)),
    })
}

/// The same for a list of paths.
pub mod vec {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Item(#[serde(with = "super")] PathBuf);

    /// Serializes a list of paths.
    pub fn serialize<S: Serializer>(paths: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(paths.iter().map(|p| Item(p.clone())))
    }

    /// Deserializes a list of paths.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PathBuf>, D::Error> {
        Ok(Vec::<Item>::deserialize(d)?
            .into_iter()
            .map(|i| i.0)
            .collect())
    }
}

/// The same for an optional path.
pub mod option {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Item(#[serde(with = "super")] PathBuf);

    /// Serializes an optional path.
    pub fn serialize<S: Serializer>(path: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
        path.as_ref().map(|p| Item(p.clone())).serialize(s)
    }

    /// Deserializes an optional path.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
        Ok(Option::<Item>::deserialize(d)?.map(|i| i.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Holder(#[serde(with = "super")] PathBuf);

    #[test]
    fn utf8_paths_are_strings_and_others_are_bytes() {
        let text = Holder(PathBuf::from("/a b/\n"));
        assert_eq!(serde_json::to_string(&text).unwrap(), r#""/a b/\n""#);
        let raw = Holder(PathBuf::from(OsString::from_vec(vec![b'/', 0xff])));
        let json = serde_json::to_string(&raw).unwrap();
        assert_eq!(json, "[47,255]");
        assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), raw);
    }
}
