//! quire's delivery benchmark: a generated corpus, the real server in its own process,
//! `wrk` in another, and a static poem handler as the machine's ceiling.
//! `cargo run --release -p bench -- --help` lists the flags. The soak
//! (`--example soak`) reuses its corpus, server and client code.

pub mod corpus;
pub mod database;
pub mod feeds;
pub mod report;
pub mod run;
pub mod server;
pub mod shapes;
pub mod soak;
pub mod wrk;
