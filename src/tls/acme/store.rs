//! The ACME account and the issued certificate, sealed in `DATA/keys/acme/`.
//!
//! **Which key seals them.** Not the master key: in sealed mode it exists only once the
//! passphrase is given, yet the HTTPS port must serve the unlock page with the issued
//! certificate before that, and the renewal thread must be able to renew a box that waits
//! to be unlocked. So both files are sealed (AES-SIV, [`crate::crypto::RecordKey`]) with a
//! key of their own, `storage.key` (random, 0600), made at the first issuance. Like
//! `keys/tls/key.pem`, it protects nothing against root on the running box (out of scope:
//! SECURITY.md); what it gives is that the two files alone — copied off by a tool, a
//! support bundle, a backup of the data folder without `keys/` — show no private key. A
//! backup made by `huisclos backup` holds none of the three: a restored box issues anew.
//!
//! The account file is bound to the directory URL (the associated data), so a box moved to
//! another authority creates a new account there instead of signing with a `kid` the new
//! authority never issued.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::crypto::RecordKey;
use crate::datadir::{create_private_dir, write_private};
use crate::tls::acme::AcmeError;

const B64: data_encoding::Encoding = data_encoding::BASE64;

/// The sealed files of one data folder.
pub struct Store {
    dir: PathBuf,
    key: RecordKey,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ACME store")
    }
}

#[derive(Serialize, Deserialize)]
struct AccountFile {
    key: String,
    kid: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct CertificateFile {
    chain: String,
    key: String,
}

/// A stored account: its PKCS#8 key and URL (`None` until the authority made it).
pub struct Account {
    pub key: Zeroizing<Vec<u8>>,
    pub kid: Option<String>,
}

/// A stored certificate: the PEM chain and the PKCS#8 key of its leaf.
pub struct Certificate {
    pub chain: String,
    pub key: Zeroizing<Vec<u8>>,
}

impl Store {
    /// Opens `dir` (`DATA/keys/acme`), creating it and its key on first use.
    pub fn open(dir: &Path) -> Result<Store, AcmeError> {
        create_private_dir(dir).map_err(|e| AcmeError::Store(e.to_string()))?;
        let path = dir.join("storage.key");
        let bytes = match std::fs::read(&path) {
            Ok(b) => Zeroizing::new(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let fresh = Zeroizing::new(crate::ids::random::<64>().to_vec());
                write_private(&path, &fresh, false).map_err(|e| AcmeError::Store(e.to_string()))?;
                fresh
            }
            Err(e) => return Err(AcmeError::Store(e.to_string())),
        };
        let key: &[u8; 64] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| AcmeError::Store("keys/acme/storage.key is not 64 bytes".into()))?;
        Ok(Store {
            dir: dir.to_owned(),
            key: RecordKey::new(key),
        })
    }

    pub fn account(&self, directory: &str) -> Result<Option<Account>, AcmeError> {
        let Some(plain) = self.read("account.sealed", "acme/account", directory.as_bytes())? else {
            return Ok(None);
        };
        let file: AccountFile =
            serde_json::from_slice(&plain).map_err(|_| AcmeError::Store("account file".into()))?;
        Ok(Some(Account {
            key: decode(&file.key)?,
            kid: file.kid,
        }))
    }

    pub fn save_account(&self, directory: &str, account: &Account) -> Result<(), AcmeError> {
        let file = AccountFile {
            key: B64.encode(&account.key),
            kid: account.kid.clone(),
        };
        self.write(
            "account.sealed",
            "acme/account",
            directory.as_bytes(),
            &file,
        )
    }

    pub fn certificate(&self) -> Result<Option<Certificate>, AcmeError> {
        let Some(plain) = self.read("certificate.sealed", "acme/certificate", b"")? else {
            return Ok(None);
        };
        let file: CertificateFile = serde_json::from_slice(&plain)
            .map_err(|_| AcmeError::Store("certificate file".into()))?;
        Ok(Some(Certificate {
            chain: file.chain,
            key: decode(&file.key)?,
        }))
    }

    pub fn save_certificate(&self, cert: &Certificate) -> Result<(), AcmeError> {
        let file = CertificateFile {
            chain: cert.chain.clone(),
            key: B64.encode(&cert.key),
        };
        self.write("certificate.sealed", "acme/certificate", b"", &file)
    }

    /// The opened content of `name`; `None` when absent. A file that does not open (other
    /// key, other directory, damaged) counts as absent: it is made anew.
    fn read(
        &self,
        name: &str,
        table: &str,
        ad: &[u8],
    ) -> Result<Option<Zeroizing<Vec<u8>>>, AcmeError> {
        let sealed = match std::fs::read(self.dir.join(name)) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(AcmeError::Store(e.to_string())),
        };
        match self.key.open(table, ad, &sealed) {
            Ok(plain) => Ok(Some(Zeroizing::new(plain))),
            Err(_) => {
                log::warn!("acme: keys/acme/{name} does not open; it is made anew");
                Ok(None)
            }
        }
    }

    fn write(
        &self,
        name: &str,
        table: &str,
        ad: &[u8],
        value: &impl Serialize,
    ) -> Result<(), AcmeError> {
        let plain =
            Zeroizing::new(serde_json::to_vec(value).map_err(|e| AcmeError::Store(e.to_string()))?);
        let sealed = self.key.seal(table, ad, &plain);
        write_private(&self.dir.join(name), &sealed, true)
            .map_err(|e| AcmeError::Store(e.to_string()))
    }
}

fn decode(s: &str) -> Result<Zeroizing<Vec<u8>>, AcmeError> {
    B64.decode(s.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| AcmeError::Store("stored key".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_on_disk_and_bound_to_the_directory() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("acme");
        let store = Store::open(&dir).unwrap();
        let account = Account {
            key: Zeroizing::new(b"PKCS8-SECRET".to_vec()),
            kid: Some("https://ca/acct/1".into()),
        };
        store.save_account("https://ca/dir", &account).unwrap();
        store
            .save_certificate(&Certificate {
                chain: "CHAIN".into(),
                key: Zeroizing::new(b"LEAF-SECRET".to_vec()),
            })
            .unwrap();
        for name in ["account.sealed", "certificate.sealed"] {
            let raw = std::fs::read(dir.join(name)).unwrap();
            let b64 = B64.encode(b"PKCS8-SECRET");
            assert!(
                !String::from_utf8_lossy(&raw).contains(&b64),
                "{name} in clear"
            );
        }
        // Reopened (same storage key): both read back.
        let again = Store::open(&dir).unwrap();
        let got = again.account("https://ca/dir").unwrap().unwrap();
        assert_eq!(got.key.as_slice(), b"PKCS8-SECRET");
        assert_eq!(got.kid.as_deref(), Some("https://ca/acct/1"));
        assert_eq!(
            again.certificate().unwrap().unwrap().key.as_slice(),
            b"LEAF-SECRET"
        );
        // Another authority: no account there yet.
        assert!(again.account("https://other/dir").unwrap().is_none());
        // Another storage key: nothing opens.
        std::fs::remove_file(dir.join("storage.key")).unwrap();
        let other = Store::open(&dir).unwrap();
        assert!(other.certificate().unwrap().is_none());
    }
}
