//! Outgoing mail through lettre: an SMTP relay when `SMTP_URL` is set, otherwise one `.eml`
//! file per message under `<DATA_DIR>/mail/` (and the message's link in the log), so the
//! embedded default works with no mail server and tests can read what was sent.

use std::path::{Path, PathBuf};

use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};

/// One message to send: a plain-text and an HTML body of the same content.
#[derive(Clone, Debug)]
pub struct OutgoingMail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// The action link the message carries, logged when mail goes to files (never with SMTP).
    pub link: Option<String>,
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The sender or recipient is not a valid address, or the message could not be built.
    #[error("invalid message: {0}")]
    Invalid(String),
    /// The relay refused the message or could not be reached, or the file was not written.
    #[error("mail transport failed: {0}")]
    Transport(String),
}

/// The mail port.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP relay (STARTTLS for `smtp://`, TLS for `smtps://`), with pooled connections.
    Smtp {
        /// The transport.
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// The sender.
        from: Mailbox,
    },
    /// `.eml` files in a directory.
    Files {
        /// The transport.
        transport: AsyncFileTransport<Tokio1Executor>,
        /// Where the files go.
        dir: PathBuf,
        /// The sender.
        from: Mailbox,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp { .. } => f.write_str("Mailer(smtp)"),
            Self::Files { dir, .. } => write!(f, "Mailer(files: {})", dir.display()),
        }
    }
}

impl Mailer {
    /// An SMTP mailer for `url` (`smtp://user:pass@host:587`, `smtps://host:465`).
    pub fn smtp(url: &str, from: &str) -> Result<Self, anyhow::Error> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?
            .build();
        Ok(Self::Smtp { transport, from: parse_from(from)? })
    }

    /// A mailer writing `.eml` files into `dir` (created when missing).
    pub fn files(dir: &Path, from: &str) -> Result<Self, anyhow::Error> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("DATA_DIR: cannot create {}: {e}", dir.display()))?;
        Ok(Self::Files {
            transport: AsyncFileTransport::new(dir),
            dir: dir.to_owned(),
            from: parse_from(from)?,
        })
    }

    /// `smtp` or `files`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Smtp { .. } => "smtp",
            Self::Files { .. } => "files",
        }
    }

    /// Sends `mail`.
    #[tracing::instrument(skip_all, fields(mailer = self.kind()))]
    pub async fn send(&self, mail: OutgoingMail) -> Result<(), MailError> {
        let from = match self {
            Self::Smtp { from, .. } | Self::Files { from, .. } => from.clone(),
        };
        let to: Mailbox = mail.to.parse().map_err(|e| MailError::Invalid(format!("to: {e}")))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
            .map_err(|e| MailError::Invalid(e.to_string()))?;
        match self {
            Self::Smtp { transport, .. } => {
                transport.send(message).await.map_err(|e| MailError::Transport(e.to_string()))?;
                tracing::info!(subject = %mail.subject, "mail sent");
            }
            Self::Files { transport, dir, .. } => {
                let id = transport
                    .send(message)
                    .await
                    .map_err(|e| MailError::Transport(e.to_string()))?;
                let path = dir.join(format!("{id}.eml"));
                tracing::info!(
                    to = %mail.to,
                    subject = %mail.subject,
                    file = %path.display(),
                    link = mail.link.as_deref().unwrap_or("-"),
                    "mail written",
                );
            }
        }
        Ok(())
    }
}

fn parse_from(from: &str) -> Result<Mailbox, anyhow::Error> {
    from.parse().map_err(|e| anyhow::anyhow!("MAIL_FROM: not a valid mailbox: {e}"))
}

/// A message read back from a mail directory (tests and local development).
#[derive(Clone, Debug)]
pub struct StoredMail {
    /// The `To` header.
    pub to: String,
    /// The `Subject` header, decoded when it was encoded.
    pub subject: String,
    /// The whole message with quoted-printable soft breaks and escapes decoded.
    pub body: String,
}

impl StoredMail {
    /// Every `.eml` message in `dir`, oldest first.
    pub fn read_dir(dir: &Path) -> Vec<Self> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        files.sort();
        files
            .into_iter()
            .filter_map(|(_, path)| std::fs::read_to_string(path).ok())
            .map(|raw| Self::parse(&raw))
            .collect()
    }

    /// Parses a raw message.
    pub fn parse(raw: &str) -> Self {
        let header = |name: &str| {
            raw.lines()
                .find_map(|line| {
                    line.split_once(':')
                        .filter(|(key, _)| key.eq_ignore_ascii_case(name))
                        .map(|(_, value)| value.trim().to_owned())
                })
                .unwrap_or_default()
        };
        Self { to: header("To"), subject: header("Subject"), body: decode_quoted_printable(raw) }
    }

    /// The first `http(s)://` link in the message whose path starts with `path`.
    pub fn link(&self, path: &str) -> Option<String> {
        self.body
            .split(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>'))
            .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
            .find(|word| {
                word.split_once("://")
                    .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
                    .is_some_and(|p| p.starts_with(path))
            })
            .map(|link| link.replace("&amp;", "&"))
    }
}

fn decode_quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
