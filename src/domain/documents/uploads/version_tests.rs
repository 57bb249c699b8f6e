//! An upload begun before the STREAM format's version 2 (its blob a version 1 stream, whose
//! nonces follow the position) is never continued: every request answers as for an unknown
//! upload.

use super::*;
use crate::domain::access;
use crate::domain::firms::setup::tests_support;

#[test]
fn an_upload_begun_as_a_version_1_stream_answers_as_unknown() {
    let b = tests_support::firm("Reprise");
    let space = tests_support::space(&b, "Dossier", "dossier");
    let s = access::space(&b.core, &b.admin, space).unwrap();
    let up = s.upload().unwrap();
    let announce = Announce {
        name: "acte.pdf",
        folder: None,
        request: None,
        length: 10,
    };
    let (id, _) = create(&b.core, &up, &announce, 1000).unwrap();
    assert_eq!(status(&b.core, &up, id, 1000).unwrap().offset, 0);
    // The record as version 1 left it: the same, but for the magic of its stream.
    let mut u = store::upload(&b.core.store, s.id, s.key(), id)
        .unwrap()
        .unwrap();
    u.header
        .replace_range(..8, &data_encoding::HEXLOWER.encode(b"HCS1"));
    store::save(&b.core.store, s.id, s.key(), id, &u).unwrap();
    assert!(matches!(
        status(&b.core, &up, id, 1000),
        Err(UploadError::NotFound)
    ));
    assert!(matches!(
        append(&b.core, &up, id, 0, Some(10), &b"0123456789"[..], 1000),
        Err(UploadError::NotFound)
    ));
}
