//! Resumed partial blobs and nonces: what a crash cut off is sealed again under fresh
//! nonces, and a partial blob of the old stream version is never continued.

use super::*;

fn store() -> (tempfile::TempDir, BlobStore) {
    let t = tempfile::tempdir().unwrap();
    let d = DataDir::new(t.path());
    d.create().unwrap();
    (t, BlobStore::new(d))
}

/// The nonces of the whole chunks of a version 2 blob file, and of its last if `finished`.
fn nonces(raw: &[u8], finished: bool) -> Vec<[u8; 12]> {
    let body = &raw[HEADER_LEN..];
    let mut out: Vec<[u8; 12]> = body
        .chunks_exact(SEALED_CHUNK)
        .map(|c| c[..12].try_into().unwrap())
        .collect();
    if finished {
        out.push(body[out.len() * SEALED_CHUNK..][..12].try_into().unwrap());
    }
    out
}

#[test]
fn a_partial_blob_resumed_with_other_bytes_never_reuses_a_nonce() {
    let (_t, s) = store();
    let root = crate::ids::random::<32>();
    let (first, second) = (vec![1u8; 3 * CHUNK + 9], vec![2u8; 3 * CHUNK + 9]);
    let (id, header) = s.create_partial(&root).unwrap();
    let mut p = s.resume_partial(&root, id, header, 0, &[]).unwrap();
    p.write_all(&first[..CHUNK + 10]).unwrap();
    let (chunks, pending) = p.sync().map(|(c, t)| (c, t.to_vec())).unwrap();
    // Sealed past the commit point, then "crashed".
    p.write_all(&first[CHUNK + 10..]).unwrap();
    drop(p);
    let before = nonces(&fs::read(s.path(id)).unwrap(), false);
    assert_eq!(before.len(), 3);
    // The client comes back with other bytes from the committed offset.
    let mut p = s
        .resume_partial(&root, id, header, chunks, &pending)
        .unwrap();
    p.write_all(&second[CHUNK + 10..]).unwrap();
    p.finish().unwrap();
    let after = nonces(&fs::read(s.path(id)).unwrap(), true);
    assert_eq!(after.len(), 4);
    assert_eq!(after[0], before[0], "the committed chunk stays");
    let mut seen = std::collections::HashSet::new();
    for n in before[1..].iter().chain(&after) {
        assert!(seen.insert(*n), "nonce {n:02x?} used twice");
    }
    let mut expected = first[..CHUNK + 10].to_vec();
    expected.extend_from_slice(&second[CHUNK + 10..]);
    assert_eq!(
        s.digest(&root, id).unwrap(),
        (expected.len() as u64, crate::crypto::sha256(&expected))
    );
}

#[test]
fn a_version_1_partial_blob_is_not_continued() {
    let (_t, s) = store();
    let root = crate::ids::random::<32>();
    let (id, mut header) = s.create_partial(&root).unwrap();
    header[..4].copy_from_slice(b"HCS1");
    fs::write(s.path(id), header).unwrap();
    let err = s.resume_partial(&root, id, header, 0, &[]).err().unwrap();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
}
