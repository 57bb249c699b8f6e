//! The layers of DESIGN.md ("Code layout"), enforced: a layer never names one above it, and
//! only the store names redb.
//!
//! Top to bottom: `cli`, `service` → `web`, `gateway` → `domain` → `mail` → `store` →
//! `blobs`, `crypto`, `pdf`, `net` → `model`. The test reads every source file, leaves out
//! comments and `#[cfg(test)]` modules (test fixtures may build a whole box), and looks for
//! `crate::LAYER` paths (and `redb::`).
//!
//! `KNOWN` lists the files that still break a rule, each with the rule it breaks. The test
//! fails when a file breaks a rule and is not listed (a new leak), and also when a listed file
//! no longer breaks it (the list only shrinks: remove the line).

use std::path::{Path, PathBuf};

/// (layer folder or file, what it must never name)
const RULES: &[(&str, &[&str])] = &[
    (
        "model",
        &[
            "store", "domain", "mail", "web", "gateway", "service", "cli", "blobs",
        ],
    ),
    (
        "store",
        &["domain", "mail", "web", "gateway", "service", "cli"],
    ),
    ("mail", &["domain", "web", "gateway", "service", "cli"]),
    ("domain", &["web", "gateway", "service", "cli"]),
    ("web", &["store", "service", "cli"]),
    ("gateway", &["store", "web", "service", "cli"]),
];

/// Files that still break a rule: (file, the layer it names). Shrink only.
const KNOWN: &[(&str, &str)] = &[
    // The mail worker and the mails that need a firm's data take the domain's `Core`; the
    // mail templates use the web's locale catalog.
    ("mail/admin.rs", "domain"),
    ("mail/digest.rs", "domain"),
    ("mail/mod.rs", "domain"),
    ("mail/render.rs", "web"),
    ("mail/worker.rs", "domain"),
    // The SMTP gateway reads the account and the secure mail's record types from the store.
    ("gateway/ingest.rs", "store"),
    ("gateway/recover.rs", "store"),
    ("gateway/session.rs", "store"),
    // Pages that still read a record type, a firm profile or a setting straight from the
    // store, or (unlock) call the service that opens the box.
    ("web/api/arbitration/exhibit_case_update.rs", "store"),
    ("web/api/arbitration/exhibit_create.rs", "store"),
    ("web/api/documents/documents_list.rs", "store"),
    ("web/api/me_show.rs", "store"),
    ("web/context.rs", "store"),
    ("web/dispatch.rs", "store"),
    ("web/guards.rs", "store"),
    ("web/ui/accounts/account_prefs_submit.rs", "store"),
    ("web/ui/accounts/account_show.rs", "store"),
    ("web/ui/accounts/account_totp_disable.rs", "store"),
    ("web/ui/accounts/account_totp_show.rs", "store"),
    ("web/ui/accounts/login_totp_submit.rs", "store"),
    ("web/ui/accounts/setup_submit.rs", "store"),
    ("web/ui/accounts/signin_flow.rs", "store"),
    ("web/ui/accounts/unlock_submit.rs", "service"),
    ("web/ui/documents/document_show.rs", "store"),
    ("web/ui/drop_box/deposit_page.rs", "store"),
    ("web/ui/firms/admin_journal_show.rs", "store"),
    ("web/ui/firms/admin_mail_test.rs", "store"),
    ("web/ui/firms/admin_settings_show.rs", "store"),
    ("web/ui/firms/admin_settings_submit.rs", "store"),
    ("web/ui/mediation/undertaking_show.rs", "store"),
    ("web/ui/mod.rs", "store"),
    ("web/ui/secure_mail/mail_send.rs", "store"),
    ("web/ui/secure_mail/mail_show.rs", "store"),
    ("web/ui/secure_mail/secure_common.rs", "store"),
    ("web/ui/spaces/invite_show.rs", "store"),
    ("web/ui/spaces/space_show.rs", "store"),
];

/// Files that may name redb besides the store: none should; these still open transactions.
const KNOWN_REDB: &[&str] = &[
    "domain/documents/mod.rs",
    "domain/drop_box/filing.rs",
    "domain/firms/setup.rs",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments and without what follows a `#[cfg(test)]` module
/// (test modules come last in our files) — and nothing at all for a test-only file.
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            let next = lines.peek().map(|l| l.trim_start()).unwrap_or("");
            if next.starts_with("mod ") || next.starts_with("pub(crate) mod ") {
                break;
            }
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line.split(" // ").next().unwrap_or(""));
        out.push('\n');
    }
    out
}

fn names(code: &str, layer: &str) -> bool {
    let needle = format!("crate::{layer}");
    code.match_indices(&needle).any(|(i, _)| {
        let after = &code[i + needle.len()..];
        after.starts_with("::") || after.starts_with(';') || after.starts_with(" as")
    })
}

fn is_test_file(rel: &str) -> bool {
    rel.ends_with("/tests.rs") || rel.contains("/tests/") || rel.ends_with("_tests.rs")
}

#[test]
fn no_layer_names_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut files = Vec::new();
    sources(&src, &mut files);
    for f in &files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if is_test_file(&rel) {
            continue;
        }
        let text = code(&std::fs::read_to_string(f).unwrap());
        for (layer, above) in RULES {
            if !(rel.starts_with(&format!("{layer}/")) || rel == format!("{layer}.rs")) {
                continue;
            }
            for a in *above {
                if names(&text, a) {
                    found.push((rel.clone(), (*a).to_owned()));
                }
            }
        }
    }
    found.sort();
    let mut known: Vec<(String, String)> = KNOWN
        .iter()
        .map(|(f, l)| ((*f).to_owned(), (*l).to_owned()))
        .collect();
    known.sort();
    let new: Vec<_> = found.iter().filter(|x| !known.contains(x)).collect();
    let gone: Vec<_> = known.iter().filter(|x| !found.contains(x)).collect();
    assert!(
        new.is_empty(),
        "files that name a layer above theirs: {new:?}"
    );
    assert!(gone.is_empty(), "fixed, remove them from KNOWN: {gone:?}");
}

#[test]
fn only_the_store_names_redb() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut found = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("store/") || rel == "layering.rs" || is_test_file(&rel) {
            continue;
        }
        let text = code(&std::fs::read_to_string(f).unwrap());
        if text.contains("redb::") || text.contains("use redb") {
            found.push(rel);
        }
    }
    found.sort();
    let mut known: Vec<String> = KNOWN_REDB.iter().map(|s| (*s).to_owned()).collect();
    known.sort();
    assert_eq!(
        found, known,
        "only src/store may name redb (KNOWN_REDB only shrinks)"
    );
}

#[test]
fn the_checker_sees_a_leak() {
    let leak = "use crate::domain::Core;\n// crate::web::x in a comment\n";
    assert!(names(&code(leak), "domain"));
    assert!(!names(&code(leak), "web"));
    let tests_only = "fn f() {}\n#[cfg(test)]\nmod tests {\n use crate::domain::Core;\n}\n";
    assert!(!names(&code(tests_only), "domain"));
}
