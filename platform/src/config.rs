//! Typed configuration, loaded once at start-up and validated.
//!
//! Defaults come from the `[app]` table of `Leptos.toml`; environment variables (and an optional
//! `.env` file) override them. A wrong value stops the server with a message naming the variable.

use std::{
    fmt,
    path::{Path, PathBuf},
    time::Duration,
};

use serde::Deserialize;

/// A secret value (a URL with a password, a key) that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that must use it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Which database the instance uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseConfig {
    /// The embedded default: an SQLite file.
    Sqlite {
        /// Path of the database file.
        path: PathBuf,
    },
    /// The scaled deployment: a PostgreSQL server.
    Postgres {
        /// `postgres://` connection URL.
        url: Secret,
    },
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable, coloured lines (development).
    Pretty,
    /// One JSON object per line (production log shippers).
    Json,
}

/// The application's own defaults, read from the `[app]` table of `Leptos.toml`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct AppDefaults {
    /// Directory for the SQLite file, mail files and uploads.
    pub data_dir: PathBuf,
    /// Locale used when neither a stored preference nor `Accept-Language` picks one.
    pub default_locale: String,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest accepted avatar or logo upload, in bytes.
    pub max_image_bytes: u64,
    /// Largest accepted todo attachment, in bytes.
    pub max_attachment_bytes: u64,
    /// Most connections a database pool opens.
    pub database_pool_size: usize,
    /// How long a request waits for a database connection, in milliseconds.
    pub database_timeout_ms: u64,
    /// How long Redis may take to connect or answer, in milliseconds.
    pub redis_timeout_ms: u64,
    /// How long the health check waits for each service, in milliseconds.
    pub health_timeout_ms: u64,
    /// Sender of the application's mail.
    pub mail_from: String,
    /// Whether inviting and accepting invitations need a verified email address.
    pub require_email_verification: bool,
    /// API calls allowed per minute per session (per client address without one).
    pub api_rate_limit_per_minute: u32,
}

impl Default for AppDefaults {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            default_locale: "en".into(),
            max_body_bytes: 2 * 1024 * 1024,
            max_image_bytes: 10 * 1024 * 1024,
            max_attachment_bytes: 25 * 1024 * 1024,
            database_pool_size: 16,
            database_timeout_ms: 5_000,
            redis_timeout_ms: 2_000,
            health_timeout_ms: 2_000,
            mail_from: "SaaS Foundation <no-reply@localhost>".into(),
            require_email_verification: true,
            api_rate_limit_per_minute: 600,
        }
    }
}

#[derive(Deserialize)]
struct LeptosToml {
    #[serde(default)]
    app: AppDefaults,
}

impl AppDefaults {
    /// Reads the `[app]` table of a `Leptos.toml` text (other tables are leptos' own).
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        toml::from_str::<LeptosToml>(text)
            .map(|file| file.app)
            .map_err(|e| ConfigError::new("Leptos.toml", e.message()))
    }
}

/// A configuration value that is missing or wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration (SYS_CONFIG_ERROR): {variable}: {reason}")]
pub struct ConfigError {
    /// The environment variable (or file) at fault.
    pub variable: String,
    /// What is wrong with it.
    pub reason: String,
}

impl ConfigError {
    /// A new error naming the variable at fault.
    pub fn new(variable: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { variable: variable.into(), reason: reason.into() }
    }
}

/// Locales the application ships translations for.
pub const SUPPORTED_LOCALES: [&str; 2] = ["en", "es"];

