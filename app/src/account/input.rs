//! The edge of the account functions: the new address parsed once.

use super::model::ChangeEmailInput;
use crate::{
    auth::model::Email,
    validation::{FieldErrors, Parse},
};

impl Parse for ChangeEmailInput {
    type Parsed = Email;

    fn parse(&self, errors: &mut FieldErrors) -> Option<Email> {
        errors.field("new_email", Email::parse(&self.new_email))
    }
}
