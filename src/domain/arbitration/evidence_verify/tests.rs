//! Evidence bundles: written, verified, and any changed byte found.

use super::*;
use crate::crypto::signing::SigningKey;
use crate::domain::arbitration::evidence::{Entry, Plan, Source, public_key_pem, write_bundle};

fn no_blobs(_: crate::ids::BlobId) -> io::Result<Box<dyn Read>> {
    Err(io::Error::other("no blob in this test"))
}

fn bundle(key: &SigningKey, extra: Option<(&str, Vec<u8>)>) -> Vec<u8> {
    let mut entries = vec![
        Entry {
            name: "LISEZMOI.txt".into(),
            source: Source::Bytes(b"lisez-moi".to_vec()),
        },
        Entry {
            name: "bordereau.pdf".into(),
            source: Source::Bytes(b"%PDF-1.7 bordereau".to_vec()),
        },
        Entry {
            name: "pieces/D-1 - Contrat de bail signé.pdf".into(),
            source: Source::Bytes((0..3000u32).map(|i| (i % 251) as u8).collect()),
        },
    ];
    if let Some((name, bytes)) = extra {
        entries.push(Entry {
            name: name.into(),
            source: Source::Bytes(bytes),
        });
    }
    entries.push(Entry {
        name: PUBLIC_KEY.into(),
        source: Source::Bytes(public_key_pem(key.public_key()).into_bytes()),
    });
    let plan = Plan {
        entries,
        at: 1_772_546_700,
        file_name: "b.zip".into(),
    };
    let mut out = Vec::new();
    write_bundle(&plan, key, &no_blobs, &mut out).unwrap();
    out
}

#[test]
fn a_bundle_verifies_and_is_canonical() {
    let (key, _) = SigningKey::generate().unwrap();
    let a = bundle(&key, None);
    let report = verify_bytes(&a).unwrap();
    assert_eq!(
        report.files, 4,
        "every file but the manifest and its signature"
    );
    assert_eq!(report.journal_entries, None);
    assert_eq!(
        report.key_fingerprint,
        data_encoding::HEXLOWER.encode(&crate::crypto::sha256(key.public_key()))
    );
    // Same plan, same key: the same bytes (Ed25519 signatures are deterministic).
    assert_eq!(a, bundle(&key, None));
    let pem = public_key_pem(key.public_key());
    assert_eq!(public_key_from_pem(&pem).as_deref(), Some(key.public_key()));
}

#[test]
fn a_flipped_byte_anywhere_fails_with_a_message() {
    let (key, _) = SigningKey::generate().unwrap();
    let good = bundle(&key, None);
    let mut messages = std::collections::BTreeSet::new();
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        let err = verify_bytes(&bad).expect_err(&format!("flip at byte {i} undetected"));
        assert!(!err.is_empty());
        messages.insert(err.split(':').next().unwrap_or("").to_owned());
    }
    assert!(
        messages.len() > 3,
        "different failures are told apart: {messages:?}"
    );
    // Bytes added at the end, or the archive cut short, fail too.
    let mut longer = good.clone();
    longer.push(0);
    assert!(verify_bytes(&longer).is_err());
    assert!(verify_bytes(&good[..good.len() - 1]).is_err());
}

#[test]
fn an_unlisted_file_another_key_or_a_bad_journal_fail() {
    let (key, _) = SigningKey::generate().unwrap();
    // A journal signed by another key than the bundle's.
    let (other, _) = SigningKey::generate().unwrap();
    let space = crate::ids::SpaceId::random();
    let head = crate::store::journal::GENESIS;
    let msg = [
        crate::domain::journal::export::CONTEXT,
        space.as_bytes(),
        &data_encoding::HEXLOWER.decode(head.as_bytes()).unwrap(),
    ]
    .concat();
    let journal = |k: &SigningKey| {
        serde_json::json!({
            "space": space.hex(), "entries": [], "head": head,
            "public_key": data_encoding::BASE64.encode(k.public_key()),
            "signature": data_encoding::BASE64.encode(&k.sign(&msg)),
        })
        .to_string()
        .into_bytes()
    };
    let ok = bundle(&key, Some(("journal.json", journal(&key))));
    assert_eq!(verify_bytes(&ok).unwrap().journal_entries, Some(0));
    let foreign = bundle(&key, Some(("journal.json", journal(&other))));
    assert!(verify_bytes(&foreign).unwrap_err().contains("another key"));
    assert!(
        check_manifest(b"", &[("x.pdf".into(), "00".repeat(32))])
            .unwrap_err()
            .contains("not in")
    );
    assert!(verify_bytes(b"PK\x03\x04 not really").is_err());
}