/// The running instance's configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: unset means the SQLite file `<DATA_DIR>/app.db`.
    pub database: DatabaseConfig,
    /// `DATABASE_POOL_SIZE`.
    pub database_pool_size: usize,
    /// `DATABASE_TIMEOUT_MS`.
    pub database_timeout: Duration,
    /// `REDIS_URL`: unset means in-process cache, pub/sub and rate limits.
    pub redis_url: Option<Secret>,
    /// `REDIS_TIMEOUT_MS`.
    pub redis_timeout: Duration,
    /// `DATA_DIR`.
    pub data_dir: PathBuf,
    /// `DEFAULT_LOCALE`.
    pub default_locale: String,
    /// `MAX_BODY_BYTES`.
    pub max_body_bytes: usize,
    /// The uploads' own caps (not `MAX_BODY_BYTES`).
    pub uploads: UploadLimits,
    /// `HEALTH_TIMEOUT_MS`.
    pub health_timeout: Duration,
    /// `LOG_FORMAT`: `pretty` (default) or `json`.
    pub log_format: LogFormat,
    /// `PUBLIC_URL`: the address users reach the app at (links in mail, cookie security,
    /// trusted origin). Unset: `http://` plus the listening address.
    pub public_url: Option<String>,
    /// `TRUSTED_ORIGINS`: further origins (comma-separated) allowed to post to the API.
    pub trusted_origins: Vec<String>,
    /// `SMTP_URL`: `smtp://` or `smtps://` relay; unset writes each message to
    /// `<DATA_DIR>/mail/` instead.
    pub smtp_url: Option<Secret>,
    /// `MAIL_FROM`.
    pub mail_from: String,
    /// `REQUIRE_EMAIL_VERIFICATION`.
    pub require_email_verification: bool,
    /// `TRUST_PROXY_HEADERS`: take the client address from `X-Forwarded-For` (only behind a
    /// proxy that sets it).
    pub trust_proxy_headers: bool,
    /// `REDIS_PREFIX`: namespace of every Redis key, so deployments can share a server.
    pub redis_prefix: String,
    /// `API_RATE_LIMIT_PER_MINUTE`: API calls per minute per session (or client address).
    pub api_rate_limit_per_minute: u32,
    /// `REALTIME_RECHECK_SECONDS`: how often an open WebSocket re-checks its session and
    /// membership (how long a removed member or ended session can still receive).
    pub realtime_recheck: Duration,
    /// `ADMIN_EMAILS`: addresses (comma-separated, lower-cased) of the platform's
    /// administrators; an account with one of them and a confirmed address gets `/admin`.
    pub admin_emails: Vec<String>,
    /// Billing settings.
    pub billing: BillingConfig,
    /// Where uploaded files are kept.
    pub storage: StorageConfig,
}

/// How large an upload may be, each read under its own cap while it arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadLimits {
    /// `MAX_IMAGE_BYTES`: an avatar or a logo.
    pub max_image_bytes: u64,
    /// `MAX_ATTACHMENT_BYTES`: a todo attachment.
    pub max_attachment_bytes: u64,
}

impl UploadLimits {
    /// The caps `var` sets, `defaults` otherwise (at least 1 KiB each).
    fn from_vars(
        var: &impl Fn(&str) -> Option<String>,
        defaults: &AppDefaults,
    ) -> Result<Self, ConfigError> {
        let (image, attachment) = (defaults.max_image_bytes, defaults.max_attachment_bytes);
        Ok(Self {
            max_image_bytes: number(var, "MAX_IMAGE_BYTES", image, 1024)?,
            max_attachment_bytes: number(var, "MAX_ATTACHMENT_BYTES", attachment, 1024)?,
        })
    }
}

/// Where uploaded files are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageConfig {
    /// A folder on local disk: `<DATA_DIR>/files/`.
    Local(PathBuf),
    /// An S3-compatible bucket, when `S3_BUCKET` is set.
    S3(S3Config),
}

/// An S3-compatible bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Config {
    /// `S3_BUCKET`.
    pub bucket: String,
    /// `S3_REGION` (`us-east-1`).
    pub region: String,
    /// `S3_ENDPOINT`: another S3-compatible service (`MinIO`, R2…); unset: AWS.
    pub endpoint: Option<String>,
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (both or neither; neither: the
    /// credentials of the environment the server runs in, e.g. an instance role).
    pub credentials: Option<(String, Secret)>,
}

impl S3Config {
    /// Where the bucket's signed addresses point (scheme, host and port; path-style requests),
    /// which pages must allow pictures from: `S3_ENDPOINT`'s origin, or AWS's regional one.
    pub fn origin(&self) -> String {
        match &self.endpoint {
            Some(endpoint) => {
                let (scheme, rest) = endpoint.split_once("://").unwrap_or(("https", endpoint));
                let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
                format!("{scheme}://{host}")
            }
            None => format!("https://s3.{}.amazonaws.com", self.region),
        }
    }
}

