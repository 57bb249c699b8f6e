use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

enum Control<T> {
    Elem(T),
    Unblock,
}

pub struct MessagesQueue<T>
where
    T: Send,
{
    queue: Mutex<VecDeque<Control<T>>>,
    condvar: Condvar,
    // set when the server is dropped: queued and later elements are dropped, not kept
    closed: AtomicBool,
}

impl<T> MessagesQueue<T>
where
    T: Send,
{
    pub fn with_capacity(capacity: usize) -> Arc<MessagesQueue<T>> {
        Arc::new(MessagesQueue {
            queue: Mutex::new(VecDeque::with_capacity(capacity)),
            condvar: Condvar::new(),
            closed: AtomicBool::new(false),
        })
    }

    /// Locks the queue, ignoring poisoning (the queue itself is always consistent).
    fn lock(&self) -> MutexGuard<'_, VecDeque<Control<T>>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Pushes an element to the queue.
    pub fn push(&self, value: T) {
        let mut queue = self.lock();
        if self.closed.load(Ordering::SeqCst) {
            // nobody will ever pop it: drop it now (outside of the lock)
            drop(queue);
            drop(value);
            return;
        }
        queue.push_back(Control::Elem(value));
        self.condvar.notify_one();
    }

    /// Marks the queue as closed and drops what it holds (outside of the lock). Later pushes
    /// drop their element immediately. Used when the server is dropped, so that pending
    /// requests get answered (500) and their connections end instead of hanging.
    pub fn close(&self) {
        let drained: Vec<Control<T>> = {
            let mut queue = self.lock();
            self.closed.store(true, Ordering::SeqCst);
            queue.drain(..).collect()
        };
        drop(drained);
    }

    /// Unblock one thread stuck in pop loop.
    pub fn unblock(&self) {
        let mut queue = self.lock();
        queue.push_back(Control::Unblock);
        self.condvar.notify_one();
    }

    /// Pops an element. Blocks until one is available.
    /// Returns None in case unblock() was issued.
    pub fn pop(&self) -> Option<T> {
        let mut queue = self.lock();

        loop {
            match queue.pop_front() {
                Some(Control::Elem(value)) => return Some(value),
                Some(Control::Unblock) => return None,
                None => (),
            }

            queue = self.condvar.wait(queue).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Tries to pop an element without blocking.
    pub fn try_pop(&self) -> Option<T> {
        let mut queue = self.lock();
        match queue.pop_front() {
            Some(Control::Elem(value)) => Some(value),
            Some(Control::Unblock) | None => None,
        }
    }

    /// Tries to pop an element without blocking
    /// more than the specified timeout duration
    /// or unblock() was issued
    pub fn pop_timeout(&self, timeout: Duration) -> Option<T> {
        let mut queue = self.lock();
        let mut duration = timeout;
        loop {
            match queue.pop_front() {
                Some(Control::Elem(value)) => return Some(value),
                Some(Control::Unblock) => return None,
                None => (),
            }
            let now = Instant::now();
            let (_queue, result) = self
                .condvar
                .wait_timeout(queue, timeout)
                .unwrap_or_else(|e| e.into_inner());
            queue = _queue;
            let sleep_time = now.elapsed();
            duration = if duration > sleep_time {
                duration - sleep_time
            } else {
                Duration::from_millis(0)
            };
            if result.timed_out()
                || (duration.as_secs() == 0 && duration.subsec_nanos() < 1_000_000)
            {
                return None;
            }
        }
    }
}
