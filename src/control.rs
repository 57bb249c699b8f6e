//! The local control socket (`DATA/control.sock`, 0600) through which CLI commands reach a
//! running server: redb allows one process per database, so `backup`, `setup-link`,
//! `setup` and `journal verify` go through the server when it runs, and open the database themselves when not.
//!
//! Protocol: the client sends one JSON line `{"op": …}`; the server answers one JSON line
//! `{"ok": true, …}` or `{"ok": false, "error": "…"}`, followed for `backup` by the backup
//! bytes until the connection closes. Only processes that can open the socket file (the
//! service user and root) can talk to it.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use crate::datadir::DataDir;
use crate::domain::firms::setup::{self, SetupInput};
use crate::secret::Secret;
use crate::web::App;

/// The server side; stops and removes the socket when dropped.
pub struct Listener {
    path: PathBuf,
    stop: Arc<AtomicBool>,
}

impl Listener {
    pub fn start(app: Arc<App>) -> Result<Listener, String> {
        let path = app.data.control_socket();
        let _ = std::fs::remove_file(&path);
        let listener = UnixListener::bind(&path)
            .map_err(|e| format!("cannot create the control socket {}: {e}", path.display()))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("cannot protect the control socket: {e}"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        std::thread::Builder::new()
            .name("control".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if stop2.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let app = app.clone();
                    let _ = std::thread::Builder::new()
                        .name("control-conn".into())
                        .spawn(move || serve_one(&app, conn));
                }
            })
            .map_err(|e| format!("cannot start the control thread: {e}"))?;
        Ok(Listener { path, stop })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = UnixStream::connect(&self.path);
        let _ = std::fs::remove_file(&self.path);
    }
}

fn reply(conn: &mut UnixStream, v: &Value) -> std::io::Result<()> {
    let mut line = v.to_string();
    line.push('\n');
    conn.write_all(line.as_bytes())
}

fn serve_one(app: &App, mut conn: UnixStream) {
    let mut line = String::new();
    // One request line of at most 64 KiB.
    if BufReader::new((&conn).take(64 * 1024))
        .read_line(&mut line)
        .is_err()
    {
        return;
    }
    let req: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
    let op = req["op"].as_str().unwrap_or("").to_owned();
    log::info!("control request: {op}");
    if op == "setup-link"
        && let Some(url) = app.issue_seal_link()
    {
        let _ = reply(&mut conn, &json!({"ok": true, "url": url}));
        return;
    }
    let Some(core) = app.core() else {
        let _ = reply(
            &mut conn,
            &json!({"ok": false, "error": "the box is sealed: unlock it in the browser first"}),
        );
        return;
    };
    let result = match op.as_str() {
        "ping" => reply(&mut conn, &json!({"ok": true, "version": crate::VERSION})),
        "setup-link" => match setup::issue_token(&core) {
            Ok(t) => reply(
                &mut conn,
                &json!({"ok": true, "url": format!("{}/setup/{t}", app.config.base_url())}),
            ),
            Err(e) => reply(&mut conn, &json!({"ok": false, "error": e.to_string()})),
        },
        "setup" => {
            let input = setup_input(&req);
            match setup::complete(&core, None, &input) {
                Ok((firm, _)) => reply(&mut conn, &json!({"ok": true, "firm": firm})),
                Err(e) => reply(&mut conn, &json!({"ok": false, "error": e.to_string()})),
            }
        }
        "test-email" => {
            let to = req["to"].as_str().unwrap_or("");
            match crate::mail::admin::send_box_test(&core, to, std::time::Duration::from_secs(30)) {
                Ok((status, error)) => reply(
                    &mut conn,
                    &json!({"ok": true, "status": status, "error": error}),
                ),
                Err(e) => reply(&mut conn, &json!({"ok": false, "error": e.to_string()})),
            }
        }
        "firm-add" => match firm_add(&core, &req) {
            Ok(()) => reply(&mut conn, &json!({"ok": true})),
            Err(e) => reply(&mut conn, &json!({"ok": false, "error": e.to_string()})),
        },
        "journal-verify" => reply(&mut conn, &journal_verify(&core, &req)),
        "public-key" => reply(&mut conn, &public_key(&core)),
        "housekeeping" => reply(&mut conn, &housekeeping(&core, req["at"].as_i64())),
        "backup" => reply(&mut conn, &json!({"ok": true})).and_then(|()| {
            crate::backup::write(&core, &mut conn)
                .map(|_| ())
                .map_err(std::io::Error::other)
        }),
        _ => reply(
            &mut conn,
            &json!({"ok": false, "error": "unknown operation"}),
        ),
    };
    if let Err(e) = result {
        log::warn!("control request {op} failed: {e}");
    }
}