/// How organizations pay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillingConfig {
    /// `BILLING_GRACE_DAYS` (7): how long a subscription whose payment failed (`past_due`)
    /// keeps its plan's limits before the free plan's apply.
    pub grace_period: Duration,
    /// The secret provider webhooks are signed with (`POST /api/billing/webhook` answers 404
    /// without one).
    pub webhook_secret: Option<Secret>,
    /// Stripe, when `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET` are set; otherwise the
    /// local provider.
    pub stripe: Option<StripeConfig>,
}

/// The Stripe account billing uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripeConfig {
    /// `STRIPE_SECRET_KEY` (`sk_live_…`, `sk_test_…` or a restricted `rk_…` key).
    pub secret_key: Secret,
    /// `STRIPE_API_BASE` (`https://api.stripe.com`), without a trailing slash.
    pub api_base: String,
    /// `STRIPE_PRICE_{PRO,BUSINESS}_{MONTHLY,ANNUAL}`: the price id of each plan and interval,
    /// in the order `pro_monthly`, `pro_annual`, `business_monthly`, `business_annual`.
    pub prices: [String; 4],
}

/// The names of the price variables, in the order of [`StripeConfig::prices`].
pub const STRIPE_PRICE_VARIABLES: [&str; 4] = [
    "STRIPE_PRICE_PRO_MONTHLY",
    "STRIPE_PRICE_PRO_ANNUAL",
    "STRIPE_PRICE_BUSINESS_MONTHLY",
    "STRIPE_PRICE_BUSINESS_ANNUAL",
];

/// Two variables that go together: both values, neither (`None`), or an error naming the one
/// missing.
fn pair(
    var: &impl Fn(&str) -> Option<String>,
    first: &str,
    second: &str,
) -> Result<Option<(String, String)>, ConfigError> {
    match (var(first), var(second)) {
        (None, None) => Ok(None),
        (Some(a), Some(b)) => Ok(Some((a, b))),
        (Some(_), None) => Err(ConfigError::new(second, format!("must be set with {first}"))),
        (None, Some(_)) => Err(ConfigError::new(first, format!("must be set with {second}"))),
    }
}

