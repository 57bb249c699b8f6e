//! `huisclos evidence verify BUNDLE [--key PEM]`: checks an evidence bundle offline (no data
//! folder, no key, no server): every file against the signed manifest, nothing extra, the
//! signature, the journal, and the archive's canonical form (see
//! `domain::evidence_verify`). With `--key`, the bundle must also be signed by that public
//! key (the box's, as the firm publishes it). Fails with the first problem found.

use std::path::PathBuf;

use clap::Subcommand;

use crate::domain::evidence::public_key_from_pem;
use crate::domain::evidence_verify::verify_file;

#[derive(Subcommand)]
pub(super) enum EvidenceAction {
    /// Check an evidence bundle (.zip) offline: any changed byte is detected.
    Verify {
        bundle: PathBuf,
        /// The box's public key (PEM) that must have signed the bundle.
        #[arg(long)]
        key: Option<PathBuf>,
    },
}

pub(super) fn run(action: EvidenceAction) -> Result<(), String> {
    let EvidenceAction::Verify { bundle, key } = action;
    let report = verify_file(&bundle).map_err(|e| format!("evidence bundle NOT verified: {e}"))?;
    if let Some(path) = key {
        let pem = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let raw = public_key_from_pem(&pem)
            .ok_or(format!("{} is not an Ed25519 public key", path.display()))?;
        let fingerprint = data_encoding::HEXLOWER.encode(&crate::crypto::sha256(&raw));
        if fingerprint != report.key_fingerprint {
            return Err(format!(
                "evidence bundle NOT verified: it is signed by another key than {}",
                path.display()
            ));
        }
    }
    println!(
        "evidence bundle verified: {} files, each with the SHA-256 of the signed manifest, nothing missing or added",
        report.files
    );
    if let Some(n) = report.journal_entries {
        println!("journal: {n} entries, chain and signature intact");
    }
    println!("archive: canonical, no byte changed");
    println!(
        "signed by the box key with SHA-256 fingerprint {}",
        report.key_fingerprint
    );
    Ok(())
}
