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

use crate::domain::Core;

use crate::model::time;

pub struct Job {
    pub name: &'static str,
    pub run: fn(&Core, i64) -> Result<usize, String>,
}

/// Every periodic job, in the order they run.
pub const JOBS: &[Job] = &[
    // First: the dashboards' order ("most recent activity first") of every space in memory.
    Job {
        name: "space_activity",
        run: crate::domain::spaces::pages::warm_activity,
    },
    Job {
        name: "trash_purge",
        run: crate::domain::documents::folders::purge_trash,
    },
    Job {
        name: "search_index",
        run: crate::domain::documents::search::refresh_all,
    },
    Job {
        name: "request_reminders",
        run: crate::domain::requests::reminders::run,
    },
    Job {
        name: "event_reminders",
        run: crate::domain::agenda::reminders::send_due,
    },
    Job {
        name: "retention",
        run: crate::domain::spaces::retention::run,
    },
    Job {
        name: "space_deletions",
        run: crate::domain::spaces::delete::finish_interrupted,
    },
    Job {
        name: "uploads_expire",
        run: crate::domain::documents::uploads::expire,
    },
    Job {
        name: "deposits_expire",
        run: crate::domain::drop_box::expire,
    },
    Job {
        name: "secure_mail_expire",
        run: crate::domain::secure_mail::expire,
    },
    Job {
        name: "copilot_proposals_expire",
        run: crate::domain::spaces::copilot_answer::expire,
    },
    // After the purges, so that the backup holds what they left.
    Job {
        name: "backup",
        run: crate::backup::schedule::run_due,
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
    run_jobs(core, now, JOBS)
}

fn run_jobs(core: &Core, now: i64, jobs: &[Job]) -> Vec<(&'static str, Option<usize>)> {
    jobs.iter()
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
    /// Told when the thread ends.
    ended: std::sync::mpsc::Receiver<()>,
}

/// How long a stop waits for a job in progress. A job can be long (the first search index
/// repair of a big box after an upgrade); every job is idempotent and each of its steps a
/// transaction of its own, so the process may exit in the middle of one: the next start
/// takes it up. Without this bound a SIGTERM would wait for the job, past the service
/// manager's patience.
const STOP_WAIT: Duration = Duration::from_millis(500);

impl Housekeeper {
    pub fn start(core: Arc<Core>) -> Result<Housekeeper, String> {
        Housekeeper::start_with(core, JOBS)
    }

    fn start_with(core: Arc<Core>, jobs: &'static [Job]) -> Result<Housekeeper, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let (tell, ended) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("housekeeping".into())
            .spawn(move || {
                let _ended = Ended(tell);
                let mut last: Option<Instant> = None;
                while !flag.load(Ordering::Relaxed) {
                    if last.is_none_or(|t| t.elapsed() >= EVERY) {
                        run_jobs(&core, time::now(), jobs);
                        last = Some(Instant::now());
                    }
                    std::thread::sleep(Duration::from_millis(250));
                }
            })
            .map_err(|e| format!("cannot start the housekeeping thread: {e}"))?;
        Ok(Housekeeper {
            stop,
            thread: Some(thread),
            ended,
        })
    }
}

/// Tells the [`Housekeeper`] when its thread ends, however it ends (a panic included).
struct Ended(std::sync::mpsc::Sender<()>);

impl Drop for Ended {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

impl Drop for Housekeeper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let Some(t) = self.thread.take() else {
            return;
        };
        match self.ended.recv_timeout(STOP_WAIT) {
            Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                let _ = t.join();
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                log::info!("housekeeping: a job is still running; it resumes at the next start");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Released by the test when it is done: the job below blocks until then.
    static RELEASE: std::sync::Mutex<bool> = std::sync::Mutex::new(false);
    static RELEASED: std::sync::Condvar = std::sync::Condvar::new();

    static STARTED: AtomicBool = AtomicBool::new(false);

    fn blocking_job(_: &Core, _: i64) -> Result<usize, String> {
        STARTED.store(true, Ordering::SeqCst);
        let mut released = RELEASE.lock().unwrap();
        while !*released {
            released = RELEASED.wait(released).unwrap();
        }
        Ok(0)
    }

    const BLOCKING: &[Job] = &[Job {
        name: "blocking",
        run: blocking_job,
    }];

    #[test]
    fn a_stop_does_not_wait_for_a_long_job() {
        let (_t, core) = crate::domain::firms::setup::tests_support::core();
        let keeper = Housekeeper::start_with(Arc::new(core), BLOCKING).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !STARTED.load(Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "the job never started");
            std::thread::yield_now();
        }
        let started = Instant::now();
        drop(keeper);
        let took = started.elapsed();
        *RELEASE.lock().unwrap() = true;
        RELEASED.notify_all();
        assert!(
            took >= STOP_WAIT,
            "it waited for the job a moment: {took:?}"
        );
        assert!(took < STOP_WAIT * 4, "then let it be: {took:?}");
    }

    #[test]
    fn job_names_are_unique() {
        let mut names: Vec<_> = JOBS.iter().map(|j| j.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len());
    }
}
