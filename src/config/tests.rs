//! Tests of the configuration: defaults, the shipped example, validation, overrides.
use super::*;

#[test]
fn defaults_are_the_embedded_defaults() {
    let c = Config::load(None).unwrap();
    assert_eq!(c.data_dir, PathBuf::from("./huisclos-data"));
    assert_eq!(c.server.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.tls_mode(), TlsMode::PlainLoopback);
    assert!(c.smtp.host.is_empty());
    assert_eq!(c.base_url(), "http://127.0.0.1:8080");
}

#[test]
fn shipped_example_parses_and_mentions_every_option() {
    let c = Config::parse(EXAMPLE).unwrap();
    c.validate().unwrap();
    // Every key of the full config appears in the commented example.
    let full = toml::to_string(&Config::default()).unwrap();
    for line in full.lines() {
        if let Some((key, _)) = line.split_once(" = ") {
            assert!(
                EXAMPLE.contains(&format!("# {key} = ")),
                "option {key} is not documented in docs/huisclos.example.toml"
            );
        }
    }
}

#[test]
fn unknown_keys_are_refused() {
    assert!(Config::parse("[server]\nlisten_addr = \"1.2.3.4:1\"\n").is_err());
}

#[test]
fn non_loopback_requires_tls_unless_behind_a_proxy() {
    let mut c = Config::parse("[server]\nlisten = \"0.0.0.0:8443\"\n").unwrap();
    assert_eq!(c.tls_mode(), TlsMode::Generated);
    assert_eq!(c.base_url(), "https://localhost:8443");
    c.tls.behind_proxy = true;
    assert_eq!(c.tls_mode(), TlsMode::BehindProxy);
}

#[test]
fn plain_smtp_only_towards_loopback() {
    let mut c = Config::default();
    c.smtp.host = "smtp.example.fr".into();
    c.smtp.security = SmtpSecurity::None;
    assert!(c.validate().is_err());
    c.smtp.host = "127.0.0.1".into();
    assert!(c.validate().is_ok());
}

#[test]
fn environment_overrides_smtp() {
    let mut c = Config::default();
    c.apply_env(|k| match k {
        "HUISCLOS_SMTP_HOST" => Some("relay.example.fr".into()),
        "HUISCLOS_SMTP_PORT" => Some("465".into()),
        "HUISCLOS_SMTP_SECURITY" => Some("tls".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(c.smtp.host, "relay.example.fr");
    assert_eq!(c.smtp.port, 465);
    assert_eq!(c.smtp.security, SmtpSecurity::Tls);
    assert!(c.apply_env(|_| Some("x".into())).is_err());
}

#[test]
fn display_hides_secrets() {
    let mut c = Config::default();
    c.smtp.password = Secret::new("s3cr3t-relay-password");
    let shown = c.to_display_toml();
    assert!(!shown.contains("s3cr3t"));
    assert!(shown.contains("***"));
}

#[test]
fn per_address_cap_and_body_rate_must_be_positive() {
    let c = Config::default();
    assert_eq!(c.server.max_connections_per_address, 64);
    assert_eq!(
        (c.server.body_min_bytes, c.server.body_min_secs),
        (8192, 20)
    );
    for text in [
        "[server]\nmax_connections_per_address = 0\n",
        "[server]\nbody_min_bytes = 0\n",
        "[server]\nbody_min_secs = 0\n",
    ] {
        assert!(Config::parse(text).unwrap().validate().is_err(), "{text}");
    }
    let c =
        Config::parse("[server]\nmax_connections_per_address = 2\nbody_min_secs = 1\n").unwrap();
    assert!(c.validate().is_ok());
}

#[test]
fn dns_check_server_is_an_ip_with_an_optional_port() {
    let with = |v: &str| Config::parse(&format!("[mail]\ndns_check_server = \"{v}\"\n")).unwrap();
    assert_eq!(
        with("9.9.9.9").mail.dns_check_server_addr(),
        Some("9.9.9.9:53".parse().unwrap())
    );
    let c = with("[2001:db8::1]:5353");
    assert_eq!(
        c.mail.dns_check_server_addr(),
        Some("[2001:db8::1]:5353".parse().unwrap())
    );
    assert!(c.validate().is_ok());
    assert!(with("ns1.example").validate().is_err());
    assert!(with("").validate().is_ok());
}
