//! Webhooks, signed by the Standard Webhooks specification: admins register endpoints
//! ([`endpoints`]); every content write records its events in the transactional outbox
//! ([`outbox`], the one place they are written) with one delivery per interested
//! endpoint; a worker in each server ([`worker`]) claims due deliveries
//! ([`delivery`]), signs ([`sign`]) and sends them ([`sender`]) to public addresses only
//! ([`address`]), retries with backoff and jitter, and disables endpoints that answer
//! 410 or keep failing. [`events`] lists the event types; [`payload`] shapes bodies.

pub mod address;
pub mod delivery;
pub mod endpoints;
pub mod events;
pub mod outbox;
pub mod payload;
pub mod sender;
pub mod sign;
pub mod wake;
pub mod worker;
