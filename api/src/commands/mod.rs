//! The work behind the subcommands: `quire import` and `quire export` (finding files,
//! reading them, a progress bar and the summary a person reads) and `quire user` /
//! `quire apikey`, `quire site`, `quire backup` / `quire restore`, `quire doctor`, `quire webhook`, `quire probe`. Rules and SQL stay in `service`; parsing
//! stays in `import`.

pub mod accounts;
pub mod backup;
pub mod discover;
pub mod doctor;
pub mod export;
pub mod import;
pub mod import_images;
pub mod media;
pub mod probe;
pub mod site;
pub mod summary;
pub mod webhook;
