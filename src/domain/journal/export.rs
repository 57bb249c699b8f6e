//! Signed exports of a space's journal, and their offline verification.
//!
//! The JSON export is `{"space", "entries", "head", "public_key", "signature"}`: `entries`
//! as stored (see [`crate::store::journal`] for the canonical form of each hash), `head` the
//! last entry's hash ([`GENESIS`] for an empty journal), `public_key` the box's Ed25519 public
//! key and `signature` its Ed25519 signature (both standard base64) over
//! `b"huisclos journal v1" || space id (16 bytes) || head (32 bytes)`. [`verify_export`]
//! needs nothing but the file: it recomputes every hash and link and checks the signature
//! with the embedded key, and returns that key, which proves nothing until the reader
//! compares it with the box's published key (`huisclos keys public`).
//! The CSV export has the same entries, one per line, written by [`crate::domain::csv`] (RFC 4180
//! quoting, CRLF line ends, no cell a spreadsheet would run as a formula).

use serde::Deserialize;
use serde_json::{Value, json};

use crate::crypto::signing::{self, SigningKey};
use crate::domain::Core;
use crate::domain::access::Manage;
use crate::domain::journal::entries;
use crate::ids::SpaceId;
use crate::store::StoreError;
use crate::store::journal::{GENESIS, hash_hex};

/// The domain separation prefix of the signed message.
pub const CONTEXT: &[u8] = b"huisclos journal v1";

fn message(space: &[u8], head: &[u8]) -> Vec<u8> {
    [CONTEXT, space, head].concat()
}

/// The box's signing key (created at first need).
pub fn signing_key(core: &Core) -> Result<SigningKey, StoreError> {
    SigningKey::load_or_create(core.store.keys(), &core.data.signing_key()).map_err(|e| {
        log::error!("journal signing key: {e}");
        StoreError::Corrupt("journal signing key")
    })
}

/// The signed JSON export of the managed space's journal.
pub fn export_json(core: &Core, m: &Manage<'_>) -> Result<Value, StoreError> {
    let space = m.space().id;
    let list = entries(core, m)?;
    let head = list.last().map_or(GENESIS.to_owned(), |e| e.hash.clone());
    let head_bytes = data_encoding::HEXLOWER
        .decode(head.as_bytes())
        .map_err(|_| StoreError::Corrupt("journal hash"))?;
    let key = signing_key(core)?;
    let b64 = |b: &[u8]| data_encoding::BASE64.encode(b);
    Ok(json!({
        "space": space.hex(),
        "entries": list,
        "head": head,
        "public_key": b64(key.public_key()),
        "signature": b64(&key.sign(&message(space.as_bytes(), &head_bytes))),
    }))
}

/// The CSV export of the managed space's journal (header line, then one line per entry).
pub fn export_csv(core: &Core, m: &Manage<'_>) -> Result<String, StoreError> {
    let mut out = crate::domain::csv::start(&[
        "seq", "at", "time", "actor", "action", "target", "prev", "hash",
    ]);
    for e in entries(core, m)? {
        let fields = [
            e.seq.to_string(),
            e.at.to_string(),
            crate::model::time::rfc3339(e.at),
            e.actor.hex(),
            e.action,
            e.target,
            e.prev,
            e.hash,
        ];
        out.push_str(&crate::domain::csv::line(&fields));
    }
    Ok(out)
}

/// An entry as read from an export: strings kept exactly as written, so that any change,
/// even of letter case, changes the recomputed hash.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    seq: u64,
    at: i64,
    actor: String,
    action: String,
    target: String,
    prev: String,
    hash: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExport {
    space: String,
    entries: Vec<RawEntry>,
    head: String,
    public_key: String,
    signature: String,
}

/// What an export proves by itself: its entries chain up to a head signed by `public_key`.
/// The file cannot say whose key that is (a forger re-chains and signs with his own): the
/// reader compares it with the box's published key (`journal verify --key`).
#[derive(Debug, PartialEq, Eq)]
pub struct Verified {
    pub entries: usize,
    /// The raw Ed25519 public key written in the export, which signed its head.
    pub public_key: Vec<u8>,
}