/// The box's public signing key (`huisclos keys public`): `{"ok": true, "public_key":
/// BASE64}` (the raw 32 bytes).
pub fn public_key(core: &crate::domain::Core) -> Value {
    match crate::domain::journal::export::signing_key(core) {
        Ok(k) => json!({"ok": true, "public_key": data_encoding::BASE64.encode(k.public_key())}),
        Err(e) => json!({"ok": false, "error": e.to_string()}),
    }
}

/// Runs every housekeeping job now (`huisclos housekeeping`): `{"ok": true, "jobs":
/// {name: handled or null when it failed}}`. `at` runs them as of that instant instead, the
/// clock tests control (the digest's hour, a reminder's day); only test builds honour it,
/// since jobs that purge trash or delete spaces at their date must never run ahead of time.
pub fn housekeeping(core: &crate::domain::Core, at: Option<i64>) -> Value {
    let now = match at {
        None => crate::model::time::now(),
        Some(t) if cfg!(debug_assertions) => t,
        Some(_) => {
            return json!({"ok": false, "error": "--at is honoured by test builds only: run `huisclos housekeeping` without it"});
        }
    };
    let done = crate::service::housekeeping::run_all(core, now);
    let jobs: serde_json::Map<String, Value> = done
        .into_iter()
        .map(|(n, c)| (n.to_owned(), json!(c)))
        .collect();
    json!({"ok": true, "jobs": jobs})
}

/// Recomputes a space's journal (`huisclos journal verify --space ID`): `{"ok": true,
/// "entries": n}`, or `{"ok": true, "broken": {"seq", "reason"}}` when the chain is broken.
pub fn journal_verify(core: &crate::domain::Core, req: &Value) -> Value {
    let Some(space) = req["space"].as_str().and_then(crate::ids::SpaceId::parse) else {
        return json!({"ok": false, "error": "--space must be a space id (32 hex digits)"});
    };
    match crate::domain::journal::verify(core, space) {
        Ok(Some(Ok(n))) => json!({"ok": true, "entries": n}),
        Ok(Some(Err(b))) => json!({"ok": true, "broken": {"seq": b.seq, "reason": b.reason}}),
        Ok(None) => json!({"ok": false, "error": "this box has no space with that id"}),
        Err(e) => json!({"ok": false, "error": e.to_string()}),
    }
}

/// Adds a firm from a control request (`huisclos firm add`).
pub fn firm_add(
    core: &crate::domain::Core,
    req: &Value,
) -> Result<(), crate::domain::firms::FirmError> {
    let s = |k: &str| req[k].as_str().unwrap_or("").to_owned();
    let pw = Secret::new(s("password"));
    let pw = (!pw.is_empty()).then_some(&pw);
    crate::domain::firms::add(core, &s("name"), &s("admin_email"), &s("admin_name"), pw).map(|_| ())
}

/// The setup fields of a control request (the password arrives in it, never on a command line).
pub fn setup_input(req: &Value) -> SetupInput {
    let s = |k: &str| req[k].as_str().unwrap_or("").to_owned();
    SetupInput {
        firm_name: s("firm"),
        admin_name: s("admin_name"),
        admin_email: s("admin_email"),
        password: Secret::new(s("password")),
        password_confirm: Secret::new(s("password")),
        lang: s("lang"),
    }
}

/// A connection to a running server's control socket, after its JSON answer.
pub type Reply = (Value, BufReader<UnixStream>);

/// Sends `req` to the server running on `data`; `Ok(None)` when no server runs there.
pub fn call(data: &DataDir, req: &Value) -> Result<Option<Reply>, String> {
    let path = data.control_socket();
    let mut conn = match UnixStream::connect(&path) {
        Ok(c) => c,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Ok(None);
        }
        Err(e) => {
            return Err(format!(
                "cannot reach the running server ({}): {e}",
                path.display()
            ));
        }
    };
    let mut line = req.to_string();
    line.push('\n');
    conn.write_all(line.as_bytes())
        .map_err(|e| format!("control socket: {e}"))?;
    let mut reader = BufReader::new(conn);
    let mut answer = String::new();
    reader
        .read_line(&mut answer)
        .map_err(|e| format!("control socket: {e}"))?;
    let v: Value = serde_json::from_str(&answer)
        .map_err(|_| "the server's answer is not readable".to_owned())?;
    if v["ok"].as_bool() != Some(true) {
        return Err(v["error"]
            .as_str()
            .unwrap_or("the server refused")
            .to_owned());
    }
    Ok(Some((v, reader)))
}
