//! Bench generator (`bench/run.sh scale`): fills a data folder made by `huisclos setup` with
//! SPACES spaces of DOCS documents each, through the library's store and domain API, as the
//! server would have written them: spaces made by `domain::spaces::create` (keys, vault,
//! template folders, journal), one pending invitation each, and small real files encrypted
//! into the blob folder (about a tenth with a second version), each version journaled.
//!
//! ```sh
//! cargo run --release --example bench_gen -- --data DIR --email ADMIN [--spaces 10000]
//!     [--docs 100] [--threads 4]
//! ```
//!
//! The server must be stopped (the database is opened directly). Resumable: spaces titled
//! `Scale NNNNN` that exist are counted, one left without documents by an interruption is
//! filled, and the run goes on up to SPACES. A space's documents and their journal entries
//! are committed in one transaction, after their files are written (fsynced, in THREADS
//! threads); an interruption leaves at worst orphan files, which the server's start-up
//! sweep removes. Prints one progress line every 100 spaces and a JSON summary at the end.

use std::io::Write;
use std::time::Instant;

use huisclos::config::Config;
use huisclos::datadir::DataDir;
use huisclos::domain::access::{self, Profile};
use huisclos::ids::{DocumentId, SpaceId};
use huisclos::service::keys;
use huisclos::store::documents::{self, Document, Version};
use huisclos::store::spaces::invites::{self, Invite};
use huisclos::store::{accounts, journal, spaces};

struct Args {
    data: String,
    email: String,
    spaces: usize,
    docs: usize,
    threads: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        data: String::new(),
        email: String::new(),
        spaces: 10_000,
        docs: 100,
        threads: 4,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().ok_or(format!("{flag} needs a value"))?;
        let n = || {
            v.parse::<usize>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--data" => a.data = v.clone(),
            "--email" => a.email = v.clone(),
            "--spaces" => a.spaces = n()?,
            "--docs" => a.docs = n()?,
            "--threads" => a.threads = n()?.max(1),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if a.data.is_empty() || a.email.is_empty() {
        return Err(
            "usage: bench_gen --data DIR --email ADMIN [--spaces N] [--docs N] [--threads N]"
                .into(),
        );
    }
    Ok(a)
}

/// splitmix64: fast deterministic bytes for file contents and choices (not secrets).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(n + 8);
        while v.len() < n {
            v.extend_from_slice(&self.next().to_le_bytes());
        }
        v.truncate(n);
        v
    }
}

const KINDS: &[&str] = &[
    "Conclusions",
    "Assignation",
    "Bordereau de pièces",
    "Contrat de prestation",
    "Facture",
    "Procès-verbal",
    "Courrier adverse",
    "Attestation",
    "Jugement",
    "Mémoire en défense",
    "Note d'honoraires",
    "Statuts",
    "Bail commercial",
    "Rapport d'expertise",
    "Relevé bancaire",
];
const EXTS: &[&str] = &["pdf", "pdf", "pdf", "docx", "jpg", "xlsx", "odt"];

/// One file to write: its document, version number and content.
struct Planned {
    doc: usize,
    content: Vec<u8>,
}

