//! One issuance, start to end: account, order, challenges, CSR, chain; the result sealed
//! on disk before it is served.

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use zeroize::Zeroizing;

use crate::tls::acme::client::{Client, Order};
use crate::tls::acme::jws::AccountKey;
use crate::tls::acme::resolver::Resolver;
use crate::tls::acme::store::{Account, Certificate, Store};
use crate::tls::acme::{AcmeConfig, AcmeError, Challenge, Issued};

/// Gets a certificate for `cfg.domains`, answering the challenges through `resolver`.
pub fn issue(cfg: &AcmeConfig, store: &Store, resolver: &Resolver) -> Result<Issued, AcmeError> {
    let roots = trusted_roots(cfg)?;
    let (key, kid) = match store.account(&cfg.directory)? {
        Some(a) => (AccountKey::from_pkcs8(&a.key)?, a.kid),
        None => {
            let key = AccountKey::generate()?;
            let account = Account {
                key: Zeroizing::new(key.pkcs8().to_vec()),
                kid: None,
            };
            store.save_account(&cfg.directory, &account)?;
            (key, None)
        }
    };
    let mut client = Client::connect(&cfg.directory, roots, key, kid.clone())?;
    let order = match order(&mut client, cfg, store, kid.as_deref()) {
        // The authority forgot the account (a test server restarted, an account
        // deactivated): the same key registers again, once.
        Err(AcmeError::Problem(_, t)) if t == "accountDoesNotExist" => {
            client.forget_account();
            order(&mut client, cfg, store, None)?
        }
        other => other?,
    };
    let result = answer_and_finalize(&mut client, cfg, &order, resolver);
    resolver.clear_challenges();
    let (chain, leaf_key) = result?;
    let issued = Issued::from_pem(&chain, &leaf_key)?;
    store.save_certificate(&Certificate {
        chain,
        key: leaf_key,
    })?;
    Ok(issued)
}

/// Registers the account if needed (saving its URL) and opens an order.
fn order(
    client: &mut Client,
    cfg: &AcmeConfig,
    store: &Store,
    stored_kid: Option<&str>,
) -> Result<Order, AcmeError> {
    let kid = client.account(&cfg.contact)?;
    if stored_kid != Some(kid.as_str()) {
        let account = Account {
            key: Zeroizing::new(client.key().pkcs8().to_vec()),
            kid: Some(kid),
        };
        store.save_account(&cfg.directory, &account)?;
        log::info!("acme: account registered");
    }
    client.new_order(&cfg.domains)
}

fn answer_and_finalize(
    client: &mut Client,
    cfg: &AcmeConfig,
    order: &Order,
    resolver: &Resolver,
) -> Result<(String, Zeroizing<Vec<u8>>), AcmeError> {
    for authz in &order.authorizations {
        let Some(pending) = client.challenge(authz, cfg.challenge.name())? else {
            continue;
        };
        let key_authorization = client.key().key_authorization(&pending.token);
        match cfg.challenge {
            Challenge::Http01 => resolver.add_http(&pending.token, key_authorization),
            Challenge::TlsAlpn01 => resolver.add_alpn(&pending.domain, &key_authorization)?,
        }
        client.validate(&pending.url, authz)?;
        log::info!(
            "acme: {} validated for {}",
            cfg.challenge.name(),
            pending.domain
        );
    }
    let (leaf_key, csr) = csr(&cfg.domains)?;
    let chain = client.finalize(order, &csr)?;
    Ok((chain, leaf_key))
}

/// A fresh P-256 key for the certificate and the CSR (DER) naming `domains`, signed by it.
/// A new key at every issuance: a key the authority saw once is not reused.
pub fn csr(domains: &[String]) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), AcmeError> {
    let key = rcgen::KeyPair::generate().map_err(|_| AcmeError::Crypto)?;
    let mut params =
        rcgen::CertificateParams::new(domains.to_vec()).map_err(|_| AcmeError::Crypto)?;
    // rcgen's default subject is a placeholder common name; the names are in the SAN.
    params.distinguished_name = rcgen::DistinguishedName::new();
    let request = params
        .serialize_request(&key)
        .map_err(|_| AcmeError::Crypto)?;
    Ok((
        Zeroizing::new(key.serialize_der()),
        request.der().as_ref().to_vec(),
    ))
}

/// The certificates of `ca_file` (DER), or `None` for the web roots.
fn trusted_roots(cfg: &AcmeConfig) -> Result<Option<Vec<Vec<u8>>>, AcmeError> {
    if cfg.ca_file.as_os_str().is_empty() {
        return Ok(None);
    }
    let pem = std::fs::read(&cfg.ca_file)
        .map_err(|e| AcmeError::Store(format!("[acme] ca_file {}: {e}", cfg.ca_file.display())))?;
    let certs: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(&pem)
        .map(|c| c.map(|c| c.as_ref().to_vec()))
        .collect::<Result<_, _>>()
        .map_err(|_| AcmeError::Store("[acme] ca_file holds no PEM certificate".into()))?;
    if certs.is_empty() {
        return Err(AcmeError::Store(
            "[acme] ca_file holds no PEM certificate".into(),
        ));
    }
    Ok(Some(certs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csr_names_every_domain_under_the_new_key() {
        let domains = vec!["box.example.fr".to_owned(), "www.example.fr".to_owned()];
        let (key, der) = csr(&domains).unwrap();
        for d in &domains {
            assert!(
                der.windows(d.len()).any(|w| w == d.as_bytes()),
                "{d} missing"
            );
        }
        let pair = rcgen::KeyPair::try_from(key.as_slice()).unwrap();
        let public = pair.public_key_raw();
        assert!(
            der.windows(public.len()).any(|w| w == public),
            "not the key's CSR"
        );
        assert!(
            !der.windows(6).any(|w| w == b"rcgen "),
            "no placeholder subject"
        );
        let (other, _) = csr(&domains).unwrap();
        assert_ne!(key.as_slice(), other.as_slice(), "a new key every time");
    }
}
