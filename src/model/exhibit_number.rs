//! The numbering of a party's exhibits (pièces): pure rules, no storage.
//!
//! A number is a base and a suffix: `12`, `12 bis`, `12 ter`… (suffix 0 is none, 1 is
//! *bis*, 2 *ter*, up to [`MAX_SUFFIX`], *vicies*). Numbers are ordered by base then suffix,
//! and a party's exhibits are kept in that order: the number *is* the position.
//!
//! **Stability.** A communicated exhibit is *frozen*: its number never changes again. The
//! others are renumbered freely, always to the same canonical numbers ([`normalize`]): each
//! run of unfrozen exhibits between two frozen ones (or the start, or the end) takes the
//! smallest numbers that fit, plain numbers first (`13`, `14`), then suffixes of the last
//! number (`12 bis`, `12 ter`) where no plain number is left. So an insertion "after 12"
//! before any communication shifts the later exhibits (`13` becomes `14`); after `12` and
//! `13` were communicated it becomes `12 bis`; and where even a suffix does not fit (after
//! `12` when `12 bis` is frozen), it goes after the next frozen exhibit instead.
//! Removing an unfrozen exhibit closes the gap among the unfrozen ones that follow it.

use serde::{Deserialize, Serialize};

/// The Latin suffixes, from the second (`bis`) on: `SUFFIXES[s - 1]` for suffix `s`.
pub const SUFFIXES: [&str; 19] = [
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "novies",
    "decies",
    "undecies",
    "duodecies",
    "terdecies",
    "quaterdecies",
    "quindecies",
    "sexdecies",
    "septdecies",
    "octodecies",
    "novodecies",
    "vicies",
];

/// The largest suffix (`vicies`, the twentieth).
pub const MAX_SUFFIX: u8 = SUFFIXES.len() as u8;

/// An exhibit number: `base` from 1, `suffix` 0 (none) to [`MAX_SUFFIX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Num {
    pub base: u32,
    pub suffix: u8,
}

impl Num {
    pub const fn plain(base: u32) -> Num {
        Num { base, suffix: 0 }
    }

    /// `12`, `12 bis`.
    pub fn text(&self) -> String {
        match self.suffix {
            0 => self.base.to_string(),
            s => {
                let word = SUFFIXES.get(usize::from(s) - 1).copied().unwrap_or("?");
                format!("{} {word}", self.base)
            }
        }
    }

    /// Parses what [`Num::text`] writes (`12`, `12 bis`, `12bis`, case and spaces aside).
    pub fn parse(s: &str) -> Option<Num> {
        let s = s.trim().to_ascii_lowercase();
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        let base: u32 = digits.parse().ok().filter(|b| *b > 0)?;
        let rest = s[digits.len()..].trim();
        if rest.is_empty() {
            return Some(Num::plain(base));
        }
        let i = SUFFIXES.iter().position(|w| *w == rest)?;
        Some(Num {
            base,
            suffix: i as u8 + 1,
        })
    }

    /// The label of the number with a party's prefix: `D-12 bis`, or `12 bis` without one.
    pub fn label(&self, prefix: &str) -> String {
        if prefix.is_empty() {
            self.text()
        } else {
            format!("{prefix}-{}", self.text())
        }
    }
}

/// How many numbers lie strictly between `lo` (none: before 1) and `hi` (none: no bound),
/// saturating; `u64::MAX` for no upper bound.
fn room(lo: Option<Num>, hi: Option<Num>) -> u64 {
    let Some(hi) = hi else {
        return u64::MAX;
    };
    let per_base = u64::from(MAX_SUFFIX) + 1;
    let hi_pos = u64::from(hi.base) * per_base + u64::from(hi.suffix);
    // The position of the first number above `lo` (1 when there is none: 0 is no base).
    let from = match lo {
        None => per_base,
        Some(l) => u64::from(l.base) * per_base + u64::from(l.suffix) + 1,
    };
    hi_pos.saturating_sub(from)
}

/// The smallest `k` numbers strictly between `lo` and `hi`, plain numbers first, or `None`
/// when they do not fit.
pub fn fill(lo: Option<Num>, hi: Option<Num>, k: usize) -> Option<Vec<Num>> {
    if room(lo, hi) < k as u64 {
        return None;
    }
    let below = |n: Num| hi.is_none_or(|h| n < h);
    let mut out = Vec::with_capacity(k);
    let mut cur = lo;
    for i in 0..k {
        let left = (k - i - 1) as u64;
        let plain = Num::plain(cur.map_or(1, |c| c.base + 1));
        let next = if below(plain) && room(Some(plain), hi) >= left {
            plain
        } else {
            // `room` said k fit, and a suffix of `cur` is the smallest next number.
            let c = cur?;
            let n = Num {
                base: c.base,
                suffix: c.suffix + 1,
            };
            if n.suffix > MAX_SUFFIX || !below(n) {
                return None;
            }
            n
        };
        out.push(next);
        cur = Some(next);
    }
    Some(out)
}

