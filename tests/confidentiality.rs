//! Encrypted at rest: after a setup, no file of the data folder and no backup contains the
//! firm's name or the administrator's address, in any common encoding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::*;

const FIRM: &str = "Cabinet Témoin-7f3a";
const EMAIL: &str = "temoin-7f3a@example.fr";

fn needles() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for s in [FIRM, EMAIL, "Témoin-7f3a", "temoin-7f3a", "Maître Témoin"] {
        for variant in [s.to_owned(), s.to_lowercase(), s.to_uppercase()] {
            out.push((format!("{variant} utf-8"), variant.as_bytes().to_vec()));
            let le: Vec<u8> = variant
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes())
                .collect();
            let be: Vec<u8> = variant
                .encode_utf16()
                .flat_map(|u| u.to_be_bytes())
                .collect();
            out.push((format!("{variant} utf-16le"), le));
            out.push((format!("{variant} utf-16be"), be));
            let latin1: Vec<u8> = variant.chars().map(|c| c as u32 as u8).collect();
            out.push((format!("{variant} latin-1"), latin1));
        }
    }
    out
}

fn assert_clean(path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap();
    for (what, needle) in needles() {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
            "{} contains {what}",
            path.display()
        );
    }
}

#[test]
fn no_name_or_address_in_any_file_or_backup() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let s = Server::start(&data, &[]);
    let jar = web_setup(&s, FIRM, EMAIL);
    assert!(s.get("/", &jar).text().contains(FIRM));
    let backup = t.path().join("b.hcb");
    let (ok, _, err) = cli(
        &[
            "backup",
            "--data",
            data.to_str().unwrap(),
            "--out",
            backup.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{err}");
    assert_eq!(s.stop(10).code(), Some(0));
    let files = files_below(&data);
    assert!(files.iter().any(|f| f.ends_with("huisclos.redb")));
    for f in files.iter().chain([&backup]) {
        assert_clean(f);
    }
    // Logs carry ids, never names or addresses.
    let log = std::fs::read_to_string(data.with_extension("stderr.log")).unwrap();
    assert!(
        !log.contains("7f3a"),
        "the log names the firm or admin:\n{log}"
    );
}
