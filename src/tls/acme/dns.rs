//! Host names of the ACME server resolved by the box's own resolver ([`crate::net::resolve`])
//! instead of ureq's default, which calls `getaddrinfo`: in the static binary glibc's NSS
//! modules cannot be relied on (the same reason as for the SMTP relay).

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

#[derive(Debug, Default)]
pub struct BoxResolver;

impl Resolver for BoxResolver {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().ok_or(ureq::Error::HostNotFound)?;
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("http") {
                80
            } else {
                443
            });
        let found = crate::net::resolve::resolve(host, port).map_err(|e| {
            log::warn!("acme: the authority's name does not resolve: {e}");
            ureq::Error::HostNotFound
        })?;
        let mut addrs = self.empty();
        for a in found {
            if addrs.try_push(a).is_err() {
                break;
            }
        }
        if addrs.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_localhost_without_libc() {
        let r = BoxResolver;
        let config = Config::default();
        let uri: Uri = "https://127.0.0.1:14000/dir".parse().unwrap();
        let got = r.resolve(&uri, &config, NextTimeout::default()).unwrap();
        assert_eq!(got[..], ["127.0.0.1:14000".parse().unwrap()]);
        let uri: Uri = "https://localhost/dir".parse().unwrap();
        let got = r.resolve(&uri, &config, NextTimeout::default()).unwrap();
        assert!(got.iter().all(|a| a.port() == 443 && a.ip().is_loopback()));
    }
}
