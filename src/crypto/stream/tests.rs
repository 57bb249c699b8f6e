//! Tests of the STREAM format: round trips, resumption, the checks on altered streams,
//! fresh nonces at every seal (version 2), and version 1 streams still opening.

use super::*;

fn seal(key: &[u8; 32], data: &[u8]) -> Vec<u8> {
    let mut w = EncryptWriter::new(Vec::new(), key).unwrap();
    w.write_all(data).unwrap();
    w.finish().unwrap()
}

fn open(key: &[u8; 32], data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    DecryptReader::new(data, key)?.read_to_end(&mut out)?;
    Ok(out)
}

#[test]
fn round_trips_at_chunk_boundaries() {
    let key = crate::ids::random::<32>();
    for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK] {
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let sealed = seal(&key, &data);
        assert_eq!(sealed.len() as u64, sealed_len(len as u64), "len {len}");
        assert_eq!(open(&key, &sealed).unwrap(), data, "len {len}");
    }
}

#[test]
fn a_resumed_stream_is_the_same_stream() {
    let key = crate::ids::random::<32>();
    let data: Vec<u8> = (0..(2 * CHUNK + 1234)).map(|i| (i % 241) as u8).collect();
    let mut w = EncryptWriter::new(Vec::new(), &key).unwrap();
    w.write_all(&data[..CHUNK + 99]).unwrap();
    let (header, chunks, pending) = (w.header(), w.chunks(), w.pending().to_vec());
    assert_eq!((chunks, pending.len()), (1, 99));
    let sealed_so_far = w.get_mut().clone();
    let mut r = EncryptWriter::resume(sealed_so_far, &key, header, chunks, &pending).unwrap();
    r.write_all(&data[CHUNK + 99..]).unwrap();
    let sealed = r.finish().unwrap();
    assert_eq!(sealed.len() as u64, sealed_len(data.len() as u64));
    assert_eq!(open(&key, &sealed).unwrap(), data);
    assert!(EncryptWriter::resume(Vec::new(), &key, header, 0, &vec![0; CHUNK]).is_err());
}

