//! What the account subcommands of `quire` do; `main.rs` only dispatches here.

pub mod accounts;
