//! The soak: mixed reads and writes at a fixed rate for a long time against real
//! `quire serve` processes, reported minute by minute (`examples/soak.rs`).

pub mod api;
pub mod load;
pub mod mix;
pub mod seed;
pub mod stats;
