//! The one typed configuration, read from TOML, with defaults for every option.
//!
//! `huisclos serve` with no `--config` runs on these defaults: data in `./huisclos-data`,
//! plain HTTP on `127.0.0.1:8080`, mail written to files. [`Config::validate`] enforces the
//! rules that keep a box safe (TLS off loopback, SMTP security) and says what to change.
//! Secrets print as `***` (see [`crate::secret`]), so `huisclos check` can show the result.

/// `[acme]`: certificates by ACME (read by `crate::tls::acme`).
pub mod acme;
/// `[backup]`: scheduled backups (run by `crate::backup::schedule`).
pub mod backup;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// The commented example shipped with the binary (`docs/huisclos.example.toml`).
pub const EXAMPLE: &str = include_str!("../docs/huisclos.example.toml");

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub data_dir: PathBuf,
    pub server: Server,
    pub tls: Tls,
    pub smtp: Smtp,
    pub mail: Mail,
    pub sessions: Sessions,
    pub documents: Documents,
    pub deposits: Deposits,
    pub secure_mail: SecureMail,
    pub gateway: Gateway,
    pub log: Log,
    /// Scheduled backups; none without the table (see [`crate::backup::schedule`]).
    pub backup: Option<backup::BackupSettings>,
    /// Certificates by ACME (`crate::tls::acme`); absent, the box serves its own files or a
    /// generated certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acme: Option<acme::AcmeConfig>,
}

mod gateway;
pub use gateway::{Gateway, Policy as GatewayPolicy};

/// Secure mails to outside addresses (courrier sécurisé).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecureMail {
    /// The shortest expiry a sender may choose, in seconds. Senders choose in days (1 to
    /// 365); only tests lower this, to see a mail expire within seconds.
    pub min_expiry_secs: u64,
}

impl Default for SecureMail {
    fn default() -> Self {
        SecureMail {
            min_expiry_secs: 86_400,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Server {
    pub listen: SocketAddr,
    pub public_url: String,
    pub max_connections: usize,
    /// Connections open at once from one client address (IPv6: one /64), and requests in
    /// flight per client address as a trusted proxy forwards it: one client cannot take the
    /// slots of all the others.
    pub max_connections_per_address: usize,
    pub header_timeout_secs: u64,
    pub io_timeout_secs: u64,
    /// A request body must deliver at least `body_min_bytes` for every `body_min_secs`
    /// spent waiting for it, or it is cut (408): slow bodies cannot hold slots.
    pub body_min_bytes: usize,
    pub body_min_secs: u64,
    pub sealed: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tls {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    pub behind_proxy: bool,
    pub trusted_proxies: Vec<IpAddr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    Starttls,
    Tls,
    None,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    pub password: Secret,
    pub password_file: PathBuf,
    pub ca_file: PathBuf,
    pub from: String,
}

/// Limits of uploaded documents.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Documents {
    pub max_upload_mib: u64,
    /// A resumable upload left unfinished this long after its last piece is removed.
    pub upload_expiry_secs: u64,
    /// Largest PDF watermarked for a view-only reader, in MiB (it is held in memory).
    pub watermark_max_mib: u64,
}

impl Default for Documents {
    fn default() -> Self {
        Documents {
            max_upload_mib: 10 * 1024,
            upload_expiry_secs: 24 * 3600,
            watermark_max_mib: 200,
        }
    }
}

/// The firms' drop boxes: box-wide ceilings (a firm admin may only set lower limits for his
/// firm) that keep anonymous visitors from filling the disk or spamming an address.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Deposits {
    /// Deposits one e-mail address may open per day, per firm.
    pub per_address_per_day: u32,
    /// Codes one network address may ask for per hour (all addresses together).
    pub per_network_per_hour: u32,
    /// Largest deposit (all its files together), in MiB.
    pub max_deposit_mib: u64,
    /// Largest file of a deposit, in MiB.
    pub max_file_mib: u64,
    /// Files of one deposit at most.
    pub max_files: u32,
    /// Bytes all visitors together may deposit per firm and per day, in MiB.
    pub firm_daily_mib: u64,
    /// How long a visitor's verified session (and a deposit left unsent) lives after its last
    /// action; an unsent deposit is then removed by housekeeping.
    pub session_minutes: u64,
}

impl Default for Deposits {
    fn default() -> Self {
        Deposits {
            per_address_per_day: 5,
            per_network_per_hour: 20,
            max_deposit_mib: 2048,
            max_file_mib: 2048,
            max_files: 100,
            firm_daily_mib: 20 * 1024,
            session_minutes: 120,
        }
    }
}

/// How long sessions last, and when sign-ins are throttled.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sessions {
    pub staff_idle_minutes: u64,
    pub client_idle_minutes: u64,
    pub absolute_hours: u64,
    pub lockout_failures: u32,
    pub lockout_minutes: u64,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            staff_idle_minutes: 8 * 60,
            client_idle_minutes: 30,
            absolute_hours: 24,
            lockout_failures: 5,
            lockout_minutes: 15,
        }
    }
}

