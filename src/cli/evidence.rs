//! `huisclos evidence verify BUNDLE [--key PEM]`: checks an evidence bundle offline (no data
//! folder, no key, no server): every file against the signed manifest, nothing extra, the
//! signature, the journal, and the archive's canonical form (see
//! `domain::arbitration::evidence_verify`). With `--key`, the bundle must also be signed by that public
//! key (the box's, as the firm publishes it: `huisclos keys public`); without it, the output
//! says that only the bundle's consistency was proven. Fails with the first problem found.

use std::path::PathBuf;

use clap::Subcommand;

use super::box_key::{expect_signer, print_signer};
use crate::domain::arbitration::evidence_verify::verify_file;

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
    expect_signer("evidence bundle", &report.key_fingerprint, key.as_deref())?;
    println!(
        "evidence bundle verified: {} files, each with the SHA-256 of the signed manifest, nothing missing or added",
        report.files
    );
    if let Some(n) = report.journal_entries {
        println!("journal: {n} entries, chain and signature intact");
    }
    println!("archive: canonical, no byte changed");
    print_signer(&report.key_fingerprint, key.as_deref());
    Ok(())
}
