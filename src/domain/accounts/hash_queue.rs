//! The queue in front of the password hashing threads: fair between network addresses,
//! bounded per address, and the same for every sign-in whether its address has an account.
//!
//! **Why.** argon2id costs one core for tens of milliseconds and 19 MiB: a box of two cores
//! hashes one password at a time, some 25 per second. In a storm of 200 sign-ins in flight a
//! first-come queue makes everyone wait 8 s, the legitimate user included. So:
//! - jobs are queued per client (a keyed hash of its network address) and served round
//!   robin between clients: one network's storm delays another's sign-in by one hash per
//!   busy client, not by the whole storm;
//! - each client may have [`PER_CLIENT`] sign-ins admitted at once; more are refused before
//!   anything is counted or looked up ([`admit`] → [`Busy`]), which costs no hash and no
//!   write; a global bound ([`TOTAL`]) caps the threads waiting here;
//! - a sign-in for an address without an account does not hash: its job holds a hashing
//!   thread, asleep, for as long as a recent real verification took ([`Ticket::pretend`]).
//!   It waits in the same line and occupies the same thread for the same time, so neither
//!   its own answer nor the answers of the requests queued behind it tell whether the
//!   address exists; but it leaves the core to the other pages.
//!
//! Real accounts keep the full argon2id parameters: nothing here weakens a stored hash.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Sign-ins one client (network address) may have admitted at once.
pub const PER_CLIENT: usize = 8;
/// Sign-ins admitted at once in all.
pub const TOTAL: usize = 256;
/// Recent verification times kept to time the sign-ins of unknown addresses.
const SAMPLES: usize = 32;

type Job = Box<dyn FnOnce() + Send>;

/// Too many sign-ins of this client (or of all) are already waiting.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

#[derive(Default)]
struct State {
    /// Jobs waiting, per client.
    jobs: HashMap<u64, VecDeque<Job>>,
    /// Clients with jobs waiting, in serving order.
    ring: VecDeque<u64>,
    /// Admitted tickets per client, and in all.
    admitted: HashMap<u64, usize>,
    total: usize,
    /// The last durations of real verifications (a ring of [`SAMPLES`]).
    samples: Vec<Duration>,
    next_sample: usize,
}

struct Queue {
    state: Mutex<State>,
    ready: Condvar,
}

impl Queue {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is only counters and boxed jobs: still consistent after a panic.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push(&self, client: u64, job: Job) {
        let mut s = self.lock();
        let q = s.jobs.entry(client).or_default();
        q.push_back(job);
        if q.len() == 1 {
            s.ring.push_back(client);
        }
        drop(s);
        self.ready.notify_one();
    }

    /// The next job, round robin between clients; blocks until there is one.
    fn pop(&self) -> Job {
        let mut s = self.lock();
        loop {
            if let Some(client) = s.ring.pop_front() {
                let (job, more) = match s.jobs.get_mut(&client) {
                    Some(q) => (q.pop_front(), !q.is_empty()),
                    None => (None, false),
                };
                if more {
                    s.ring.push_back(client);
                } else {
                    s.jobs.remove(&client);
                }
                if let Some(job) = job {
                    return job;
                }
                continue;
            }
            s = self.ready.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn record(&self, d: Duration) {
        let mut s = self.lock();
        if s.samples.len() < SAMPLES {
            s.samples.push(d);
        } else {
            let i = s.next_sample % SAMPLES;
            if let Some(slot) = s.samples.get_mut(i) {
                *slot = d;
            }
        }
        s.next_sample = (s.next_sample + 1) % SAMPLES;
    }

    /// One of the recent verification times, picked at random; `None` before the first.
    fn sample(&self) -> Option<Duration> {
        let s = self.lock();
        let n = s.samples.len();
        if n == 0 {
            return None;
        }
        let r = u64::from_le_bytes(crate::ids::random::<8>());
        let i = usize::try_from(r % n as u64).unwrap_or(0);
        s.samples.get(i).copied()
    }
}

/// Hashes computed at once: all cores but one, so that a burst of sign-ins always leaves a
/// core to the other pages.
fn parallel() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get().saturating_sub(1).clamp(1, 4))
        .unwrap_or(1)
}

/// The queue and its hashing threads: long-lived, so the 19 MiB of each hash is reused by
/// the same few allocator arenas instead of piling up in those of every request thread.
fn queue() -> Option<&'static Arc<Queue>> {
    static QUEUE: OnceLock<Option<Arc<Queue>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let q = Arc::new(Queue {
                state: Mutex::new(State::default()),
                ready: Condvar::new(),
            });
            for i in 0..parallel() {
                let q = q.clone();
                let spawned = std::thread::Builder::new()
                    .name(format!("argon2-{i}"))
                    // argon2's 19 MiB is on the heap; the thread itself needs little.
                    .stack_size(256 * 1024)
                    .spawn(move || {
                        loop {
                            (q.pop())();
                        }
                    });
                if spawned.is_err() {
                    log::error!("cannot start a hashing thread");
                    return None;
                }
            }
            Some(q)
        })
        .as_ref()
}