/// How the outbox behaves (the relay itself is `[smtp]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mail {
    pub batch_minutes: u64,
    pub retry_first_secs: u64,
    pub retry_max_secs: u64,
    pub give_up_hours: u64,
    pub purge_sent_days: u64,
    pub dkim_selector: String,
    pub dkim_domain: String,
    pub dkim_key_file: PathBuf,
    /// DNS server (`IP` or `IP:PORT`) that the DKIM/SPF/DMARC check asks instead of the box's
    /// own, for offices whose internal DNS does not show the public records; empty: the box's.
    pub dns_check_server: String,
}

impl Mail {
    /// `dns_check_server` as a socket address (port 53 when not given); `None` when empty
    /// or unreadable.
    pub fn dns_check_server_addr(&self) -> Option<SocketAddr> {
        parse_dns_server(&self.dns_check_server)
    }
}

/// A DNS server given as `IP` (port 53) or `IP:PORT` (IPv6 as `[IP]:PORT`).
pub fn parse_dns_server(s: &str) -> Option<SocketAddr> {
    let s = s.trim();
    s.parse::<SocketAddr>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(|ip| SocketAddr::new(ip, 53)))
}

impl Default for Mail {
    fn default() -> Self {
        Mail {
            batch_minutes: 10,
            retry_first_secs: 60,
            retry_max_secs: 6 * 3600,
            give_up_hours: 72,
            purge_sent_days: 30,
            dkim_selector: String::new(),
            dkim_domain: String::new(),
            dkim_key_file: PathBuf::new(),
            dns_check_server: String::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Log {
    pub level: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./huisclos-data"),
            server: Server::default(),
            tls: Tls::default(),
            smtp: Smtp::default(),
            mail: Mail::default(),
            sessions: Sessions::default(),
            documents: Documents::default(),
            deposits: Deposits::default(),
            secure_mail: SecureMail::default(),
            gateway: Gateway::default(),
            log: Log::default(),
            backup: None,
            acme: None,
        }
    }
}

impl Default for Server {
    fn default() -> Self {
        Server {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: String::new(),
            max_connections: 1024,
            max_connections_per_address: 64,
            header_timeout_secs: 15,
            io_timeout_secs: 60,
            body_min_bytes: 8192,
            body_min_secs: 20,
            sealed: false,
        }
    }
}

impl Default for Tls {
    fn default() -> Self {
        Tls {
            cert_file: PathBuf::new(),
            key_file: PathBuf::new(),
            behind_proxy: false,
            trusted_proxies: vec![
                IpAddr::from([127, 0, 0, 1]),
                IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            ],
        }
    }
}

impl Default for Smtp {
    fn default() -> Self {
        Smtp {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: String::new(),
            password: Secret::default(),
            password_file: PathBuf::new(),
            ca_file: PathBuf::new(),
            from: String::new(),
        }
    }
}

impl Default for Log {
    fn default() -> Self {
        Log {
            level: "info".into(),
        }
    }
}

/// What is wrong with a configuration, in words that say what to change.
#[derive(Debug)]
pub enum ConfigError {
    Read(PathBuf, std::io::Error),
    Parse(PathBuf, String),
    Invalid(String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Read(p, e) => {
                write!(f, "cannot read the config file {}: {e}", p.display())
            }
            ConfigError::Parse(p, e) => {
                write!(f, "the config file {} is not valid: {e}", p.display())
            }
            ConfigError::Invalid(e) => write!(f, "invalid configuration: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// How the web front is exposed, derived from `listen` and `[tls]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain HTTP on a loopback address (development, or a local proxy).
    PlainLoopback,
    /// Plain HTTP because a reverse proxy in front terminates TLS.
    BehindProxy,
    /// TLS with the configured certificate files.
    Files { cert: PathBuf, key: PathBuf },
    /// TLS with the certificate generated in `DATA/keys/tls/`.
    Generated,
    /// TLS with certificates issued by an ACME authority (`[acme]`), loopback included.
    Acme,
}

impl Config {
    /// Reads `path`, applies the `HUISCLOS_SMTP_*` environment overrides and validates.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = match path {
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).map_err(|e| ConfigError::Read(p.to_owned(), e))?;
                Config::parse(&text).map_err(|e| ConfigError::Parse(p.to_owned(), e))?
            }
            None => Config::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        config.validate()?;
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.message().to_owned())
    }

    /// Environment variables override the `[smtp]` table (a fixed contract).
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let s = &mut self.smtp;
        if let Some(v) = var("HUISCLOS_SMTP_HOST") {
            s.host = v;
        }
        if let Some(v) = var("HUISCLOS_SMTP_PORT") {
            s.port = v.trim().parse().map_err(|_| {
                ConfigError::Invalid("HUISCLOS_SMTP_PORT must be a port number".into())
            })?;
        }
        if let Some(v) = var("HUISCLOS_SMTP_SECURITY") {
            s.security = match v.trim() {
                "starttls" => SmtpSecurity::Starttls,
                "tls" => SmtpSecurity::Tls,
                "none" => SmtpSecurity::None,
                _ => {
                    return Err(ConfigError::Invalid(
                        "HUISCLOS_SMTP_SECURITY must be starttls, tls or none".into(),
                    ));
                }
            };
        }
        if let Some(v) = var("HUISCLOS_SMTP_USERNAME") {
            s.username = v;
        }
        if let Some(v) = var("HUISCLOS_SMTP_PASSWORD_FILE") {
            s.password_file = v.into();
        }
        if let Some(v) = var("HUISCLOS_SMTP_CA_FILE") {
            s.ca_file = v.into();
        }
        if let Some(v) = var("HUISCLOS_SMTP_FROM") {
            s.from = v;
        }
        Ok(())
    }

    /// Checks the rules that keep the box safe; each message says what to change.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| Err(ConfigError::Invalid(m.to_owned()));
        if self.server.max_connections < 16 {
            return bad("[server] max_connections must be at least 16");
        }
        if self.server.header_timeout_secs == 0 || self.server.io_timeout_secs == 0 {
            return bad("[server] timeouts must be at least 1 second");
        }
        if self.server.max_connections_per_address == 0 {
            return bad("[server] max_connections_per_address must be at least 1");
        }
        if self.server.body_min_bytes == 0 || self.server.body_min_secs == 0 {
            return bad("[server] body_min_bytes and body_min_secs must be at least 1");
        }
        if self.tls.cert_file.as_os_str().is_empty() != self.tls.key_file.as_os_str().is_empty() {
            return bad("[tls] cert_file and key_file must be given together");
        }
        let url = &self.server.public_url;
        if !url.is_empty() && !url.starts_with("https://") && !url.starts_with("http://") {
            return bad("[server] public_url must start with https://");
        }
        if self.documents.upload_expiry_secs == 0 {
            return bad("[documents] upload_expiry_secs must be at least 1");
        }
        let d = &self.deposits;
        if d.per_address_per_day == 0
            || d.per_network_per_hour == 0
            || d.max_deposit_mib == 0
            || d.max_file_mib == 0
            || d.max_files == 0
            || d.firm_daily_mib == 0
            || d.session_minutes == 0
        {
            return bad("[deposits] every limit must be at least 1");
        }
        let s = &self.sessions;
        if s.staff_idle_minutes == 0 || s.client_idle_minutes == 0 || s.absolute_hours == 0 {
            return bad("[sessions] durations must be at least 1");
        }
        if s.lockout_failures < 3 || s.lockout_minutes == 0 {
            return bad(
                "[sessions] lockout_failures must be at least 3 and lockout_minutes at least 1",
            );
        }
        let m = &self.mail;
        if m.retry_first_secs == 0 || m.retry_max_secs < m.retry_first_secs || m.give_up_hours == 0
        {
            return bad(
                "[mail] retry_first_secs must be at least 1, retry_max_secs at least retry_first_secs, give_up_hours at least 1",
            );
        }
        if m.dkim_selector.is_empty() != m.dkim_key_file.as_os_str().is_empty() {
            return bad("[mail] dkim_selector and dkim_key_file must be given together");
        }
        if !m.dns_check_server.is_empty() && m.dns_check_server_addr().is_none() {
            return bad("[mail] dns_check_server must be an IP address, optionally with :PORT");
        }
        if !["error", "warn", "info", "debug"].contains(&self.log.level.as_str()) {
            return bad("[log] level must be error, warn, info or debug");
        }
        if let Some(b) = &self.backup {
            b.check().map_err(ConfigError::Invalid)?;
        }
        if let Some(acme) = &self.acme {
            acme.validate(self).map_err(ConfigError::Invalid)?;
        }
        if !self.smtp.host.is_empty() {
            if self.smtp.security == SmtpSecurity::None && !is_loopback_name(&self.smtp.host) {
                return bad(
                    "[smtp] security = \"none\" is only allowed towards a relay on loopback; use starttls (port 587) or tls (port 465)",
                );
            }
            if !self.smtp.password.is_empty() && !self.smtp.password_file.as_os_str().is_empty() {
                return bad("[smtp] give password or password_file, not both");
            }
        }
        Ok(())
    }

    /// Whether and how TLS is used by the web front.
    pub fn tls_mode(&self) -> TlsMode {
        if self.acme.is_some() {
            TlsMode::Acme
        } else if !self.tls.cert_file.as_os_str().is_empty() {
            TlsMode::Files {
                cert: self.tls.cert_file.clone(),
                key: self.tls.key_file.clone(),
            }
        } else if self.tls.behind_proxy {
            TlsMode::BehindProxy
        } else if self.server.listen.ip().is_loopback() {
            TlsMode::PlainLoopback
        } else {
            TlsMode::Generated
        }
    }

    /// The base URL of the box for links: `public_url`, or one derived from `listen`.
    pub fn base_url(&self) -> String {
        if !self.server.public_url.is_empty() {
            return self.server.public_url.trim_end_matches('/').to_owned();
        }
        // With ACME the box has a name, which its certificate bears.
        if let Some(name) = self.acme.as_ref().and_then(|a| a.domains.first()) {
            return match self.server.listen.port() {
                443 => format!("https://{name}"),
                port => format!("https://{name}:{port}"),
            };
        }
        let scheme = match self.tls_mode() {
            TlsMode::PlainLoopback | TlsMode::BehindProxy => "http",
            _ => "https",
        };
        let addr = self.server.listen;
        let host = match addr.ip() {
            ip if ip.is_unspecified() => "localhost".to_owned(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        format!("{scheme}://{host}:{}", addr.port())
    }

    /// The configuration as TOML, secrets shown as `***` (for `huisclos check`).
    pub fn to_display_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot print: {e}\n"))
    }
}

fn is_loopback_name(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests;
