//! Account mail: translated into the recipient's language, with a plain-text and an HTML part.

use platform::mail::OutgoingMail;

use crate::i18n::{Locale, t, t_args};

/// What a message is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// Confirm the address of a new account.
    VerifyEmail,
    /// A link to choose a new password.
    ResetPassword,
    /// A link that signs in.
    MagicLink,
    /// A six-digit sign-in code.
    EmailCode,
    /// Confirm a new address for an existing account.
    ChangeEmail,
}

impl MailKind {
    fn key(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify",
            Self::ResetPassword => "reset",
            Self::MagicLink => "magic",
            Self::EmailCode => "code",
            Self::ChangeEmail => "change",
        }
    }
}

/// What the message carries: a link to follow or a code to type.
#[derive(Clone, Debug)]
pub enum Payload {
    /// An absolute URL.
    Link(String),
    /// A short code.
    Code(String),
}

/// Builds the message of `kind` for `to`, in `locale`.
pub fn compose(
    kind: MailKind,
    locale: Locale,
    to: &str,
    name: &str,
    payload: &Payload,
) -> OutgoingMail {
    let code = match payload {
        Payload::Code(code) => code.as_str(),
        Payload::Link(_) => "",
    };
    compose_message(kind.key(), locale, to, name, payload, &[("code", code.into())])
}

/// Builds a message from the translations `mail-{key}-subject`, `-body` and `-action`, which
/// receive `args`.
pub(crate) fn compose_message(
    key: &str,
    locale: Locale,
    to: &str,
    name: &str,
    payload: &Payload,
    args: &[(&str, crate::i18n::Arg<'_>)],
) -> OutgoingMail {
    let subject = t_args(locale, &format!("mail-{key}-subject"), args);
    let greeting = t_args(locale, "mail-greeting", &[("name", name.into())]);
    let body = t_args(locale, &format!("mail-{key}-body"), args);
    let ignore = t(locale, "mail-ignore");
    let signature = t(locale, "mail-signature");
    let (text_action, html_action, link) = match payload {
        Payload::Link(url) => {
            let label = t(locale, &format!("mail-{key}-action"));
            (
                format!("{label}:\n{url}"),
                format!(
                    "<p><a href=\"{url}\" style=\"display:inline-block;padding:10px 18px;\
                     background:#2f5bd3;color:#ffffff;border-radius:6px;text-decoration:none\">\
                     {label}</a></p>\n<p style=\"font-size:13px;color:#555\">{url}</p>",
                    url = escape(url),
                    label = escape(&label),
                ),
                Some(url.clone()),
            )
        }
        Payload::Code(code) => (
            code.clone(),
            format!(
                "<p style=\"font-size:28px;letter-spacing:6px;font-weight:bold\">{}</p>",
                escape(code)
            ),
            None,
        ),
    };
    let text = format!("{greeting}\n\n{body}\n\n{text_action}\n\n{ignore}\n\n{signature}\n");
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject_html}</title></head>\
         <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1d1d1f\">\n\
         <p>{greeting}</p>\n<p>{body}</p>\n{html_action}\n<p>{ignore}</p>\n<p>{signature}</p>\n\
         </body></html>\n",
        lang = locale.as_str(),
        subject_html = escape(&subject),
        greeting = escape(&greeting),
        body = escape(&body),
        ignore = escape(&ignore),
        signature = escape(&signature),
    );
    OutgoingMail { to: to.to_owned(), subject, text, html, link }
}

/// A security notice: something changed on the account, nothing to click.
#[derive(Clone, Debug)]
pub enum Notice {
    /// The password was changed or reset.
    PasswordChanged,
    /// The account moved to another address (sent to the old one).
    EmailChanged {
        /// The address the account uses now.
        new_email: String,
    },
}

/// Builds a security notice for `to`, in `locale`.
pub fn compose_notice(notice: &Notice, locale: Locale, to: &str, name: &str) -> OutgoingMail {
    let (key, args): (&str, Vec<(&str, crate::i18n::Arg<'_>)>) = match notice {
        Notice::PasswordChanged => ("password-changed", Vec::new()),
        Notice::EmailChanged { new_email } => {
            ("email-changed", vec![("email", new_email.clone().into())])
        }
    };
    let subject = t(locale, &format!("mail-{key}-subject"));
    let greeting = t_args(locale, "mail-greeting", &[("name", name.into())]);
    let body = t_args(locale, &format!("mail-{key}-body"), &args);
    let help = t(locale, "mail-notice-help");
    let signature = t(locale, "mail-signature");
    let text = format!("{greeting}\n\n{body}\n\n{help}\n\n{signature}\n");
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject_html}</title></head>\
         <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1d1d1f\">\n\
         <p>{greeting}</p>\n<p>{body}</p>\n<p>{help}</p>\n<p>{signature}</p>\n</body></html>\n",
        lang = locale.as_str(),
        subject_html = escape(&subject),
        greeting = escape(&greeting),
        body = escape(&body),
        help = escape(&help),
        signature = escape(&signature),
    );
    OutgoingMail { to: to.to_owned(), subject, text, html, link: None }
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_translated_and_escaped() {
        let link = Payload::Link("https://app.example/verify-email?token=a&b".into());
        let en = compose(MailKind::VerifyEmail, Locale::En, "ada@example.com", "<Ada>", &link);
        assert!(en.text.contains("https://app.example/verify-email?token=a&b"));
        assert!(en.html.contains("token=a&amp;b"));
        assert!(en.html.contains("&lt;Ada&gt;"));
        let es = compose(MailKind::VerifyEmail, Locale::Es, "ada@example.com", "Ada", &link);
        assert_ne!(en.subject, es.subject);
        let code = compose(
            MailKind::EmailCode,
            Locale::En,
            "a@example.com",
            "A",
            &Payload::Code("012345".into()),
        );
        assert!(code.subject.contains("012345"));
        assert!(code.link.is_none());
    }
}
