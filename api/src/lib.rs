//! quire: a headless CMS for blogs. This crate holds configuration, services (rules and
//! SQL), the GraphQL schema and the HTTP wiring; `main.rs` is only the command line.

pub mod app;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod graphql;
pub mod http;
pub mod import;
pub mod media;
pub mod pool_wait;
pub mod render;
pub mod search;
pub mod service;
pub mod slug;
pub mod syndication;
