//! The server page (`/operator/server`: the operator's only) and `GET /api/v1/server`
//! (loopback without a token, or the operator's token; behind a proxy always a token),
//! through the real binary; and the space deletion page's statement of the date after which
//! no scheduled backup opens the space.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, api, operator};
use operator::{backup_config as config, server_page, status_json};

use std::process::Command;

use api::*;
use common::*;

const ADMIN: &str = "operateur@cabinet-serveur.fr";

#[test]
fn the_server_page_is_the_operators_and_the_deletion_page_gives_the_backup_date() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let nas = t.path().join("nas");
    std::fs::create_dir(&nas).unwrap();
    let cfg = config(t.path(), &nas, 14, "");
    let s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    let jar = web_setup(&s, "Cabinet Sauvegarde", ADMIN);
    let auth = bearer(&s, ADMIN);
    let space = create_space(&s, &auth, "Dossier Petit", "client");
    let client = join(&s, &auth, &space, "client@exemple.fr", "lecteur");

    let op = s.get("/operator", &jar);
    assert!(op.text().contains("href=\"/operator/server\""));
    let html = server_page(&s, &jar);
    for fact in [
        "Version",
        env!("CARGO_PKG_VERSION"),
        "Disque des données",
        "libres sur",
        "la première sauvegarde aura lieu à 02:30",
        "0 en attente, 0 en échec",
        "non configurée",
        "ne sert pas HTTPS",
    ] {
        assert!(html.contains(fact), "{fact}: {html}");
    }
    assert_eq!(s.get("/operator/server", &client).status, 404);
    let anonymous = s.get("/operator/server", &Jar::default());
    assert_eq!(anonymous.status, 303);

    // The deletion page states when no backup opens the space any more: 14 days + one run.
    let settings = s.get(&format!("/spaces/{space}/settings"), &jar).text();
    assert!(settings.contains("id=\"delete-backups\""), "{settings}");
    assert!(settings.contains("conservées 14 jours"), "{settings}");
    let (ok, when, _) = {
        let o = Command::new("date")
            .args(["-d", "+15 days", "+%-d %B %Y"])
            .env("TZ", "Europe/Paris")
            .env("LC_ALL", "C")
            .output()
            .unwrap();
        (o.status.success(), String::from_utf8(o.stdout).unwrap(), ())
    };
    assert!(ok);
    let months = [
        ("January", "janvier"),
        ("February", "février"),
        ("March", "mars"),
        ("April", "avril"),
        ("May", "mai"),
        ("June", "juin"),
        ("July", "juillet"),
        ("August", "août"),
        ("September", "septembre"),
        ("October", "octobre"),
        ("November", "novembre"),
        ("December", "décembre"),
    ];
    let mut fr = when.trim().to_owned();
    for (en, f) in months {
        fr = fr.replace(en, f);
    }
    let fr = fr
        .strip_prefix("1 ")
        .map_or(fr.clone(), |r| format!("1er {r}"));
    assert!(settings.contains(&fr), "{fr}: {settings}");

    // The JSON: loopback without a token; a client's token changes nothing.
    let st = status_json(&s);
    assert_eq!(st["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(st["backup"]["configured"], true);
    assert_eq!(st["backup"]["keep_days"], 14);
    assert!(st["disk"]["data"]["free_bytes"].as_u64().unwrap() > 0);
    assert_eq!(st["mail"]["failed"], 0);
    assert_eq!(st["dkim"]["configured"], false);
    assert!(
        !st.to_string().contains(nas.to_str().unwrap()),
        "no path in the JSON"
    );
}

#[test]
fn behind_a_proxy_the_json_needs_the_operators_token() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let nas = t.path().join("nas");
    let cfg = config(t.path(), &nas, 7, "[tls]\nbehind_proxy = true\n");
    let s = Server::start(&data, &["--config", cfg.to_str().unwrap()]);
    web_setup(&s, "Cabinet Sauvegarde", ADMIN);
    let auth = bearer(&s, ADMIN);
    let space = create_space(&s, &auth, "Dossier Proxy", "client");
    join(&s, &auth, &space, "client@exemple.fr", "lecteur");
    let client = bearer(&s, "client@exemple.fr");
    let forwarded = ("X-Forwarded-For".to_owned(), "203.0.113.9".to_owned());

    // Every request comes from the proxy's loopback address: that proves nothing.
    for headers in [
        vec![],
        vec![forwarded.clone()],
        vec![forwarded.clone(), client.clone()],
    ] {
        let r = request(s.addr, "GET", "/api/v1/server", &headers, b"");
        assert_eq!(r.status, 404, "{headers:?}: {}", r.text());
    }
    let r = request(s.addr, "GET", "/api/v1/server", &[forwarded, auth], b"");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(json(&r)["backup"]["keep_days"], 7);
}

