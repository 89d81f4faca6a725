//! The proxy on loopback, with loopback listeners standing in for remote hosts through the
//! resolver's fixed table: no test needs the internet. Every refusal is checked next to its
//! positive control, by status, body and what the listener received.

mod common;
mod decisions;
mod forwarding;
mod hostile;
mod streams;
