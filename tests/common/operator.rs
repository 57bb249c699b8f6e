//! What the box operator's tests share: a configuration with `[backup]`, and the server
//! page and its JSON (`tests/server_page.rs`, `tests/backup_schedule.rs`).

use std::path::{Path, PathBuf};

use super::api::json;
use super::{Jar, Server, request};

/// `[backup]` into `dir`, plus `extra` TOML; returns the config file.
pub fn backup_config(t: &Path, dir: &Path, keep_days: u32, extra: &str) -> PathBuf {
    let file = t.join("huisclos.toml");
    let text = format!(
        "{extra}\n[backup]\ndir = \"{}\"\nat = \"02:30\"\nkeep_days = {keep_days}\n",
        dir.display()
    );
    std::fs::write(&file, text).unwrap();
    file
}

/// The operator's server page, which must answer 200.
pub fn server_page(s: &Server, jar: &Jar) -> String {
    let page = s.get("/operator/server", jar);
    assert_eq!(page.status, 200);
    page.text()
}

/// `GET /api/v1/server` from loopback, which needs no token.
pub fn status_json(s: &Server) -> serde_json::Value {
    let r = request(s.addr, "GET", "/api/v1/server", &[], b"");
    assert_eq!(r.status, 200, "{}", r.text());
    json(&r)
}