/// `S3_BUCKET` and its settings, or the folder `<DATA_DIR>/files/`.
fn storage(
    var: &impl Fn(&str) -> Option<String>,
    data_dir: &Path,
) -> Result<StorageConfig, ConfigError> {
    let Some(bucket) = var("S3_BUCKET") else {
        for name in ["S3_ENDPOINT", "S3_REGION"] {
            if var(name).is_some() {
                return Err(ConfigError::new(name, "is only used with S3_BUCKET"));
            }
        }
        return Ok(StorageConfig::Local(data_dir.join("files")));
    };
    let valid_bucket = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if !valid_bucket {
        return Err(ConfigError::new(
            "S3_BUCKET",
            "must be a bucket name (3-63 lower-case letters, digits, '-' or '.')",
        ));
    }
    let endpoint = var("S3_ENDPOINT").map(|e| e.trim_end_matches('/').to_owned());
    if endpoint.as_deref().is_some_and(|e| origin_of(e).is_none()) {
        return Err(ConfigError::new("S3_ENDPOINT", "must be an http:// or https:// address"));
    }
    let credentials = pair(var, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")?
        .map(|(id, secret)| (id, Secret::new(secret)));
    let region = var("S3_REGION").unwrap_or_else(|| "us-east-1".to_owned());
    Ok(StorageConfig::S3(S3Config { bucket, region, endpoint, credentials }))
}

/// `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET` (both or neither), the API base and the
/// price ids.
fn stripe(
    var: &impl Fn(&str) -> Option<String>,
) -> Result<(Option<StripeConfig>, Option<Secret>), ConfigError> {
    let Some((key, webhook)) = pair(var, "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")? else {
        return Ok((None, None));
    };
    if !["sk_", "rk_"].iter().any(|prefix| key.starts_with(prefix)) {
        return Err(ConfigError::new("STRIPE_SECRET_KEY", "must start with sk_ or rk_"));
    }
    if !webhook.starts_with("whsec_") {
        return Err(ConfigError::new("STRIPE_WEBHOOK_SECRET", "must start with whsec_"));
    }
    let api_base = var("STRIPE_API_BASE")
        .map_or_else(|| "https://api.stripe.com".to_owned(), |b| b.trim_end_matches('/').into());
    if origin_of(&api_base).is_none() {
        return Err(ConfigError::new("STRIPE_API_BASE", "must be an http:// or https:// address"));
    }
    let price = |name: &str| {
        var(name).ok_or_else(|| ConfigError::new(name, "must be set when Stripe is configured"))
    };
    let prices = [
        price(STRIPE_PRICE_VARIABLES[0])?,
        price(STRIPE_PRICE_VARIABLES[1])?,
        price(STRIPE_PRICE_VARIABLES[2])?,
        price(STRIPE_PRICE_VARIABLES[3])?,
    ];
    let stripe = StripeConfig { secret_key: Secret::new(key), api_base, prices };
    Ok((Some(stripe), Some(Secret::new(webhook))))
}

impl Config {
    /// Loads the configuration from the process environment (after an optional `.env`).
    pub fn from_env(defaults: AppDefaults) -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is an error worth stopping for.
        if let Err(e) = dotenvy::dotenv()
            && !e.not_found()
        {
            return Err(ConfigError::new(".env", e.to_string()));
        }
        Self::from_vars(|name| std::env::var(name).ok(), defaults)
    }

    /// Loads the configuration from any variable source (the environment, or a map in tests).
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
        defaults: AppDefaults,
    ) -> Result<Self, ConfigError> {
        let var = |name: &str| var(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());

        let uploads = UploadLimits::from_vars(&var, &defaults)?;
        let data_dir = var("DATA_DIR").map_or(defaults.data_dir, PathBuf::from);
        let database = match var("DATABASE_URL") {
            None => DatabaseConfig::Sqlite { path: data_dir.join("app.db") },
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                DatabaseConfig::Postgres { url: Secret::new(url) }
            }
            Some(url) if url.starts_with("sqlite://") => {
                DatabaseConfig::Sqlite { path: PathBuf::from(url.trim_start_matches("sqlite://")) }
            }
            Some(_) => {
                return Err(ConfigError::new(
                    "DATABASE_URL",
                    "must start with postgres://, postgresql:// or sqlite:// (or be unset for \
                     the embedded SQLite file)",
                ));
            }
        };
        let redis_url = match var("REDIS_URL") {
            None => None,
            Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
                Some(Secret::new(url))
            }
            Some(_) => {
                return Err(ConfigError::new("REDIS_URL", "must start with redis:// or rediss://"));
            }
        };
        let default_locale = var("DEFAULT_LOCALE").unwrap_or(defaults.default_locale);
        if !SUPPORTED_LOCALES.contains(&default_locale.as_str()) {
            return Err(ConfigError::new(
                "DEFAULT_LOCALE",
                format!("must be one of {}", SUPPORTED_LOCALES.join(", ")),
            ));
        }
        let log_format = log_format(&var)?;
        let (public_url, trusted_origins) = web_origins(&var)?;
        let smtp_url = match var("SMTP_URL") {
            None => None,
            Some(url) if url.starts_with("smtp://") || url.starts_with("smtps://") => {
                Some(Secret::new(url))
            }
            Some(_) => {
                return Err(ConfigError::new("SMTP_URL", "must start with smtp:// or smtps://"));
            }
        };
        let mail_from = var("MAIL_FROM").unwrap_or(defaults.mail_from);
        if !mail_from.contains('@') {
            return Err(ConfigError::new("MAIL_FROM", "must contain an email address"));
        }
        let admin_emails = admin_emails(&var)?;
        let (stripe, webhook_secret) = stripe(&var)?;
        let storage = storage(&var, &data_dir)?;
        let redis_prefix = var("REDIS_PREFIX").unwrap_or_else(|| "saas".into());
        if !redis_prefix.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')) {
            return Err(ConfigError::new("REDIS_PREFIX", "may hold only letters, digits, - and _"));
        }

        Ok(Self {
            database,
            database_pool_size: number(&var, "DATABASE_POOL_SIZE", defaults.database_pool_size, 1)?,
            database_timeout: millis(&var, "DATABASE_TIMEOUT_MS", defaults.database_timeout_ms)?,
            redis_url,
            redis_timeout: millis(&var, "REDIS_TIMEOUT_MS", defaults.redis_timeout_ms)?,
            data_dir,
            default_locale,
            max_body_bytes: number(&var, "MAX_BODY_BYTES", defaults.max_body_bytes, 1024)?,
            uploads,
            health_timeout: millis(&var, "HEALTH_TIMEOUT_MS", defaults.health_timeout_ms)?,
            log_format,
            public_url,
            trusted_origins,
            smtp_url,
            mail_from,
            require_email_verification: flag(
                &var,
                "REQUIRE_EMAIL_VERIFICATION",
                defaults.require_email_verification,
            )?,
            trust_proxy_headers: flag(&var, "TRUST_PROXY_HEADERS", false)?,
            redis_prefix,
            api_rate_limit_per_minute: number(
                &var,
                "API_RATE_LIMIT_PER_MINUTE",
                defaults.api_rate_limit_per_minute,
                1,
            )?,
            admin_emails,
            realtime_recheck: Duration::from_secs(number(&var, "REALTIME_RECHECK_SECONDS", 30, 1)?),
            billing: BillingConfig {
                grace_period: Duration::from_secs(
                    number::<u64>(&var, "BILLING_GRACE_DAYS", 7, 0)? * 86_400,
                ),
                webhook_secret,
                stripe,
            },
            storage,
        })
    }

    /// Whether the app is served over https (cookies are then `Secure` and `__Host-` named).
    pub fn is_https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|url| url.starts_with("https://"))
    }
}

