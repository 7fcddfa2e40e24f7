//! The server's integration tests: one test binary (linking the whole app once), a module per
//! area. Each test runs the real app in process over its own throwaway SQLite file and, when
//! `TEST_DATABASE_URL` / `TEST_REDIS_URL` are set, again on PostgreSQL and Redis.
//!
//! `cargo test -p server --test api todos::` runs one module.

mod common;

mod account;
mod admin;
mod api_errors;
mod auth;
mod billing;
mod config;
mod files;
mod health;
mod input;
mod invitations;
mod orgs;
mod pages;
mod realtime;
mod spans;
mod stripe;
mod tenancy;
mod todos;
mod uploads;
