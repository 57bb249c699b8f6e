//! At most a few pages computed at once, first come first served.
//!
//! Every request has a thread of its own. With fifty pages being computed at once on two
//! cores, the scheduler shares the cores between all of them: each page takes fifty times
//! its own time, and some, unlucky in the sharing, much longer (p99 at 4 to 10 times the
//! median, measured). Letting as many pages run as there are cores, the others waiting in
//! arrival order, gives the same throughput with a wait that is the queue's length for
//! everyone. Only reads (GET, HEAD) pass the gate, and only while their handler runs: an
//! upload reads its body inside its handler for minutes and must not hold a place; a
//! download's body is written after the handler returned, outside the gate.
//!
//! Invariant: a place is handed over directly to the oldest waiter (never taken by a
//! newcomer in between), and a place is given back when the permit drops, even by a panic.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::Thread;

pub struct Gate {
    state: Mutex<State>,
}

struct State {
    free: usize,
    waiting: VecDeque<Arc<Waiter>>,
}

struct Waiter {
    thread: Thread,
    admitted: AtomicBool,
}

/// A place at the gate, given back on drop.
pub struct Permit<'a> {
    gate: &'a Gate,
}

impl Gate {
    /// A gate with `places` places (at least one).
    pub fn new(places: usize) -> Gate {
        Gate {
            state: Mutex::new(State {
                free: places.max(1),
                waiting: VecDeque::new(),
            }),
        }
    }

    /// As many places as the machine has cores.
    pub fn per_core() -> Gate {
        Gate::new(2 * std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a place.
    pub fn enter(&self) -> Permit<'_> {
        let me = {
            let mut s = self.state();
            if s.free > 0 && s.waiting.is_empty() {
                s.free -= 1;
                return Permit { gate: self };
            }
            let me = Arc::new(Waiter {
                thread: std::thread::current(),
                admitted: AtomicBool::new(false),
            });
            s.waiting.push_back(me.clone());
            me
        };
        // `park` may return spuriously: the flag says whether the place was handed over.
        while !me.admitted.load(Ordering::Acquire) {
            std::thread::park();
        }
        Permit { gate: self }
    }

    fn leave(&self) {
        let mut s = self.state();
        match s.waiting.pop_front() {
            Some(next) => {
                drop(s);
                next.admitted.store(true, Ordering::Release);
                next.thread.unpark();
            }
            None => s.free += 1,
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.gate.leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    #[test]
    fn never_more_inside_than_places() {
        let gate = Arc::new(Gate::new(2));
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (gate, inside, most) = (gate.clone(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        let _p = gate.enter();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= 2);
        assert_eq!(gate.state().free, 2);
    }

    #[test]
    fn waiters_get_in_in_arrival_order() {
        let gate = Arc::new(Gate::new(1));
        let first = gate.enter();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut threads = Vec::new();
        for i in 0..5 {
            let (g, order) = (gate.clone(), order.clone());
            threads.push(std::thread::spawn(move || {
                let _p = g.enter();
                order.lock().unwrap().push(i);
            }));
            // Wait until this one is queued before starting the next.
            while gate.state().waiting.len() < i + 1 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        drop(first);
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_panic_inside_gives_the_place_back() {
        let gate = Arc::new(Gate::new(1));
        let g = gate.clone();
        let r = std::thread::spawn(move || {
            let _p = g.enter();
            panic!("handler panics");
        })
        .join();
        assert!(r.is_err());
        drop(gate.enter());
        assert_eq!(gate.state().free, 1);
    }
}
