//! The edge of the invitation functions: the address and the role parsed once.

use super::model::{InviteInput, invitable_role};
use crate::{
    auth::model::Email,
    orgs::permissions::Role,
    validation::{FieldErrors, Parse},
};

impl Parse for InviteInput {
    /// The invited address and the role to grant.
    type Parsed = (Email, Role);

    fn parse(&self, errors: &mut FieldErrors) -> Option<(Email, Role)> {
        let email = errors.field("email", Email::parse(&self.email));
        let role = errors.field("role", invitable_role(&self.role));
        email.zip(role)
    }
}
