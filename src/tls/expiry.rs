//! When the certificate the web front serves stops being valid, for the server page: the
//! admin's `[tls] cert_file`, the one issued by ACME, or the generated one in `DATA/keys/tls/`. Read from disk on
//! each call (the generated one is renewed while serving); `None` when the box serves
//! plain HTTP (loopback, or behind a proxy that holds the certificate) or the file is
//! unreadable.

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::config::{Config, TlsMode};
use crate::datadir::DataDir;

/// The `notAfter` (Unix seconds) of the served leaf certificate.
pub fn served_not_after(config: &Config, data: &DataDir) -> Option<i64> {
    let path = match config.tls_mode() {
        TlsMode::PlainLoopback | TlsMode::BehindProxy => return None,
        // Issued by ACME: the certificate in service is the one the renewal thread installed.
        TlsMode::Acme => return crate::tls::acme::status().and_then(|s| s.not_after),
        TlsMode::Files { cert, .. } => cert,
        TlsMode::Generated => data.tls().join("cert.pem"),
    };
    let pem = std::fs::read(path).ok()?;
    let leaf = CertificateDer::pem_slice_iter(&pem).next()?.ok()?;
    crate::tls::inspect::inspect(leaf.as_ref())
        .ok()
        .map(|i| i.validity.not_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_certificate_expiry_is_read_and_plain_http_has_none() {
        let t = tempfile::tempdir().unwrap();
        let data = DataDir::new(t.path());
        data.create().unwrap();
        let mut config = Config::default();
        assert_eq!(served_not_after(&config, &data), None);
        config.server.listen = "0.0.0.0:8443".parse().unwrap();
        assert_eq!(served_not_after(&config, &data), None, "no file yet");
        crate::tls::ensure_generated(&data, &config).unwrap();
        let now = crate::model::time::now();
        let not_after = served_not_after(&config, &data).unwrap();
        let lifetime = crate::tls::validity::LIFETIME_SECS;
        assert!(
            (not_after - now - lifetime).abs() < 120,
            "{not_after} vs {now}"
        );
    }
}
