//! The integration tests: one binary, so that the crate is linked once rather than once per
//! file. Each module is one theme (`accounts`, `secure_mail`, …); every test starts the real
//! `huisclos` binary on loopback with a temporary data folder (helpers in [`common`]).
//!
//! Cargo's automatic discovery of `tests/*.rs` is off (`autotests = false` in Cargo.toml):
//! a new file must be declared here, and `every_test_file_is_declared` fails until it is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod access_matrix;
mod accounts;
mod acme;
mod agenda;
mod asides;
mod at_rest;
mod backup;
mod backup_schedule;
mod cli_relative_out;
mod compatibility;
mod confidentiality;
mod crash_uploads;
mod cross_firm;
mod csrf;
mod dataroom;
mod deposits;
mod dkim_check;
mod dkim_record;
mod documents;
mod english;
mod exhibit_stamp_hostile;
mod exhibits;
mod firms_together;
mod first_run;
mod folders;
mod gateway;
mod gateway_crash;
mod gateway_policy;
mod gateway_retry;
mod gateway_swaks;
mod http_framing;
mod http_limits;
mod http_methods;
mod journal;
mod journal_page;
mod lifecycle;
mod mail_dkim;
mod mail_notices;
mod mail_outbox;
mod mail_relay;
mod mail_sentinels;
mod mail_transport;
mod messages;
mod network;
mod notify_per_firm;
mod openapi;
mod pasted_addresses;
mod pdf_scripts;
mod requests;
mod search;
mod secure_mail;
mod server_page;
mod setup;
mod signin_storm;
mod signin_throttle;
mod space_deletion;
mod space_lifecycle;
mod space_lists;
mod static_binary;
mod tls_generated;
mod tus_clients;
mod tus_protocol;
mod ui_look;
mod untrusted_text;
mod upload_nonces;
mod uploads_tus;
mod words;

/// A file under tests/ that this list forgot would never run: fail instead.
#[test]
fn every_test_file_is_declared() {
    let here = include_str!("main.rs");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "rs") {
            let name = p.file_stem().unwrap().to_str().unwrap().to_owned();
            if name != "main" {
                assert!(
                    here.contains(&format!("\nmod {name};\n")),
                    "tests/{name}.rs is not declared in tests/main.rs"
                );
            }
        }
    }
}
