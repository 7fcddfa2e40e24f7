//! Organization pages. The active organization comes from the URL (`/o/{slug}/…`), so every
//! browser tab can work in a different one; the server checks the membership on every call.

mod audit;
mod layout;
mod list;
mod settings;
mod switcher;
mod team;

pub use audit::AuditPage;
pub use layout::{ActiveOrg, OrgLayout, OrgOverview, WithOrg, use_active_org};
pub use list::OrgsPage;
pub use settings::OrgSettingsPage;
pub use switcher::{OrgSwitcher, OrgsChanged};
pub use team::TeamPage;