/// Runs `f` on a hashing thread under `client`'s turn and waits for its result (on the
/// caller's thread when the threads could not start).
fn run<T: Send + 'static>(client: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let Some(q) = queue() else {
        return f();
    };
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    q.push(
        client,
        Box::new(move || {
            let _ = tx.send(f());
        }),
    );
    match rx.recv() {
        Ok(v) => v,
        // The hashing thread died with the job: nothing sensible but to fail closed.
        Err(_) => {
            log::error!("hashing thread lost a job");
            std::process::abort()
        }
    }
}

/// Hashing work not tied to a sign-in (setting a password): the box's own turn, unbounded.
pub fn run_local<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    run(0, f)
}

/// A place in the queue for one sign-in of one client; given back when dropped.
pub struct Ticket {
    client: u64,
}

/// The client key of a network address (never the address itself).
fn client_key(key: &[u8; 32]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&key[..8]);
    // 0 is the box's own turn.
    u64::from_le_bytes(b).max(1)
}

/// Admits one sign-in of the client whose keyed address is `key`, or refuses it at once.
pub fn admit(key: &[u8; 32]) -> Result<Ticket, Busy> {
    let client = client_key(key);
    let Some(q) = queue() else {
        return Ok(Ticket { client });
    };
    let mut s = q.lock();
    let mine = s.admitted.get(&client).copied().unwrap_or(0);
    if mine >= PER_CLIENT || s.total >= TOTAL {
        return Err(Busy);
    }
    s.admitted.insert(client, mine + 1);
    s.total += 1;
    Ok(Ticket { client })
}

impl Ticket {
    /// Verifies on a hashing thread (`f` is the argon2 check); its time is recorded.
    pub fn verify(&self, f: impl FnOnce() -> bool + Send + 'static) -> bool {
        // The time on the hashing thread only: the wait in line is the same for a pretence.
        let (ok, took) = run(self.client, move || {
            let started = Instant::now();
            let ok = f();
            (ok, started.elapsed())
        });
        if let Some(q) = queue() {
            q.record(took);
        }
        ok
    }

    /// Takes a hashing thread's turn for as long as a recent verification, without hashing
    /// (an address without an account). Before any real verification, `fallback` (a real
    /// hash of a dummy) sets the first time.
    pub fn pretend(&self, fallback: impl FnOnce() -> bool + Send + 'static) {
        match queue().and_then(|q| q.sample()) {
            Some(d) => run(self.client, move || std::thread::sleep(d)),
            None => {
                self.verify(fallback);
            }
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let Some(q) = queue() else {
            return;
        };
        let mut s = q.lock();
        let left = match s.admitted.get_mut(&self.client) {
            Some(n) => {
                *n = n.saturating_sub(1);
                *n
            }
            None => 0,
        };
        if left == 0 {
            s.admitted.remove(&self.client);
        }
        s.total = s.total.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_a_bounded_number_of_places() {
        let key = [42u8; 32];
        let other = [43u8; 32];
        let held: Vec<Ticket> = (0..PER_CLIENT).map(|_| admit(&key).unwrap()).collect();
        assert!(matches!(admit(&key), Err(Busy)), "one too many");
        // Another network is not refused because of the first.
        let t = admit(&other).unwrap();
        drop(t);
        drop(held);
        assert!(admit(&key).is_ok(), "places are given back");
    }

    #[test]
    fn clients_are_served_in_turn_not_in_arrival_order() {
        // A queue without threads, popped by hand: a client's 3 jobs queued first, then
        // another's one; the other's comes second, not fourth.
        let q = Queue {
            state: Mutex::new(State::default()),
            ready: Condvar::new(),
        };
        let order = Arc::new(Mutex::new(Vec::new()));
        for (client, tag) in [(1u64, "a1"), (1, "a2"), (1, "a3"), (2, "b1")] {
            let order = order.clone();
            q.push(client, Box::new(move || order.lock().unwrap().push(tag)));
        }
        for _ in 0..4 {
            (q.pop())();
        }
        assert_eq!(*order.lock().unwrap(), ["a1", "b1", "a2", "a3"]);
    }

    #[test]
    fn the_pretended_time_is_one_of_the_real_ones() {
        let q = Queue {
            state: Mutex::new(State::default()),
            ready: Condvar::new(),
        };
        assert_eq!(q.sample(), None);
        for ms in [30, 40, 50] {
            q.record(Duration::from_millis(ms));
        }
        for _ in 0..20 {
            let d = q.sample().unwrap();
            assert!([30, 40, 50].contains(&d.as_millis()), "{d:?}");
        }
        for _ in 0..100 {
            q.record(Duration::from_millis(7));
        }
        assert_eq!(
            q.sample(),
            Some(Duration::from_millis(7)),
            "a ring of recent times"
        );
    }
}