/// Checks a JSON export offline: every hash, the chain, the head and the signature by the
/// embedded key. Returns the number of entries and that key, or the first problem found.
pub fn verify_export(text: &str) -> Result<Verified, String> {
    let x: RawExport =
        serde_json::from_str(text).map_err(|e| format!("not a journal export: {e}"))?;
    let mut prev = GENESIS.to_owned();
    for (i, e) in x.entries.iter().enumerate() {
        let seq = i as u64 + 1;
        let broken = |why: &str| format!("the journal is broken at entry {seq}: {why}");
        if e.seq != seq {
            return Err(broken(
                "sequence number out of order (entry missing or moved)",
            ));
        }
        if e.prev != prev {
            return Err(broken("does not follow the previous entry"));
        }
        if e.hash != hash_hex(&e.prev, e.seq, e.at, &e.actor, &e.action, &e.target) {
            return Err(broken("content altered (hash differs)"));
        }
        prev = e.hash.clone();
    }
    if x.head != prev {
        return Err("the head is not the hash of the last entry".into());
    }
    let space = SpaceId::parse(&x.space)
        .filter(|s| s.hex() == x.space)
        .ok_or("the space id is malformed")?;
    let head = data_encoding::HEXLOWER
        .decode(x.head.as_bytes())
        .map_err(|_| "the head is malformed")?;
    let b64 = |s: &str, what: &str| {
        data_encoding::BASE64
            .decode(s.as_bytes())
            .map_err(|_| format!("the {what} is malformed"))
    };
    let key = b64(&x.public_key, "public key")?;
    let sig = b64(&x.signature, "signature")?;
    if !signing::verify(&key, &message(space.as_bytes(), &head), &sig) {
        return Err("the signature does not verify with the embedded public key".into());
    }
    Ok(Verified {
        entries: x.entries.len(),
        public_key: key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AccountId;
    use crate::store::journal::Entry;

    /// An export built as [`export_json`] does, without a Core.
    fn export(n: u64) -> String {
        let space = SpaceId::random();
        let actor = AccountId::random();
        let mut list: Vec<Entry> = Vec::new();
        for seq in 1..=n {
            let prev = list.last().map_or(GENESIS.to_owned(), |e| e.hash.clone());
            let target = format!("document:{}:v{seq}", AccountId::random().hex());
            let hash = hash_hex(&prev, seq, 1_700_000_000, &actor.hex(), "uploaded", &target);
            list.push(Entry {
                seq,
                at: 1_700_000_000,
                actor,
                action: "uploaded".into(),
                target,
                prev,
                hash,
            });
        }
        let head = list.last().map_or(GENESIS.to_owned(), |e| e.hash.clone());
        let (key, _) = SigningKey::generate().unwrap();
        let msg = message(
            space.as_bytes(),
            &data_encoding::HEXLOWER.decode(head.as_bytes()).unwrap(),
        );
        json!({
            "space": space.hex(), "entries": list, "head": head,
            "public_key": data_encoding::BASE64.encode(key.public_key()),
            "signature": data_encoding::BASE64.encode(&key.sign(&msg)),
        })
        .to_string()
    }

    /// A different character at `i` (same class, so the JSON often stays well-formed).
    pub(crate) fn flip(text: &str, i: usize) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        chars[i] = match chars[i] {
            '0' => '1',
            c if c.is_ascii_digit() => '0',
            'a' => 'b',
            c if c.is_ascii_alphabetic() => 'a',
            '"' => 'x',
            _ => '"',
        };
        chars.into_iter().collect()
    }

    #[test]
    fn an_export_verifies_and_any_flipped_character_breaks_it() {
        let text = export(3);
        assert_eq!(verify_export(&text).map(|v| v.entries), Ok(3));
        for i in 0..text.chars().count() {
            let bad = flip(&text, i);
            assert!(
                verify_export(&bad).is_err(),
                "flip at {i} undetected: {bad}"
            );
        }
        assert_eq!(verify_export(&export(0)).map(|v| v.entries), Ok(0));
    }

    #[test]
    fn the_key_that_signed_is_returned_for_the_reader_to_compare() {
        let text = export(2);
        let v = verify_export(&text).unwrap();
        let raw: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            raw["public_key"],
            data_encoding::BASE64.encode(&v.public_key)
        );
        // Any key makes a consistent export: only the comparison says whose it is.
        assert_ne!(verify_export(&export(2)).unwrap().public_key, v.public_key);
    }
}
