//! The generated certificate: made once with private modes, renewed when due with the same
//! key, and the renewed one served by the same server configuration (no restart).

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;

use rustls_pki_types::pem::PemObject;

use super::*;

const DAY: i64 = 86_400;

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn identity() -> Identity {
    Identity {
        listen: "127.0.0.1".parse().unwrap(),
        public_url: "https://extranet.cabinet.test".into(),
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// The certificate `server` presents to a client that trusts only `trusted`, for the name
/// `localhost` at the real time of the test; `None` if the handshake fails.
fn handshake(
    server: Arc<rustls::ServerConfig>,
    trusted: &CertificateDer<'static>,
) -> Option<CertificateDer<'static>> {
    let (mut client_sock, mut server_sock) = UnixStream::pair().unwrap();
    let served = std::thread::spawn(move || {
        let mut conn = rustls::ServerConnection::new(server).unwrap();
        while conn.is_handshaking() {
            if conn.complete_io(&mut server_sock).is_err() {
                break;
            }
        }
    });
    let mut roots = rustls::RootCertStore::empty();
    roots.add(trusted.clone()).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut conn =
        rustls::ClientConnection::new(Arc::new(client), "localhost".try_into().unwrap()).unwrap();
    let mut ok = true;
    while conn.is_handshaking() {
        if conn.complete_io(&mut client_sock).is_err() {
            ok = false;
            break;
        }
    }
    drop(client_sock);
    served.join().unwrap();
    let leaf = conn.peer_certificates().and_then(|c| c.first().cloned());
    leaf.filter(|_| ok).map(|c| c.into_owned())
}

fn served_cert(g: &Generated) -> CertificateDer<'static> {
    g.served().cert[0].clone()
}

#[test]
fn made_once_with_private_modes_then_kept() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("tls");
    let a = Generated::open(&dir, identity(), provider(), now()).unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("key.pem")), 0o600);
    assert_eq!(mode(&dir.join("cert.pem")), 0o600);
    let b = Generated::open(&dir, identity(), provider(), now()).unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_eq!(a.renew_if_due(now()).unwrap(), None);
    let v = inspect(&served_cert(&a)).unwrap().validity;
    assert!((v.not_after - now() - LIFETIME_SECS).abs() < 60, "{v:?}");
    assert!((now() - v.not_before - BACKDATE_SECS).abs() < 60, "{v:?}");
}

#[test]
fn an_expiring_certificate_is_renewed_with_the_same_key_and_served_without_restart() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("tls");
    // Made 380 days ago: 17 days left, still valid now.
    let made = now() - 380 * DAY;
    let g = Arc::new(Generated::open(&dir, identity(), provider(), made).unwrap());
    let key_pem = std::fs::read(dir.join("key.pem")).unwrap();
    let old = served_cert(&g);
    let old_fingerprint = g.fingerprint();
    let server = super::super::finish(
        super::super::builder()
            .unwrap()
            .with_cert_resolver(g.clone()),
    );
    assert_eq!(handshake(server.clone(), &old), Some(old.clone()));
    assert_eq!(g.renew_if_due(made + DAY).unwrap(), None, "not due then");

    let renewed = g.renew_if_due(now()).unwrap().expect("renewed");
    assert_ne!(renewed, old_fingerprint);
    assert_eq!(g.fingerprint(), renewed);
    let new = served_cert(&g);
    let v = inspect(&new).unwrap().validity;
    assert!(!v.is_due(now()), "{v:?}");
    // On disk as served, with the same key.
    let on_disk = CertificateDer::from_pem_file(dir.join("cert.pem")).unwrap();
    assert_eq!(on_disk, new);
    assert_eq!(std::fs::read(dir.join("key.pem")).unwrap(), key_pem);
    assert_eq!(
        g.served().key.public_key().unwrap(),
        Generated::open(&dir, identity(), provider(), now())
            .unwrap()
            .served()
            .key
            .public_key()
            .unwrap()
    );
    // The same server configuration now serves the new certificate; a client that trusted
    // the old one accepts it (same name, same key).
    assert_eq!(handshake(server.clone(), &new), Some(new.clone()));
    assert_eq!(handshake(server, &old), Some(new));
    assert_eq!(g.renew_if_due(now()).unwrap(), None, "done once");
}

#[test]
fn a_certificate_of_an_older_version_or_unreadable_is_replaced_keeping_the_key() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("tls");
    std::fs::create_dir(&dir).unwrap();
    // What older versions wrote: rcgen's defaults, valid 1975–4096.
    let legacy = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    std::fs::write(dir.join("key.pem"), legacy.signing_key.serialize_pem()).unwrap();
    std::fs::write(dir.join("cert.pem"), legacy.cert.pem()).unwrap();
    let g = Generated::open(&dir, identity(), provider(), now()).unwrap();
    let cert = served_cert(&g);
    assert_ne!(cert.as_ref(), legacy.cert.der().as_ref());
    assert!(!inspect(&cert).unwrap().validity.is_due(now()));
    assert_eq!(
        std::fs::read_to_string(dir.join("key.pem")).unwrap(),
        legacy.signing_key.serialize_pem()
    );

    std::fs::write(dir.join("cert.pem"), b"garbage").unwrap();
    let again = Generated::open(&dir, identity(), provider(), now()).unwrap();
    assert_ne!(served_cert(&again), cert);
    assert!(CertificateDer::from_pem_file(dir.join("cert.pem")).is_ok());
}

#[test]
fn a_serial_number_is_never_reused() {
    let key = rcgen::KeyPair::generate().unwrap();
    let names = names::of_box("127.0.0.1".parse().unwrap(), "");
    let a = issue(&key, &names, now()).unwrap();
    let b = issue(&key, &names, now()).unwrap();
    // Same key, names and time: only the serial number differs.
    assert_ne!(a.der(), b.der());
}

#[test]
fn a_name_the_box_gained_makes_a_new_certificate_a_lost_one_does_not() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("tls");
    let plain = Identity {
        listen: "127.0.0.1".parse().unwrap(),
        public_url: String::new(),
    };
    let first = Generated::open(&dir, plain.clone(), provider(), now()).unwrap();
    assert!(
        !inspect(&served_cert(&first))
            .unwrap()
            .names
            .contains(&"extranet.cabinet.test".into())
    );
    let key_pem = std::fs::read(dir.join("key.pem")).unwrap();

    let named = Generated::open(&dir, identity(), provider(), now()).unwrap();
    assert_ne!(named.fingerprint(), first.fingerprint());
    let found = inspect(&served_cert(&named)).unwrap();
    assert_eq!(found.names[0], "extranet.cabinet.test");
    assert_eq!(std::fs::read(dir.join("key.pem")).unwrap(), key_pem);

    // Without the public URL again: its name is one too many, not one missing.
    let again = Generated::open(&dir, plain, provider(), now()).unwrap();
    assert_eq!(again.fingerprint(), named.fingerprint());
}
