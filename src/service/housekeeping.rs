//! Housekeeping: the periodic jobs of a running box (reminders, purges, retention).
//!
//! Each job is a domain function `fn(&Core, now) -> Result<usize, String>` listed once in
//! [`JOBS`]; it does what is due at `now` and returns how many things it handled. Jobs must
//! be idempotent (a second run at the same `now` finds nothing left to do), because they
//! also run on demand (`huisclos housekeeping`, through the control socket) and after a
//! crash. A thread runs them all every [`EVERY`]; one job's failure is logged and does not
//! stop the others.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::domain::{Core, time};

pub struct Job {
    pub name: &'static str,
    pub run: fn(&Core, i64) -> Result<usize, String>,
}

/// Every periodic job, in the order they run.
pub const JOBS: &[Job] = &[
    // First: the dashboards' order ("most recent activity first") of every space in memory.
    Job {
        name: "space_activity",
        run: crate::domain::space_pages::warm_activity,
    },
    Job {
        name: "trash_purge",
        run: crate::domain::folders::purge_trash,
    },
    Job {
        name: "search_index",
        run: crate::domain::search::refresh_all,
    },
    Job {
        name: "request_reminders",
        run: crate::domain::request_reminders::run,
    },
    Job {
        name: "event_reminders",
        run: crate::domain::event_reminders::send_due,
    },
    Job {
        name: "retention",
        run: crate::domain::retention::run,
    },
    Job {
        name: "space_deletions",
        run: crate::domain::space_delete::finish_interrupted,
    },
    Job {
        name: "uploads_expire",
        run: crate::domain::uploads::expire,
    },
    Job {
        name: "deposits_expire",
        run: crate::domain::deposits::expire,
    },
    Job {
        name: "secure_mail_expire",
        run: crate::domain::secure_mail::expire,
    },
    Job {
        name: "copilot_proposals_expire",
        run: crate::domain::copilot_answer::expire,
    },
    // Last: the reminders folded into a digest by the jobs above go out in the same run.
    Job {
        name: "digests",
        run: crate::mail::digest::send_due,
    },
];

/// How often the thread runs the jobs.
pub const EVERY: Duration = Duration::from_secs(300);

/// Runs every job as of `now`; returns what each handled (a failed job reports `None`).
pub fn run_all(core: &Core, now: i64) -> Vec<(&'static str, Option<usize>)> {
    JOBS.iter()
        .map(|job| {
            let name = job.name;
            match (job.run)(core, now) {
                Ok(n) => {
                    if n > 0 {
                        log::info!("housekeeping {name}: {n} handled");
                    }
                    (name, Some(n))
                }
                Err(e) => {
                    log::error!("housekeeping {name} failed: {e}");
                    (name, None)
                }
            }
        })
        .collect()
}

/// The housekeeping thread; stops when dropped.
pub struct Housekeeper {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Housekeeper {
    pub fn start(core: Arc<Core>) -> Result<Housekeeper, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("housekeeping".into())
            .spawn(move || {
                let mut last: Option<Instant> = None;
                while !flag.load(Ordering::Relaxed) {
                    if last.is_none_or(|t| t.elapsed() >= EVERY) {
                        run_all(&core, time::now());
                        last = Some(Instant::now());
                    }
                    std::thread::sleep(Duration::from_millis(250));
                }
            })
            .map_err(|e| format!("cannot start the housekeeping thread: {e}"))?;
        Ok(Housekeeper {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Housekeeper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_are_unique() {
        let mut names: Vec<_> = JOBS.iter().map(|j| j.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len());
    }
}