fn fill_space(
    core: &huisclos::domain::Core,
    admin: huisclos::ids::AccountId,
    space: SpaceId,
    n_docs: usize,
    threads: usize,
    rng: &mut Rng,
    start_at: i64,
) -> Result<usize, String> {
    let entry = spaces::entry(&core.store, space)
        .map_err(|e| e.to_string())?
        .ok_or("space entry missing")?;
    let key = spaces::key(&core.store, space, &entry)
        .map_err(|e| e.to_string())?
        .ok_or("space key missing")?;
    let folders = documents::folders(&core.store, space, &key).map_err(|e| e.to_string())?;
    if folders.is_empty() {
        return Err("the template made no folder".into());
    }
    // Plan: names, folders, one or two versions of 1 to 8 KiB.
    let mut docs: Vec<(DocumentId, Document)> = Vec::with_capacity(n_docs);
    let mut files = Vec::new();
    for i in 0..n_docs {
        let name = format!(
            "{} n° {:03}.{}",
            KINDS[rng.below(KINDS.len())],
            i + 1,
            EXTS[rng.below(EXTS.len())]
        );
        let folder = folders[rng.below(folders.len())].0;
        let versions = if rng.below(10) == 0 { 2 } else { 1 };
        for _ in 0..versions {
            let size = 1024 + rng.below(7 * 1024);
            files.push(Planned {
                doc: i,
                content: rng.bytes(size),
            });
        }
        docs.push((
            DocumentId::random(),
            Document {
                folder,
                name,
                owner: admin,
                deposit: false,
                versions: Vec::new(),
                deleted_at: None,
            },
        ));
    }
    // Files first (encrypted, fsynced), in parallel: the disk waits, not the CPU.
    let root = *key.blob_root();
    let per = files.len().div_ceil(threads);
    let written: Vec<Result<Vec<(usize, huisclos::blobs::Written)>, String>> =
        std::thread::scope(|s| {
            let handles: Vec<_> = files
                .chunks(per.max(1))
                .map(|chunk| {
                    let blobs = core.blobs.clone();
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|f| {
                                blobs
                                    .write(&root, f.content.as_slice(), u64::MAX)
                                    .map(|w| (f.doc, w))
                                    .map_err(|e| e.to_string())
                            })
                            .collect::<Result<Vec<_>, String>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err("writer panicked".into())))
                .collect()
        });
    let mut at = start_at;
    let mut entries: Vec<(i64, String)> = Vec::new();
    for batch in written {
        for (doc, w) in batch? {
            at += 1 + rng.below(3600) as i64;
            let (id, d) = &mut docs[doc];
            d.versions.push(Version {
                blob: w.id,
                size: w.size,
                sha256: data_encoding::HEXLOWER.encode(&w.sha256),
                content_type: huisclos::domain::documents::content_type(&d.name)
                    .0
                    .to_owned(),
                uploaded_by: admin,
                uploaded_at: at,
            });
            entries.push((at, format!("document:{id}:v{}", d.versions.len())));
        }
    }
    let n_files = entries.len();
    documents::put_documents(&core.store, space, &key, &docs, |txn| {
        for (at, target) in &entries {
            journal::append_in(txn, space, &key, *at, admin, "uploaded", target)?;
        }
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    // The server indexes each upload as it comes; the bulk commit above bypasses that, so
    // the space is indexed here, as the server would have left it.
    huisclos::domain::documents::search::refresh(core, space, &key).map_err(|e| e.to_string())?;
    Ok(n_files)
}

fn invite(
    core: &huisclos::domain::Core,
    admin: huisclos::ids::AccountId,
    space: SpaceId,
    n: usize,
    now: i64,
) -> Result<(), String> {
    let hash: [u8; 32] = huisclos::ids::random();
    let inv = Invite {
        space,
        email: format!("client{n:05}@scale.example"),
        profile: Profile::Lecteur,
        invited_by: admin,
        created_at: now,
        expires_at: now + 14 * 86_400,
        revoked: false,
        accepted_at: None,
    };
    invites::put_invite(&core.store, &hash, &inv).map_err(|e| e.to_string())
}

fn run() -> Result<(), String> {
    let a = args()?;
    let t0 = Instant::now();
    let config = Config {
        data_dir: a.data.clone().into(),
        ..Config::default()
    };
    let data = DataDir::new(&config.data_dir);
    let master = keys::load_or_create_master(&data)?;
    let core = keys::open_core(&config, &data, &master)?;
    let admin = accounts::by_email(&core.store, &a.email)
        .map_err(|e| e.to_string())?
        .ok_or("no such account: run `huisclos setup` first")?;
    let staff = access::staff(&admin).ok_or("the account is not staff")?;
    // What an earlier run made: spaces titled "Scale NNNNN", and whether each has files.
    let mut done = std::collections::HashSet::new();
    let mut empty = Vec::new();
    for (id, _) in spaces::of_account(&core.store, admin.id).map_err(|e| e.to_string())? {
        let Some(entry) = spaces::entry(&core.store, id).map_err(|e| e.to_string())? else {
            continue;
        };
        let Some(key) = spaces::key(&core.store, id, &entry).map_err(|e| e.to_string())? else {
            continue;
        };
        let Some(meta) = spaces::meta(&core.store, id, &key).map_err(|e| e.to_string())? else {
            continue;
        };
        if let Some(n) = meta
            .title
            .strip_prefix("Scale ")
            .and_then(|t| t.get(..5))
            .and_then(|t| t.parse::<usize>().ok())
        {
            done.insert(n);
            if documents::count(&core.store, id).map_err(|e| e.to_string())? == 0 {
                empty.push((n, id));
            }
        }
    }
    eprintln!(
        "bench_gen: {} spaces already there ({} without files)",
        done.len(),
        empty.len()
    );
    let mut rng = Rng(0x5EED ^ (done.len() as u64));
    let now = huisclos::model::time::now();
    let two_years = 2 * 365 * 86_400;
    let (mut new_spaces, mut new_files) = (0usize, 0usize);
    for (_, id) in empty {
        new_files += fill_space(
            &core,
            admin.id,
            id,
            a.docs,
            a.threads,
            &mut rng,
            now - two_years,
        )?;
    }
    let mut last = Instant::now();
    for n in 1..=a.spaces {
        if done.contains(&n) {
            continue;
        }
        let title = format!(
            "Scale {n:05} dossier {}",
            KINDS[rng.below(KINDS.len())].to_lowercase()
        );
        let template = ["dossier", "client", "dossier", "arbitrage"][rng.below(4)];
        let id = huisclos::domain::spaces::create(&core, &staff, &title, template, None)
            .map_err(|e| format!("space {n}: {e:?}"))?;
        invite(&core, admin.id, id, n, now)?;
        let start_at = now - two_years + rng.below(two_years as usize / 2) as i64;
        new_files += fill_space(&core, admin.id, id, a.docs, a.threads, &mut rng, start_at)?;
        new_spaces += 1;
        if n % 100 == 0 {
            eprintln!(
                "bench_gen: {n}/{} spaces, {new_files} files this run, {:.1} s (last 100: {:.1} s)",
                a.spaces,
                t0.elapsed().as_secs_f64(),
                last.elapsed().as_secs_f64()
            );
            last = Instant::now();
        }
    }
    let summary = serde_json::json!({
        "spaces_total": done.len() + new_spaces,
        "spaces_made": new_spaces,
        "files_made": new_files,
        "secs": (t0.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    });
    let mut out = std::io::stdout();
    writeln!(out, "{summary}").map_err(|e| e.to_string())?;
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("bench_gen: {e}");
        std::process::exit(1);
    }
}
