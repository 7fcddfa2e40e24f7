//! The app shell: the document, the header, and the route table that mounts every feature's
//! pages (each area a lazily loaded chunk). The widgets pages share are in [`crate::ui`].

mod document;
mod header;
pub mod lazy;
mod routes;

pub use document::{App, mark_hydrated, shell};