/// One exhibit in a party's order: `fixed` is the number of a frozen (communicated) one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<K> {
    pub key: K,
    pub fixed: Option<Num>,
}

/// The canonical numbers of a sequence (frozen numbers kept, each run of unfrozen ones
/// filled by [`fill`]), or `None` when a run does not fit between its frozen neighbours.
pub fn normalize<K: Clone>(seq: &[Entry<K>]) -> Option<Vec<(K, Num)>> {
    let mut out = Vec::with_capacity(seq.len());
    let mut lo: Option<Num> = None;
    let mut run: Vec<K> = Vec::new();
    for e in seq {
        match e.fixed {
            None => run.push(e.key.clone()),
            Some(f) => {
                if lo.is_some_and(|l| l >= f) {
                    return None;
                }
                let nums = fill(lo, Some(f), run.len())?;
                out.extend(run.drain(..).zip(nums));
                out.push((e.key.clone(), f));
                lo = Some(f);
            }
        }
    }
    let nums = fill(lo, None, run.len())?;
    out.extend(run.drain(..).zip(nums));
    Some(out)
}

/// Where a new (or moved) exhibit goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// After the last one: the next number.
    End,
    /// Before every other one.
    Start,
    /// Right after the exhibit numbered so (or, if none fits there, after the next frozen).
    After(Num),
}

/// The sequence of a party sorted by number: `(key, current number, frozen)`.
pub fn sorted<K: Clone>(items: &[(K, Num, bool)]) -> Vec<Entry<K>> {
    let mut v: Vec<&(K, Num, bool)> = items.iter().collect();
    v.sort_by_key(|(_, n, _)| *n);
    v.into_iter()
        .map(|(k, n, frozen)| Entry {
            key: k.clone(),
            fixed: frozen.then_some(*n),
        })
        .collect()
}

/// Inserts `key` (not frozen) at `place` in a party's exhibits `(key, number, frozen)` and
/// returns every exhibit's canonical number, the new one's included.
pub fn insert<K: Clone + PartialEq>(
    items: &[(K, Num, bool)],
    key: K,
    place: Place,
) -> Vec<(K, Num)> {
    let seq = sorted(items);
    let mut at = match place {
        Place::End => seq.len(),
        Place::Start => 0,
        Place::After(n) => {
            // After the last exhibit numbered at most `n` (so a gap still places it well).
            let nums: Vec<Num> = items
                .iter()
                .map(|(_, num, _)| *num)
                .filter(|x| *x <= n)
                .collect();
            nums.len()
        }
    };
    loop {
        let mut trial = seq.clone();
        trial.insert(
            at,
            Entry {
                key: key.clone(),
                fixed: None,
            },
        );
        if let Some(done) = normalize(&trial) {
            return done;
        }
        // No room here: after the next frozen exhibit (the end always has room).
        at = match seq[at..].iter().position(|e| e.fixed.is_some()) {
            Some(i) => at + i + 1,
            None => seq.len(),
        };
    }
}

/// Removes the unfrozen `key` and returns the canonical numbers of the others.
pub fn remove<K: Clone + PartialEq>(items: &[(K, Num, bool)], key: &K) -> Vec<(K, Num)> {
    let seq: Vec<Entry<K>> = sorted(items)
        .into_iter()
        .filter(|e| e.key != *key)
        .collect();
    // Removing frees room: the canonical numbering of what is left always exists; the
    // fallback keeps the current numbers, which are valid too.
    normalize(&seq).unwrap_or_else(|| {
        items
            .iter()
            .filter(|(k, _, _)| k != key)
            .map(|(k, n, _)| (k.clone(), *n))
            .collect()
    })
}

/// Moves the unfrozen `key` to `place` among the others.
pub fn move_to<K: Clone + PartialEq>(
    items: &[(K, Num, bool)],
    key: &K,
    place: Place,
) -> Vec<(K, Num)> {
    let others: Vec<(K, Num, bool)> = items.iter().filter(|i| i.0 != *key).cloned().collect();
    insert(&others, key.clone(), place)
}

#[cfg(test)]
mod tests;