/// A server stopped when the test ends, even by a failed assertion.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Unix seconds of a date as `date -d` reads it (openssl's `notAfter=…`, RFC 3339).
fn epoch(text: &str) -> i64 {
    let out = Command::new("date")
        .args(["-u", "-d", text, "+%s"])
        .output()
        .unwrap();
    assert!(out.status.success(), "date -d {text:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn the_json_gives_the_served_certificates_expiry_as_openssl_reads_it() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let cfg = t.path().join("c.toml");
    let d = data.to_str().unwrap();
    // The port is chosen free on 127.0.0.1 but bound on 0.0.0.0, where a client socket of
    // another test may hold it by then: a box that could not bind exits, and gets another.
    let mut body = None;
    for _attempt in 0..3 {
        let port = free_port();
        std::fs::write(&cfg, format!("[server]\nlisten = \"0.0.0.0:{port}\"\n")).unwrap();
        let c = cfg.to_str().unwrap();
        if !data.exists() {
            let (ok, out, err) = cli(&["init", "--config", c, "--data", d], "");
            assert!(ok, "{out}{err}");
        }
        let mut server = Child(
            Command::new(bin())
                .args(["serve", "--config", c, "--data", d])
                .env_remove("HUISCLOS_CONFIG")
                .stdout(std::process::Stdio::null())
                .stderr(std::fs::File::create(t.path().join("stderr.log")).unwrap())
                .spawn()
                .unwrap(),
        );
        // curl speaks TLS to the box on loopback (-k: the certificate is self-signed).
        let url = format!("https://127.0.0.1:{port}/api/v1/server");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let out = Command::new("curl")
                .args(["-sk", "--fail", &url])
                .output()
                .unwrap();
            if out.status.success() {
                body = Some(out.stdout);
                break;
            }
            if server.0.try_wait().unwrap().is_some() {
                break; // it exited: try another port
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no answer over TLS (curl {:?}); server log:\n{}",
                out.status.code(),
                std::fs::read_to_string(t.path().join("stderr.log")).unwrap_or_default()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        if body.is_some() {
            break;
        }
    }
    let body = body.unwrap_or_else(|| {
        panic!(
            "the box never answered; last log:\n{}",
            std::fs::read_to_string(t.path().join("stderr.log")).unwrap_or_default()
        )
    });
    let st: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(st["certificate"]["served"], true);
    assert_eq!(st["backup"]["configured"], false);
    let cert = data.join("keys/tls/cert.pem");
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-enddate", "-in", cert.to_str().unwrap()])
        .output()
        .unwrap();
    let end = String::from_utf8(out.stdout).unwrap();
    let end = end.trim().strip_prefix("notAfter=").unwrap().to_owned();
    assert_eq!(
        epoch(st["certificate"]["not_after"].as_str().unwrap()),
        epoch(&end)
    );
    let days = st["certificate"]["days_left"].as_i64().unwrap();
    assert!((395..=397).contains(&days), "{days}");
}
