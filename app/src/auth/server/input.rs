//! The edge of the account functions: the address of each input parsed once into an
//! [`Email`] (normalised and checked), reported on its field.

use crate::{
    auth::model::{CodeSignInInput, Email, EmailInput, SignInInput, SignUpInput},
    validation::{FieldErrors, Parse},
};

/// An input whose address is its `email` field, parsed into an [`Email`].
macro_rules! email_inputs {
    ($($input:ty),+ $(,)?) => {
        $(impl Parse for $input {
            type Parsed = Email;

            fn parse(&self, errors: &mut FieldErrors) -> Option<Email> {
                errors.field("email", Email::parse(&self.email))
            }
        })+
    };
}

email_inputs!(SignUpInput, SignInInput, EmailInput, CodeSignInInput);
