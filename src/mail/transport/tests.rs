//! Unit tests of the transport's pure parts; the exchanges with a real relay are in
//! `tests/mail_transport.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::secret::Secret;

#[test]
fn addresses_are_redacted_from_reasons() {
    let r = redact_addresses("550 5.1.1 <jean.dupont+avocat@cabinet-x.fr>: User unknown");
    assert_eq!(r, "550 5.1.1 <address>: User unknown");
    let r = redact_addresses("553 sender a@b.fr not owned by user relay@smtp.example.com.");
    assert_eq!(r, "553 sender <address> not owned by user <address>");
    assert_eq!(
        redact_addresses("no @ here, nor x@ or @y"),
        "no @ here, nor x@ or @y"
    );
    assert_eq!(redact_addresses(&"é".repeat(400)).chars().count(), 300);
}

#[test]
fn errors_display_kind_reason_and_hint() {
    let e = SendError::temporary("421 busy, mail to a@b.fr".into(), "Try later.");
    assert_eq!(
        e.to_string(),
        "temporary failure, will retry: 421 busy, mail to <address> (Try later.)"
    );
    assert!(e.is_temporary());
}

#[test]
fn password_comes_from_the_first_line_of_password_file() {
    let dir = std::env::temp_dir().join(format!("hc-transport-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pass");
    std::fs::write(&file, "s3cr3t \r\nrest\n").unwrap();
    let mut smtp = Smtp {
        host: "relay.example.fr".into(),
        username: "u".into(),
        password_file: file.clone(),
        ..Smtp::default()
    };
    assert_eq!(password(&smtp).unwrap(), "s3cr3t "); // CRLF ends the line; spaces count
    smtp.password = Secret::new("direct");
    assert_eq!(password(&smtp).unwrap(), "direct");
    std::fs::write(&file, "\n").unwrap();
    smtp.password = Secret::default();
    let e = Relay::from_config(&smtp).unwrap_err().to_string();
    assert!(e.contains("password_file") && !e.contains("s3cr3t"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_invalid_host_is_refused_at_build_time() {
    let smtp = Smtp {
        host: "not a host!".into(),
        ..Smtp::default()
    };
    assert!(Relay::from_config(&smtp).is_err());
}