/// The `scheme://host[:port]` origin of an http(s) URL, lower-cased, or `None` if it is not one.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// `ADMIN_EMAILS`: comma-separated, trimmed and lower-cased; each must be an address.
fn admin_emails(var: &impl Fn(&str) -> Option<String>) -> Result<Vec<String>, ConfigError> {
    let emails: Vec<String> = var("ADMIN_EMAILS")
        .map(|list| {
            list.split(',')
                .map(|email| email.trim().to_lowercase())
                .filter(|email| !email.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if let Some(bad) = emails.iter().find(|email| !email.contains('@')) {
        return Err(ConfigError::new("ADMIN_EMAILS", format!("`{bad}` is not an email address")));
    }
    Ok(emails)
}

/// `PUBLIC_URL` (without a trailing slash) and `TRUSTED_ORIGINS`.
fn web_origins(
    var: &impl Fn(&str) -> Option<String>,
) -> Result<(Option<String>, Vec<String>), ConfigError> {
    let public_url = var("PUBLIC_URL").map(|url| url.trim_end_matches('/').to_owned());
    if let Some(url) = &public_url {
        origin_of(url).ok_or_else(|| {
            ConfigError::new("PUBLIC_URL", "must be an http:// or https:// address")
        })?;
    }
    let trusted_origins = var("TRUSTED_ORIGINS")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(|o| {
                    origin_of(o).ok_or_else(|| {
                        ConfigError::new(
                            "TRUSTED_ORIGINS",
                            format!("`{o}` is not an http:// or https:// origin"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    Ok((public_url, trusted_origins))
}

fn flag(
    var: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: bool,
) -> Result<bool, ConfigError> {
    match var(name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some("false" | "0" | "no" | "off") => Ok(false),
        Some(_) => Err(ConfigError::new(name, "must be true or false")),
    }
}

/// `LOG_FORMAT`: `pretty` (the default) or `json`.
fn log_format(var: &impl Fn(&str) -> Option<String>) -> Result<LogFormat, ConfigError> {
    match var("LOG_FORMAT").as_deref() {
        None | Some("pretty") => Ok(LogFormat::Pretty),
        Some("json") => Ok(LogFormat::Json),
        Some(_) => Err(ConfigError::new("LOG_FORMAT", "must be `pretty` or `json`")),
    }
}

fn number<T>(
    var: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: T,
    min: T,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    let Some(raw) = var(name) else { return Ok(default) };
    let value: T = raw
        .parse()
        .map_err(|_| ConfigError::new(name, format!("`{raw}` is not a whole number")))?;
    if value < min {
        return Err(ConfigError::new(name, format!("must be at least {min}")));
    }
    Ok(value)
}

fn millis(
    var: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: u64,
) -> Result<Duration, ConfigError> {
    number(var, name, default, 1).map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn a_buckets_signed_addresses_come_from_its_endpoints_origin() {
        let bucket = |endpoint: Option<&str>| S3Config {
            bucket: "files".into(),
            region: "eu-west-1".into(),
            endpoint: endpoint.map(str::to_owned),
            credentials: None,
        };
        assert_eq!(bucket(None).origin(), "https://s3.eu-west-1.amazonaws.com");
        assert_eq!(bucket(Some("http://127.0.0.1:9000")).origin(), "http://127.0.0.1:9000");
        assert_eq!(bucket(Some("https://r2.example.com/base/")).origin(), "https://r2.example.com");
    }

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from_vars(|name| map.get(name).cloned(), AppDefaults::default())
    }

    #[test]
    fn no_variables_means_the_embedded_default() {
        let config = load(&[]).expect("defaults are valid");
        assert_eq!(config.database, DatabaseConfig::Sqlite { path: PathBuf::from("data/app.db") });
        assert_eq!(config.redis_url, None);
        assert_eq!(config.default_locale, "en");
        assert_eq!(config.log_format, LogFormat::Pretty);
    }

    #[test]
    fn database_url_selects_postgres_and_data_dir_moves_sqlite() {
        let pg = load(&[("DATABASE_URL", "postgres://u@h/db")]).expect("valid");
        assert_eq!(pg.database, DatabaseConfig::Postgres { url: Secret::new("postgres://u@h/db") });
        let moved = load(&[("DATA_DIR", "/tmp/x")]).expect("valid");
        assert_eq!(moved.database, DatabaseConfig::Sqlite { path: PathBuf::from("/tmp/x/app.db") });
    }

    #[test]
    fn wrong_values_name_their_variable() {
        let cases = [
            ("DATABASE_URL", "mysql://x"),
            ("REDIS_URL", "http://x"),
            ("DEFAULT_LOCALE", "fr"),
            ("LOG_FORMAT", "xml"),
            ("DATABASE_POOL_SIZE", "0"),
            ("DATABASE_POOL_SIZE", "many"),
            ("MAX_BODY_BYTES", "10"),
            ("HEALTH_TIMEOUT_MS", "-1"),
            ("PUBLIC_URL", "example.com"),
            ("TRUSTED_ORIGINS", "https://a.example, ftp://b"),
            ("SMTP_URL", "mail.example.com"),
            ("MAIL_FROM", "nobody"),
            ("REQUIRE_EMAIL_VERIFICATION", "maybe"),
            ("REDIS_PREFIX", "a:b"),
            ("API_RATE_LIMIT_PER_MINUTE", "0"),
        ];
        for (name, value) in cases {
            let err = load(&[(name, value)]).expect_err(name);
            assert_eq!(err.variable, name, "{name}={value}");
            assert!(err.to_string().contains(name));
        }
    }

    #[test]
    fn files_go_to_the_data_dir_or_to_a_bucket() {
        let local = load(&[("DATA_DIR", "/srv/app")]).expect("defaults");
        assert_eq!(local.storage, StorageConfig::Local(PathBuf::from("/srv/app/files")));
        let err = load(&[("S3_ENDPOINT", "http://127.0.0.1:9000")]).expect_err("no bucket");
        assert_eq!(err.variable, "S3_ENDPOINT");
        let err = load(&[("S3_BUCKET", "Not_A_Bucket")]).expect_err("bad name");
        assert_eq!(err.variable, "S3_BUCKET");
        let half = [("S3_BUCKET", "files"), ("AWS_ACCESS_KEY_ID", "id")];
        assert_eq!(load(&half).expect_err("half a pair").variable, "AWS_SECRET_ACCESS_KEY");
        let s3 = load(&[
            ("S3_BUCKET", "files"),
            ("S3_ENDPOINT", "http://127.0.0.1:9000/"),
            ("AWS_ACCESS_KEY_ID", "id"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
        ])
        .expect("complete");
        assert_eq!(
            s3.storage,
            StorageConfig::S3(S3Config {
                bucket: "files".into(),
                region: "us-east-1".into(),
                endpoint: Some("http://127.0.0.1:9000".into()),
                credentials: Some(("id".into(), Secret::new("secret"))),
            })
        );
    }

    #[test]
    fn stripe_needs_both_secrets_and_every_price() {
        let err = load(&[("STRIPE_SECRET_KEY", "sk_test_1")]).expect_err("half a pair");
        assert_eq!(err.variable, "STRIPE_WEBHOOK_SECRET");
        assert!(err.to_string().contains("SYS_CONFIG_ERROR"), "{err}");
        let err = load(&[("STRIPE_WEBHOOK_SECRET", "whsec_1")]).expect_err("half a pair");
        assert_eq!(err.variable, "STRIPE_SECRET_KEY");
        let pair = [("STRIPE_SECRET_KEY", "sk_test_1"), ("STRIPE_WEBHOOK_SECRET", "whsec_1")];
        let err = load(&pair).expect_err("no prices");
        assert_eq!(err.variable, "STRIPE_PRICE_PRO_MONTHLY");
        let mut full = pair.to_vec();
        full.extend(STRIPE_PRICE_VARIABLES.iter().map(|name| (*name, "price_1")));
        full.push(("STRIPE_API_BASE", "http://127.0.0.1:8420/"));
        let config = load(&full).expect("complete");
        let stripe = config.billing.stripe.expect("stripe");
        assert_eq!(stripe.api_base, "http://127.0.0.1:8420");
        assert_eq!(config.billing.webhook_secret, Some(Secret::new("whsec_1")));
        let no_stripe = load(&[]).expect("defaults");
        assert_eq!((no_stripe.billing.stripe, no_stripe.billing.webhook_secret), (None, None));
        let mut wrong = full.clone();
        wrong[0] = ("STRIPE_SECRET_KEY", "pk_test_1");
        assert_eq!(load(&wrong).expect_err("publishable key").variable, "STRIPE_SECRET_KEY");
    }

    #[test]
    fn origins_and_flags_are_parsed() {
        let config = load(&[
            ("PUBLIC_URL", "https://App.example.com/"),
            ("TRUSTED_ORIGINS", "https://admin.example.com, http://localhost:3000/path"),
            ("REQUIRE_EMAIL_VERIFICATION", "false"),
            ("ADMIN_EMAILS", " Root@Example.com ,ops@example.com,"),
        ])
        .expect("valid");
        assert_eq!(config.admin_emails, ["root@example.com", "ops@example.com"]);
        assert_eq!(load(&[("ADMIN_EMAILS", "nobody")]).expect_err("bad").variable, "ADMIN_EMAILS");
        assert_eq!(config.public_url.as_deref(), Some("https://App.example.com"));
        assert!(config.is_https());
        assert_eq!(config.trusted_origins, ["https://admin.example.com", "http://localhost:3000"]);
        assert!(!config.require_email_verification);
        assert!(load(&[]).expect("valid").require_email_verification);
    }

    #[test]
    fn secrets_never_print() {
        let config = load(&[("DATABASE_URL", "postgres://user:hunter2@h/db")]).expect("valid");
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn leptos_toml_app_table_is_read_and_checked() {
        let defaults = AppDefaults::from_toml("[app]\ndata-dir = \"var\"\nmax-body-bytes = 4096\n")
            .expect("ok");
        assert_eq!(defaults.data_dir, PathBuf::from("var"));
        assert_eq!(defaults.max_body_bytes, 4096);
        assert_eq!(defaults.default_locale, "en");
        let err = AppDefaults::from_toml("[app]\ndata-dri = \"var\"\n").expect_err("typo");
        assert_eq!(err.variable, "Leptos.toml");
    }
}
