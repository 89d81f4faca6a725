//! The profile format as a JSON Schema (draft 2020-12), for editors and for checking profiles
//! with other tools (`nono profile schema`). It says what [`super::schema`] accepts; a test
//! keeps the two in step.

use serde_json::{json, Value};

/// The JSON Schema of a profile file (as TOML maps onto JSON).
pub fn json_schema() -> Value {
    let paths = |what: &str| {
        json!({
            "description": what,
            "type": "array",
            "items": { "$ref": "#/$defs/path" }
        })
    };
    let strings = |what: &str| {
        json!({
            "description": what,
            "type": "array",
            "items": { "type": "string", "minLength": 1 }
        })
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/nono/nono/docs/profiles.md",
        "title": "nono profile",
        "description": "A nono sandbox profile. It only adds to nono's baseline; command-line flags add to it. Paths may start with ~ and may be relative to the directory nono runs in.",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "extends": {
                "description": "The parent profile: a built-in or user profile name, or a path (containing / or ending in .toml; relative to this file's directory). Lists add up; the nearest network.block and env.set value wins.",
                "type": "string",
                "minLength": 1
            },
            "description": {
                "description": "One line shown by `nono profile list`. Not inherited.",
                "type": "string"
            },
            "filesystem": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "allow": paths("Directories: read, write, create, delete, execute beneath (--allow)."),
                    "read": paths("Directories: read, list, execute beneath (--read)."),
                    "write": paths("Directories: write, create, delete beneath, without read (--write)."),
                    "allow_file": paths("Files: read, write, execute (--allow-file)."),
                    "read_file": paths("Files: read, execute (--read-file)."),
                    "write_file": paths("Files: write, without read (--write-file)."),
                    "unix_sockets": strings("Listening Unix sockets the program may connect to (--allow-unix-socket). Printed at start: lifts a protection."),
                    "unprotect": strings("Sensitive paths whose protection is lifted (--unprotect). Printed at start."),
                    "seed": {
                        "description": "Files copied once before the run (mode 0600) into one of the profile's writable directories, when missing there and present at `from`.",
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["path", "from"],
                            "properties": {
                                "path": { "type": "string", "minLength": 1 },
                                "from": { "type": "string", "minLength": 1 }
                            }
                        }
                    }
                }
            },
            "network": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "block": {
                        "description": "Block all network access (--net-block). Wins over the lists below.",
                        "type": "boolean"
                    },
                    "allow_domains": strings("Names the program may reach, through nono's proxy: NAME or *.NAME, optionally :PORT (--allow-domain). Any of these three lists filters the network."),
                    "deny_domains": strings("Names refused even when an allow rule covers them (--deny-domain)."),
                    "allow_cidrs": strings("Address ranges the program may reach, e.g. 10.1.0.0/16 (--allow-cidr).")
                }
            },
            "env": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "allow": strings("Variables kept although the environment table would remove them (--env-allow). Each such variable is printed at start."),
                    "set": {
                        "description": "Variables to set (--env NAME=VALUE).",
                        "type": "object",
                        "propertyNames": { "minLength": 1, "not": { "pattern": "=" } },
                        "additionalProperties": { "type": "string" }
                    }
                }
            }
        },
        "$defs": {
            "path": {
                "oneOf": [
                    { "type": "string", "minLength": 1 },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["path"],
                        "properties": {
                            "path": { "type": "string", "minLength": 1 },
                            "optional": {
                                "description": "Skip the grant when the path does not exist (an agent's state before its first run).",
                                "type": "boolean",
                                "default": false
                            },
                            "create": {
                                "description": "Create the path when it does not exist (a directory, mode 0700, or an empty file, mode 0600), before the sandbox starts; writable grants only.",
                                "type": "boolean",
                                "default": false
                            }
                        }
                    }
                ]
            }
        }
    })
}
