//! The box's public signing key on the command line: `huisclos keys public` prints it (PEM)
//! and its fingerprint for the firm to publish; `journal verify --export` and `evidence
//! verify` check a file's signer against it (`--key PEM`) and always print the signer's
//! fingerprint. A file checked without `--key` only proves that it is consistent with the
//! key written inside it — anyone can re-chain an altered journal and sign it with a key of
//! his own — and the output says so.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::commands::master_for;
use super::{Common, load};
use crate::crypto::Keyring;
use crate::crypto::signing::{SigningKey, fingerprint};
use crate::datadir::DataDir;
use crate::domain::arbitration::evidence::{public_key_from_pem, public_key_pem};

/// `huisclos keys public [--out FILE]`: the PEM (alone on stdout, or written to FILE) and
/// its fingerprint. Through the running server when there is one (a sealed box needs no
/// passphrase then), else from the wrapped key with the master key.
pub(super) fn public(common: &Common, out: Option<PathBuf>) -> Result<(), String> {
    let data = DataDir::new(load(common)?.data_dir);
    let raw = match crate::control::call(&data, &json!({"op": "public-key"}))? {
        Some((v, _)) => v["public_key"]
            .as_str()
            .and_then(|k| data_encoding::BASE64.decode(k.as_bytes()).ok())
            .ok_or("the server's answer is not readable")?,
        None => {
            let keys = Keyring::new(&master_for(&data, None)?);
            SigningKey::load_or_create(&keys, &data.signing_key())?
                .public_key()
                .to_vec()
        }
    };
    let pem = public_key_pem(&raw);
    let file = out
        .as_ref()
        .map_or("BOX-KEY.pem".to_owned(), |p| p.display().to_string());
    // Without --out, stdout holds the PEM alone (`keys public > box.pem` works); what is
    // said about it goes to stderr.
    let say = |line: String| match out {
        Some(_) => println!("{line}"),
        None => eprintln!("{line}"),
    };
    match &out {
        Some(path) => {
            std::fs::write(path, &pem)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            say(format!("box public key written to {}", path.display()));
        }
        None => print!("{pem}"),
    }
    say(format!("SHA-256 fingerprint: {}", fingerprint(&raw)));
    say(format!(
        "Publish it (or its fingerprint) where those who check the firm's journals and evidence bundles find it; they check with `huisclos journal verify --export FILE --key {file}`."
    ));
    Ok(())
}

/// With `key` (a PEM file, as `keys public` writes it): fails unless the file's signer, of
/// fingerprint `signer`, is that key. `what` names the file in the message.
pub(super) fn expect_signer(what: &str, signer: &str, key: Option<&Path>) -> Result<(), String> {
    let Some(path) = key else {
        return Ok(());
    };
    let pem = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let raw = public_key_from_pem(&pem)
        .ok_or(format!("{} is not an Ed25519 public key", path.display()))?;
    let expected = fingerprint(&raw);
    if expected != signer {
        return Err(format!(
            "{what} NOT verified: it is signed by another key (SHA-256 fingerprint {signer}) than the one in {} ({expected})",
            path.display()
        ));
    }
    Ok(())
}

/// Says who signed: the fingerprint always; without `--key`, that nothing says whose key it
/// is. Call after [`expect_signer`] passed.
pub(super) fn print_signer(signer: &str, key: Option<&Path>) {
    match key {
        Some(path) => println!(
            "signed by the box key of {}, SHA-256 fingerprint {signer}",
            path.display()
        ),
        None => {
            println!("signed by the key with SHA-256 fingerprint {signer}");
            println!(
                "WARNING: no --key given: this only proves that the file is consistent with the key written inside it, not who signed it (anyone can sign an altered copy with a key of his own). Compare the fingerprint above with the box's (`huisclos keys public`, or the firm's settings page), or check again with --key BOX-KEY.pem."
            );
        }
    }
}