/// Reads everything with buffers of the given sizes in turn (big ones take the in-place
/// path, small ones the copying path).
fn open_with(key: &[u8; 32], data: &[u8], sizes: &[usize]) -> io::Result<Vec<u8>> {
    let mut r = DecryptReader::new(data, key)?;
    let mut out = Vec::new();
    for i in 0.. {
        let mut buf = vec![0u8; sizes[i % sizes.len()]];
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
    unreachable!()
}

#[test]
fn big_and_small_reader_buffers_give_the_same_bytes_and_the_same_checks() {
    let key = crate::ids::random::<32>();
    let big = 2 * CHUNK;
    for len in [0, 10, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
        let data: Vec<u8> = (0..len).map(|i| (i % 239) as u8).collect();
        let sealed = seal(&key, &data);
        for sizes in [&[big][..], &[SEALED_CHUNK], &[1000, big], &[big, 1000, 7]] {
            assert_eq!(
                open_with(&key, &sealed, sizes).unwrap(),
                data,
                "{len} {sizes:?}"
            );
            if len > CHUNK {
                let mut bad = sealed.clone();
                bad[HEADER_LEN + SEALED_CHUNK + 3] ^= 1;
                assert!(open_with(&key, &bad, sizes).is_err(), "{len} {sizes:?}");
                let cut = &sealed[..HEADER_LEN + SEALED_CHUNK];
                assert!(open_with(&key, cut, sizes).is_err(), "{len} {sizes:?}");
            }
        }
    }
}

#[test]
fn truncation_extension_and_flips_are_detected() {
    let key = crate::ids::random::<32>();
    let data = vec![7u8; 2 * CHUNK + 10];
    let sealed = seal(&key, &data);
    // Cut at a chunk boundary: the last-chunk flag is missing.
    assert!(open(&key, &sealed[..HEADER_LEN + SEALED_CHUNK]).is_err());
    assert!(open(&key, &sealed[..sealed.len() - 1]).is_err());
    let mut longer = sealed.clone();
    longer.push(0);
    assert!(open(&key, &longer).is_err());
    for i in [
        0,
        5,
        11,
        HEADER_LEN,
        HEADER_LEN + NONCE,
        HEADER_LEN + SEALED_CHUNK,
        sealed.len() - 1,
    ] {
        let mut bad = sealed.clone();
        bad[i] ^= 0x80;
        assert!(open(&key, &bad).is_err(), "flip at {i}");
    }
    assert!(open(&crate::ids::random::<32>(), &sealed).is_err());
}

/// The nonces of a finished version 2 stream, as stored before each chunk.
fn nonces(sealed: &[u8]) -> Vec<[u8; NONCE]> {
    assert_eq!(&sealed[..4], MAGIC_V2);
    sealed[HEADER_LEN..]
        .chunks(SEALED_CHUNK)
        .map(|c| c[..NONCE].try_into().unwrap())
        .collect()
}

#[test]
fn a_chunk_sealed_again_with_other_bytes_gets_a_fresh_nonce() {
    let key = crate::ids::random::<32>();
    let (a, b) = (vec![1u8; 3 * CHUNK + 5], vec![2u8; 3 * CHUNK + 5]);
    let mut w = EncryptWriter::new(Vec::new(), &key).unwrap();
    w.write_all(&a[..CHUNK]).unwrap();
    let (header, chunks) = (w.header(), w.chunks());
    // Chunk 1 sealed, then cut off (a crash before its commit).
    w.write_all(&a[CHUNK..2 * CHUNK]).unwrap();
    let cut_off = w.get_mut().clone();
    let committed = cut_off[..HEADER_LEN + SEALED_CHUNK].to_vec();
    let mut r = EncryptWriter::resume(committed, &key, header, chunks, &[]).unwrap();
    r.write_all(&b[CHUNK..]).unwrap();
    let sealed = r.finish().unwrap();
    let mut expected = a[..CHUNK].to_vec();
    expected.extend_from_slice(&b[CHUNK..]);
    assert_eq!(open(&key, &sealed).unwrap(), expected);
    let before = nonces(&cut_off);
    let after = nonces(&sealed);
    assert_eq!((before.len(), after.len()), (2, 4));
    assert_eq!(before[0], after[0], "the committed chunk is kept as it was");
    let mut all = std::collections::HashSet::new();
    for n in before[1..].iter().chain(&after) {
        assert!(all.insert(*n), "nonce {n:02x?} used twice under one key");
    }
}

#[test]
fn every_seal_draws_its_own_nonce_even_for_the_same_bytes_and_position() {
    let key = crate::ids::random::<32>();
    let data = vec![9u8; 2 * CHUNK];
    let (x, y) = (seal(&key, &data), seal(&key, &data));
    let all: std::collections::HashSet<_> = nonces(&x).into_iter().chain(nonces(&y)).collect();
    assert_eq!(all.len(), 6);
}

#[test]
fn chunks_are_bound_to_their_stream_and_their_position() {
    let key = crate::ids::random::<32>();
    let data: Vec<u8> = (0..3 * CHUNK + 9).map(|i| (i % 247) as u8).collect();
    let sealed = seal(&key, &data);
    let chunk = |s: &[u8], i: usize| {
        s[HEADER_LEN + i * SEALED_CHUNK..HEADER_LEN + (i + 1) * SEALED_CHUNK].to_vec()
    };
    // Two whole chunks swapped, nonces and all.
    let mut swapped = sealed[..HEADER_LEN].to_vec();
    for i in [1, 0, 2] {
        swapped.extend(chunk(&sealed, i));
    }
    swapped.extend_from_slice(&sealed[HEADER_LEN + 3 * SEALED_CHUNK..]);
    assert!(open(&key, &swapped).is_err());
    // A chunk of another stream under the same key (a backup's, say).
    let other = seal(&key, &data);
    let mut mixed = sealed.clone();
    mixed[HEADER_LEN..HEADER_LEN + SEALED_CHUNK].copy_from_slice(&chunk(&other, 0));
    assert!(open(&key, &mixed).is_err());
    // A full chunk passed off as the last one.
    let cut = &sealed[..HEADER_LEN + SEALED_CHUNK + 100];
    assert!(open(&key, cut).is_err());
}

#[test]
fn plain_len_inverts_sealed_len_and_refuses_impossible_lengths() {
    let v2 = EncryptWriter::new(Vec::new(), &[0; 32]).unwrap().header();
    for len in [0, 1, CHUNK as u64, 5 * CHUNK as u64 + 3] {
        assert_eq!(plain_len(&v2, sealed_len(len)), Some(len), "{len}");
    }
    assert_eq!(plain_len(&v2, HEADER_LEN as u64 + 27), None);
    assert_eq!(plain_len(&v2, 3), None);
    let mut v1 = v2;
    v1[..4].copy_from_slice(MAGIC_V1);
    assert_eq!(plain_len(&v1, HEADER_LEN as u64 + 16), Some(0));
    assert_eq!(
        plain_len(&v1, (HEADER_LEN + CHUNK + 16 + 20) as u64),
        Some(CHUNK as u64 + 4)
    );
    v1[11] = 1;
    assert_eq!(plain_len(&v1, 100), None);
}

/// A version 1 stream written by the code of that version: key `[5; 32]`, one last chunk.
const V1_STREAM: &str = "48435331c9f498cbef1b3900e505b5abc7d73e62af12ad12709a8c5f49e396f0\
                         66005ceeffe00afc4c309de784852ed606aed55ef0e9eb1b1111180f9ca823af2fc8";

#[test]
fn a_version_1_stream_still_opens_and_is_never_continued() {
    let sealed = data_encoding::HEXLOWER
        .decode(V1_STREAM.as_bytes())
        .unwrap();
    assert_eq!(
        open(&[5; 32], &sealed).unwrap(),
        b"Huis Clos: a v1 stream, kept readable."
    );
    assert!(open(&[6; 32], &sealed).is_err());
    let header: [u8; HEADER_LEN] = sealed[..HEADER_LEN].try_into().unwrap();
    assert!(!resumable(&header));
    assert!(EncryptWriter::resume(Vec::new(), &[5; 32], header, 0, &[]).is_err());
}

/// Seals `data` as version 1 did, straight with ring: `HCS1 | prefix | 0`, then chunks
/// under the nonce `prefix | counter | last` with the header as associated data.
fn seal_v1(key: &[u8; 32], prefix: [u8; 7], data: &[u8]) -> Vec<u8> {
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).unwrap());
    let mut out = b"HCS1".to_vec();
    out.extend_from_slice(&prefix);
    out.push(0);
    let header = out.clone();
    let mut chunks: Vec<&[u8]> = data.chunks(CHUNK).collect();
    if data.len().is_multiple_of(CHUNK) {
        chunks.push(&[]);
    }
    for (i, c) in chunks.iter().enumerate() {
        let mut n = [0u8; NONCE];
        n[..7].copy_from_slice(&prefix);
        n[7..11].copy_from_slice(&(i as u32).to_be_bytes());
        n[11] = u8::from(i + 1 == chunks.len());
        let mut buf = c.to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(n),
            Aad::from(&header),
            &mut buf,
        )
        .unwrap();
        out.extend(buf);
    }
    out
}

#[test]
fn version_1_streams_of_several_chunks_open_with_every_buffer_size() {
    let key = crate::ids::random::<32>();
    for len in [0, 10, CHUNK, 2 * CHUNK + 77] {
        let data: Vec<u8> = (0..len).map(|i| (i % 233) as u8).collect();
        let sealed = seal_v1(&key, [4; 7], &data);
        let header: [u8; HEADER_LEN] = sealed[..HEADER_LEN].try_into().unwrap();
        assert_eq!(plain_len(&header, sealed.len() as u64), Some(len as u64));
        for sizes in [&[2 * CHUNK][..], &[CHUNK + TAG], &[1000, 2 * CHUNK]] {
            assert_eq!(
                open_with(&key, &sealed, sizes).unwrap(),
                data,
                "{len} {sizes:?}"
            );
        }
        if len > CHUNK {
            let cut = &sealed[..HEADER_LEN + CHUNK + TAG];
            assert!(open(&key, cut).is_err(), "{len}: last chunk missing");
        }
    }
}
