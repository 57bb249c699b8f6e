//! systemd readiness and watchdog notifications (`sd_notify`), without libsystemd.
//!
//! When `NOTIFY_SOCKET` is set, messages go to that datagram socket (a path, or an abstract
//! name starting with `@`). When it is not, every call does nothing.

use std::os::unix::net::UnixDatagram;
use std::time::Duration;

fn send(message: &str) {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let Ok(sock) = UnixDatagram::unbound() else {
        return;
    };
    let bytes = path.as_encoded_bytes();
    let result = if let Some(name) = bytes.strip_prefix(b"@") {
        use std::os::linux::net::SocketAddrExt;
        std::os::unix::net::SocketAddr::from_abstract_name(name)
            .and_then(|addr| sock.send_to_addr(message.as_bytes(), &addr))
    } else {
        sock.send_to(message.as_bytes(), &path)
    };
    if let Err(e) = result {
        log::warn!("systemd notification failed: {e}");
    }
}

pub fn ready() {
    send("READY=1\nSTATUS=serving");
}

pub fn stopping() {
    send("STOPPING=1");
}

pub fn watchdog() {
    send("WATCHDOG=1");
}

/// Half the watchdog period systemd asked for, if it asked.
pub fn watchdog_interval() -> Option<Duration> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    let pid = std::env::var("WATCHDOG_PID")
        .ok()
        .and_then(|p| p.parse::<u32>().ok());
    if pid.is_some_and(|p| p != std::process::id()) {
        return None;
    }
    Some(Duration::from_micros(usec / 2))
}
