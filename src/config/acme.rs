//! `[acme]`: which authority, which names, and how the box answers its challenges.
//!
//! The fixed contract is `directory`, `domains`, `contact`, `ca_file` and `http_listen`; the
//! other keys have defaults that suit a real box and exist so that tests can choose the
//! challenge and shorten the retries.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::Config;

/// Let's Encrypt's production directory: the default authority.
pub const LETS_ENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";

/// The challenge the box answers (both are always served; this one is chosen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Challenge {
    /// A token over plain HTTP on `http_listen` (RFC 8555 §8.3).
    #[serde(rename = "http-01")]
    Http01,
    /// A special certificate on the HTTPS port itself (RFC 8737).
    #[serde(rename = "tls-alpn-01")]
    TlsAlpn01,
}

impl Challenge {
    pub fn name(self) -> &'static str {
        match self {
            Challenge::Http01 => "http-01",
            Challenge::TlsAlpn01 => "tls-alpn-01",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AcmeConfig {
    /// The directory URL of the ACME server (RFC 8555 §7.1.1).
    pub directory: String,
    /// The names the certificate covers; the first is the box's name.
    pub domains: Vec<String>,
    /// `mailto:` address the authority may write to about the account (optional).
    pub contact: String,
    /// PEM certificates trusted for the directory (a private ACME server); empty: the
    /// public web roots.
    pub ca_file: PathBuf,
    /// Plain HTTP for HTTP-01 and the redirect of everything else to HTTPS.
    pub http_listen: SocketAddr,
    pub challenge: Challenge,
    /// First wait after a failed attempt; doubled at each failure up to `retry_max_secs`.
    pub retry_first_secs: u64,
    pub retry_max_secs: u64,
}

impl Default for AcmeConfig {
    fn default() -> Self {
        AcmeConfig {
            directory: LETS_ENCRYPT.into(),
            domains: Vec::new(),
            contact: String::new(),
            ca_file: PathBuf::new(),
            http_listen: SocketAddr::from(([0, 0, 0, 0], 80)),
            challenge: Challenge::Http01,
            retry_first_secs: 60,
            retry_max_secs: 6 * 3600,
        }
    }
}

impl AcmeConfig {
    /// The rules of `[acme]` and how it sits with the rest of `config`; the message says
    /// what to change.
    pub fn validate(&self, config: &Config) -> Result<(), String> {
        if !self.directory.starts_with("https://") {
            return Err("[acme] directory must be an https:// URL".into());
        }
        if self.domains.is_empty() {
            return Err("[acme] domains must name at least one domain of the box".into());
        }
        if let Some(bad) = self.domains.iter().position(|d| !is_dns_name(d)) {
            return Err(format!(
                "[acme] domains: entry {} is not a domain name (no wildcard, no address, no port)",
                bad + 1
            ));
        }
        if !self.contact.is_empty() && !self.contact.starts_with("mailto:") {
            return Err("[acme] contact must start with mailto:".into());
        }
        if self.http_listen.port() == config.server.listen.port()
            && (self.http_listen.ip() == config.server.listen.ip()
                || self.http_listen.ip().is_unspecified()
                || config.server.listen.ip().is_unspecified())
        {
            return Err("[acme] http_listen must not be the address of --listen".into());
        }
        if self.retry_first_secs == 0 || self.retry_max_secs < self.retry_first_secs {
            return Err("[acme] retry_first_secs must be at least 1 and retry_max_secs at least retry_first_secs".into());
        }
        if !config.tls.cert_file.as_os_str().is_empty() {
            return Err(
                "give either [tls] cert_file and key_file or [acme], not both: remove one".into(),
            );
        }
        // Behind a reverse proxy the proxy terminates TLS: it is the one that must hold the
        // certificate (and answer the challenges), the box never sees a handshake.
        if config.tls.behind_proxy {
            return Err("[acme] cannot work with [tls] behind_proxy = true: the proxy terminates TLS, so let it get the certificate (remove [acme]), or remove behind_proxy to let the box face the clients".into());
        }
        Ok(())
    }
}

/// A host name usable in a certificate validated by HTTP-01 or TLS-ALPN-01.
fn is_dns_name(d: &str) -> bool {
    let labels_ok = d.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    !d.is_empty() && d.len() <= 253 && labels_ok && d.parse::<std::net::IpAddr>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(acme: &str) -> Result<Config, String> {
        let c = Config::parse(&format!("[acme]\n{acme}"))?;
        c.validate().map_err(|e| e.to_string())?;
        Ok(c)
    }

    #[test]
    fn defaults_and_contract_keys() {
        let c = with(
            "domains = [\"box.example.fr\"]\ncontact = \"mailto:it@example.fr\"\nhttp_listen = \"127.0.0.1:8081\"\nca_file = \"/x.pem\"",
        )
        .unwrap();
        let a = c.acme.as_ref().unwrap();
        assert_eq!(a.directory, LETS_ENCRYPT);
        assert_eq!(a.challenge, Challenge::Http01);
        assert_eq!(c.tls_mode(), crate::config::TlsMode::Acme);
        // Links name the box by its first domain, over HTTPS, even on a loopback listen.
        assert_eq!(c.base_url(), "https://box.example.fr:8080");
        let d = Config::parse("[acme]\ndomains = [\"a.fr\"]").unwrap();
        assert_eq!(d.acme.unwrap().http_listen.to_string(), "0.0.0.0:80");
    }

    #[test]
    fn the_shipped_example_documents_every_key() {
        let example = crate::config::EXAMPLE;
        assert!(example.contains("# [acme]"));
        let full = toml::to_string(&AcmeConfig::default()).unwrap();
        for line in full.lines() {
            if let Some((key, _)) = line.split_once(" = ") {
                assert!(
                    example.contains(&format!("# {key} = ")),
                    "[acme] {key} not documented"
                );
            }
        }
        // Uncommented, the example's [acme] is a valid configuration.
        let start = example.find("# [acme]").unwrap();
        let section: String = example[start..]
            .lines()
            .take_while(|l| l.starts_with('#'))
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| l.starts_with('[') || l.contains(" = "))
            .map(|l| format!("{l}\n"))
            .collect();
        let c = Config::parse(&format!("[server]\nlisten = \"0.0.0.0:443\"\n{section}")).unwrap();
        c.validate().unwrap();
        assert_eq!(c.acme.unwrap().domains, ["extranet.cabinet-exemple.fr"]);
    }

    #[test]
    fn refused_with_a_reason() {
        assert!(with("domains = []").unwrap_err().contains("at least one"));
        assert!(
            with("domains = [\"*.a.fr\"]")
                .unwrap_err()
                .contains("entry 1")
        );
        assert!(
            with("domains = [\"10.0.0.1\"]")
                .unwrap_err()
                .contains("entry 1")
        );
        let http = "domains = [\"a.fr\"]\ndirectory = \"http://ca/dir\"";
        assert!(with(http).unwrap_err().contains("https://"));
        let contact = "domains = [\"a.fr\"]\ncontact = \"it@a.fr\"";
        assert!(with(contact).unwrap_err().contains("mailto:"));
        let same = "domains = [\"a.fr\"]\nhttp_listen = \"127.0.0.1:8080\"";
        assert!(with(same).unwrap_err().contains("http_listen"));
        let proxy = Config::parse("[tls]\nbehind_proxy = true\n[acme]\ndomains = [\"a.fr\"]")
            .unwrap()
            .validate()
            .unwrap_err()
            .to_string();
        assert!(proxy.contains("behind_proxy"), "{proxy}");
        let files = "[tls]\ncert_file = \"c\"\nkey_file = \"k\"\n[acme]\ndomains = [\"a.fr\"]";
        let files = Config::parse(files).unwrap().validate().unwrap_err();
        assert!(files.to_string().contains("not both"));
    }
}
