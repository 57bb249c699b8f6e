//! Logs to stderr, one line per event, in a form journald understands.
//!
//! Under systemd (`JOURNAL_STREAM` set) each line starts with a `<N>` syslog priority and no
//! timestamp (journald adds its own); elsewhere with a UTC timestamp. Log lines carry ids,
//! route patterns and counts only: never names, e-mail addresses, titles or content. Call
//! sites are written that way; this module adds nothing of its own.

use std::io::Write;

use log::{Level, LevelFilter, Log, Metadata, Record};

struct StderrLogger {
    journald: bool,
    level: LevelFilter,
}

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level && is_ours_or_important(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // One write per line so that lines from several threads never interleave.
        let line = if self.journald {
            format!("<{}>{}\n", priority(record.level()), record.args())
        } else {
            format!(
                "{} {:5} {}\n",
                crate::model::time::rfc3339_now(),
                record.level(),
                record.args()
            )
        };
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn flush(&self) {}
}

/// Other crates may log request details at debug level; only their warnings pass.
fn is_ours_or_important(metadata: &Metadata<'_>) -> bool {
    metadata.target().starts_with("huisclos") || metadata.level() <= Level::Warn
}

fn priority(level: Level) -> u8 {
    match level {
        Level::Error => 3,
        Level::Warn => 4,
        Level::Info => 6,
        Level::Debug | Level::Trace => 7,
    }
}

/// Installs the logger once; later calls are ignored (tests call it repeatedly).
pub fn init(level: &str) {
    let level = match level {
        "error" => LevelFilter::Error,
        "warn" => LevelFilter::Warn,
        "debug" => LevelFilter::Debug,
        _ => LevelFilter::Info,
    };
    let logger = StderrLogger {
        journald: std::env::var_os("JOURNAL_STREAM").is_some(),
        level,
    };
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        log::set_max_level(level);
    }
}
