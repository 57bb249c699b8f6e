// Patched (huisclos): an elastic set of request threads.
//
// Like one thread per request, a request never waits for another one to finish: when no
// thread is idle, a new one starts. Unlike it, a thread that has answered waits for the next
// request instead of exiting, so a busy server does not create and destroy a thread (and
// map and unmap its stack) for every request. A thread idle for `IDLE` exits.
//
// Invariant: a job handed to an idle thread is always run. A thread leaves the idle list
// before it may exit; a job is only sent to a thread taken from that list, and a thread that
// finds itself already taken waits for the job that is coming.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// How long an idle thread waits for a request before it exits.
const IDLE: Duration = Duration::from_secs(30);

pub struct Elastic {
    shared: Arc<Shared>,
}

struct Shared {
    /// Idle threads, most recently idle last (its stack is the warmest).
    idle: Mutex<Vec<(usize, Sender<Job>)>>,
    next_id: AtomicUsize,
    /// Jobs accepted and not yet finished.
    running: AtomicUsize,
}

/// Decrements `running` when a job ends, even by a panic.
struct Running(Arc<Shared>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::Release);
    }
}

impl Elastic {
    pub fn new() -> Elastic {
        Elastic {
            shared: Arc::new(Shared {
                idle: Mutex::new(Vec::new()),
                next_id: AtomicUsize::new(0),
                running: AtomicUsize::new(0),
            }),
        }
    }

    /// Jobs accepted and not yet finished.
    pub fn running(&self) -> usize {
        self.shared.running.load(Ordering::Acquire)
    }

    pub fn execute<F: FnOnce() + Send + 'static>(&self, f: F) {
        self.shared.running.fetch_add(1, Ordering::AcqRel);
        let guard = Running(self.shared.clone());
        let mut job: Job = Box::new(move || {
            let _guard = guard;
            f()
        });
        loop {
            let taken = self
                .shared
                .idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pop();
            match taken {
                Some((_, tx)) => match tx.send(job) {
                    Ok(()) => return,
                    // That thread died (a panic outside a job): try the next one.
                    Err(e) => job = e.0,
                },
                None => return self.spawn(job),
            }
        }
    }

    fn spawn(&self, first: Job) {
        let shared = self.shared.clone();
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        // If no thread can be started, the job is dropped: its connection gets no answer
        // and is closed, as with a thread per request.
        let _ = thread::Builder::new().spawn(move || worker(shared, id, first));
    }
}

fn worker(shared: Arc<Shared>, id: usize, first: Job) {
    let (tx, rx) = channel::<Job>();
    let mut job = first;
    loop {
        job();
        shared
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((id, tx.clone()));
        job = match rx.recv_timeout(IDLE) {
            Ok(next) => next,
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {
                let mut idle = shared.idle.lock().unwrap_or_else(|e| e.into_inner());
                match idle.iter().position(|(i, _)| *i == id) {
                    Some(pos) => {
                        idle.remove(pos);
                        return;
                    }
                    // Taken just now: its job is on the way.
                    None => {
                        drop(idle);
                        match rx.recv() {
                            Ok(next) => next,
                            Err(_) => return,
                        }
                    }
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn every_job_runs_and_threads_are_reused() {
        let pool = Elastic::new();
        let (tx, rx) = channel();
        for i in 0..200 {
            let tx = tx.clone();
            pool.execute(move || {
                let _ = tx.send((i, thread::current().id()));
            });
            // One at a time: wait until the thread that ran it is idle again.
            let t = std::time::Instant::now();
            while pool.running() > 0 || pool.shared.idle.lock().unwrap().is_empty() {
                assert!(t.elapsed() < Duration::from_secs(5));
                thread::sleep(Duration::from_millis(1));
            }
        }
        let mut seen: Vec<_> = (0..200).map(|_| rx.recv().unwrap()).collect();
        seen.sort_by_key(|s| s.0);
        assert!(seen.iter().enumerate().all(|(i, s)| s.0 == i));
        let mut threads: Vec<_> = seen.iter().map(|s| s.1).collect();
        threads.sort_by_key(|t| format!("{:?}", t));
        threads.dedup();
        assert_eq!(threads.len(), 1, "{} threads for 200 jobs", threads.len());
        while pool.running() > 0 {
            thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_busy_thread_never_delays_a_new_job() {
        let pool = Elastic::new();
        let (block_tx, block_rx) = channel::<()>();
        let block_rx = Mutex::new(block_rx);
        pool.execute(move || {
            let _ = block_rx.lock().unwrap().recv();
        });
        let (tx, rx) = channel();
        pool.execute(move || {
            let _ = tx.send(());
        });
        assert!(rx.recv_timeout(Duration::from_secs(5)).is_ok());
        // The second job has sent, and its count drops just after: then only the first runs.
        let t = std::time::Instant::now();
        while pool.running() != 1 {
            assert!(
                t.elapsed() < Duration::from_secs(5),
                "{} running",
                pool.running()
            );
            thread::sleep(Duration::from_millis(1));
        }
        block_tx.send(()).unwrap();
        let t = std::time::Instant::now();
        while pool.running() > 0 {
            assert!(t.elapsed() < Duration::from_secs(5));
            thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_panicking_job_is_counted_as_finished_and_the_pool_goes_on() {
        let pool = Elastic::new();
        pool.execute(|| panic!("job panics"));
        let (tx, rx) = channel();
        pool.execute(move || {
            let _ = tx.send(());
        });
        assert!(rx.recv_timeout(Duration::from_secs(5)).is_ok());
        let t = std::time::Instant::now();
        while pool.running() > 0 {
            assert!(t.elapsed() < Duration::from_secs(5));
            thread::sleep(Duration::from_millis(1));
        }
    }
}
