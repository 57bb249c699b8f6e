//! The commands that do more than call one function: master-key lookup for offline work,
//! test e-mails, DKIM keys, backups through the running server or from the stopped box.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::backup;
use crate::config::Config;
use crate::crypto::MasterKey;
use crate::datadir::DataDir;
use crate::secret::Secret;
use crate::service::keys;

pub(super) fn read_stdin_line(what: &str) -> Result<Secret, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the {what} on stdin: {e}"))?;
    let value = line.trim_end_matches(['\r', '\n']).to_owned();
    if value.is_empty() {
        return Err(format!("give the {what} on stdin"));
    }
    Ok(Secret::new(value))
}

/// The master key for offline work on `data`: a key file, or the passphrase of a sealed box.
pub(super) fn master_for(data: &DataDir, key_file: Option<&Path>) -> Result<MasterKey, String> {
    let path = key_file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| data.master_key());
    if path.exists() {
        return MasterKey::load(&path).map_err(|e| format!("cannot read {}: {e}", path.display()));
    }
    if data.sealed_params().exists() {
        let pass = read_stdin_line("passphrase")?;
        return keys::master_from_passphrase(data, &pass, &pass)
            .map_err(|_| "the passphrase is not the right one".to_owned());
    }
    Err(format!(
        "no master key: {} does not exist. Give the key of the box with --master-key FILE (see SECURITY.md, \"Where the master key lives\")",
        path.display()
    ))
}

pub(super) fn dkim_generate(
    config: &Config,
    selector: &str,
    kind: &str,
    out: Option<PathBuf>,
) -> Result<(), String> {
    use crate::mail::dkim::{DkimKeyKind, generate_dkim_key};
    let kind = match kind {
        "ed25519" => DkimKeyKind::Ed25519,
        "rsa" => DkimKeyKind::Rsa2048,
        _ => return Err("--kind must be ed25519 or rsa".into()),
    };
    if selector.is_empty()
        || !selector
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err("--selector must be letters, digits and dashes".into());
    }
    let data = DataDir::new(&config.data_dir);
    let path = out.unwrap_or_else(|| data.keys().join(format!("dkim-{selector}.pem")));
    if let Some(parent) = path.parent() {
        crate::datadir::create_private_dir(parent).map_err(|e| e.to_string())?;
    }
    let (pem, txt) = generate_dkim_key(kind).map_err(|e| e.to_string())?;
    crate::datadir::write_private(&path, pem.as_bytes(), false)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let domain = crate::mail::deliver::from_mailbox(config)
        .map(|m| m.email.domain().to_owned())
        .unwrap_or_else(|_| "YOUR-DOMAIN".into());
    println!(
        "Private key written to {} (keep it private).",
        path.display()
    );
    let name = format!("{selector}._domainkey.{domain}.");
    println!(
        "Publish this DNS TXT record (zone-file form):\n\n{}\n",
        crate::mail::dkim::zone_record(&name, &txt)
    );
    println!(
        "In a registrar's web form: name {selector}._domainkey, type TXT, value (one line):\n\n{txt}\n"
    );
    println!(
        "Then set in [mail]: dkim_selector = \"{selector}\" and dkim_key_file = \"{}\"",
        path.display()
    );
    Ok(())
}

/// Sends a test mail through the running server, or directly when it is stopped.
pub(super) fn test_email(config: &Config, to: &str, wait: u64) -> Result<(), String> {
    use crate::store::outbox::Status;
    let data = DataDir::new(&config.data_dir);
    let req = json!({"op": "test-email", "to": to, "wait_secs": wait});
    let (status, error) = match crate::control::call(&data, &req)? {
        Some((v, _)) => (
            serde_json::from_value::<Status>(v["status"].clone()).unwrap_or(Status::Failed),
            v["error"].as_str().map(str::to_owned),
        ),
        None => {
            let core = keys::open_core(config, &data, &master_for(&data, None)?)?;
            let deliverer = crate::mail::deliver::Deliverer::from_config(config, &data)?;
            let from = crate::mail::deliver::from_mailbox(config)?;
            let r = crate::mail::Recipient {
                email: to.to_owned(),
                name: String::new(),
                lang: "fr".into(),
                firm: None,
            };
            let id = core
                .mail
                .test(&core.store, &r, &crate::mail::Sender::neutral())
                .map_err(|e| e.to_string())?;
            crate::mail::admin::deliver_now(&core, id, &deliverer, &from)
                .map_err(|e| e.to_string())?
        }
    };
    match status {
        Status::Waiting if wait == 0 => {
            println!("test e-mail queued");
            Ok(())
        }
        Status::Sent => {
            println!(
                "test e-mail accepted{}",
                if config.smtp.host.is_empty() {
                    " (written to DATA/mail: no relay configured)"
                } else {
                    " by the relay"
                }
            );
            Ok(())
        }
        _ => Err(format!(
            "test e-mail not delivered: {}",
            error.unwrap_or_else(|| "no answer from the relay in time".into())
        )),
    }
}

/// Writes the backup through the running server, or from the stopped box; atomically.
pub(super) fn backup_to(config: &Config, data: &DataDir, out: &Path) -> Result<(), String> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".huisclos-backup-{}.part", std::process::id()));
    let result = (|| {
        // 0600 whatever the umask (renamed into place, so `out` is too); a leftover of a
        // killed run with the same process id is replaced.
        let _ = std::fs::remove_file(&tmp);
        let mut file = crate::datadir::create_private(&tmp)
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        match crate::control::call(data, &json!({"op": "backup"}))? {
            Some((_, mut reader)) => {
                std::io::copy(&mut reader, &mut file)
                    .map_err(|e| format!("backup transfer failed: {e}"))?;
            }
            None => {
                let core = keys::open_core(config, data, &master_for(data, None)?)?;
                backup::write(
                    &core,
                    std::io::BufWriter::with_capacity(256 * 1024, &mut file),
                )?;
            }
        }
        file.flush().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        backup::read::check_integrity(&tmp)?;
        std::fs::rename(&tmp, out).map_err(|e| format!("cannot write {}: {e}", out.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        println!("backup written to {}", out.display());
        println!(
            "reminder: backups do not hold the space keys (keys/vault); copy them apart with `huisclos keys export --out FILE` after creating spaces (see SECURITY.md, \"The key vault\")"
        );
    }
    result
}
