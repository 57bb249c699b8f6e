//! The DNS record printed by `huisclos dkim generate` loads as printed: pasted into a zone
//! file, BIND's `named-checkzone` (bind9-utils) accepts the zone, and dnspython
//! (`python3-dnspython`) reads a TXT record whose strings are at most 255 octets each and join
//! into the value that verifies the generated key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;
use std::process::Command;

use common::*;

/// Runs `dkim generate` and returns the zone-file line it prints and the key's file.
fn generate(data: &Path, kind: &str) -> (String, std::path::PathBuf) {
    let cfg = data.with_extension("toml");
    std::fs::write(
        &cfg,
        "[smtp]\nfrom = \"Cabinet <extranet@cabinet.example>\"\n",
    )
    .unwrap();
    assert!(cli(&["init", "--data", data.to_str().unwrap()], "").0);
    let args = [
        "dkim",
        "generate",
        "--config",
        cfg.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--selector",
        "hc1",
        "--kind",
        kind,
    ];
    let (ok, out, err) = cli(&args, "");
    assert!(ok, "{err}");
    let line = out
        .lines()
        .find(|l| l.starts_with("hc1._domainkey.cabinet.example. IN TXT "))
        .unwrap_or_else(|| panic!("no record in:\n{out}"))
        .to_owned();
    (line, data.join("keys/dkim-hc1.pem"))
}

/// A zone for cabinet.example holding `record`.
fn zone(dir: &Path, record: &str) -> std::path::PathBuf {
    let text = format!(
        "$TTL 3600\n$ORIGIN cabinet.example.\n\
         @ IN SOA ns1.cabinet.example. hostmaster.cabinet.example. 1 7200 3600 1209600 3600\n\
         @ IN NS ns1.cabinet.example.\nns1 IN A 192.0.2.1\n{record}\n"
    );
    let path = dir.join("cabinet.example.zone");
    std::fs::write(&path, text).unwrap();
    path
}

/// The TXT strings of hc1._domainkey in `zone`, as dnspython reads them.
fn dnspython_strings(zone: &Path) -> Vec<String> {
    let script = r#"
import json, sys
import dns.zone
z = dns.zone.from_file(sys.argv[1], origin="cabinet.example.", relativize=False)
rrs = z.find_rdataset("hc1._domainkey.cabinet.example.", "TXT")
print(json.dumps([[s.decode("ascii") for s in r.strings] for r in rrs]))
"#;
    let out = Command::new("/usr/bin/python3")
        .args(["-c", script])
        .arg(zone)
        .output()
        .expect("python3 with python3-dnspython (see README.md)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(records.len(), 1, "one TXT record");
    records.into_iter().next().unwrap()
}

fn record_loads(kind: &str, strings: usize) {
    let t = tempfile::tempdir().unwrap();
    let (line, key) = generate(&t.path().join("data"), kind);
    let zone = zone(t.path(), &line);
    let check = Command::new("named-checkzone")
        .args(["cabinet.example"])
        .arg(&zone)
        .output()
        .expect("named-checkzone (bind9-utils)");
    assert!(
        check.status.success(),
        "named-checkzone refuses:\n{line}\n{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let got = dnspython_strings(&zone);
    assert_eq!(got.len(), strings, "{got:?}");
    assert!(got.iter().all(|s| s.len() <= 255), "{got:?}");
    let expected = huisclos::mail::dkim::DkimSigner::from_pem_file(&key, "hc1", "cabinet.example")
        .unwrap()
        .dns_txt_value()
        .to_owned();
    assert_eq!(got.concat(), expected);
}

#[test]
fn rsa_2048_record_is_two_strings_that_a_zone_loads() {
    record_loads("rsa", 2);
}

#[test]
fn ed25519_record_is_one_string_that_a_zone_loads() {
    record_loads("ed25519", 1);
}
