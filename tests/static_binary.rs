//! The binary is static: no dynamic loader, runs from an empty chroot, and resolves host
//! names without glibc's NSS modules (no `.so` opened, ever).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::*;

use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn ldd_says_static() {
    let out = Command::new("ldd").arg(bin()).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("not a dynamic executable") || text.contains("statically linked"),
        "ldd: {text}"
    );
}

#[test]
fn runs_from_an_empty_chroot() {
    let root_ok = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root_ok || !have("chroot") {
        eprintln!("skipped: chroot needs root");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    std::fs::copy(bin(), t.path().join("huisclos")).unwrap();
    let out = Command::new("chroot")
        .arg(t.path())
        .args(["/huisclos", "--version"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("huisclos "));
    // serve in the chroot: data folder created inside it, healthy, stopped by SIGTERM.
    let port = free_port();
    let mut child = Command::new("chroot")
        .arg(t.path())
        .args([
            "/huisclos",
            "serve",
            "--data",
            "/data",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stderr(std::fs::File::create(t.path().join("log")).unwrap())
        .spawn()
        .unwrap();
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut healthy = false;
    for _ in 0..200 {
        if try_request(addr, "GET", "/healthz", &[], b"").is_ok_and(|r| r.status == 200) {
            healthy = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let log = std::fs::read_to_string(t.path().join("log")).unwrap_or_default();
    assert!(healthy, "not healthy in the chroot: {log}");
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(t.path().join("data/keys/master.key").exists());
}

#[test]
fn name_resolution_opens_no_shared_library() {
    if !have("strace") {
        eprintln!("skipped: strace is not installed");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let config = t.path().join("c.toml");
    // A name that is not in /etc/hosts goes to DNS; "localhost" is answered locally.
    std::fs::write(&config, "[smtp]\nhost = \"relay.invalid\"\nport = 587\n").unwrap();
    let trace = t.path().join("trace");
    let out = Command::new("strace")
        .args(["-f", "-e", "trace=openat,open", "-o"])
        .arg(&trace)
        .arg(bin())
        .args(["check", "--config", config.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace = std::fs::read_to_string(&trace).unwrap();
    assert!(
        trace.contains("/etc/resolv.conf") || trace.contains("/etc/hosts"),
        "the resolver ran: {trace}"
    );
    assert!(
        !trace.contains(".so"),
        "a shared library was opened:\n{trace}"
    );
    assert!(
        !trace.contains("nsswitch.conf"),
        "NSS was consulted:\n{trace}"
    );
}
