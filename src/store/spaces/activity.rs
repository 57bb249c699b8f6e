//! The time of each space's last journal entry, kept in memory: the order of a dashboard
//! ("most recent activity first") without opening every space of a member of thousands.
//!
//! It is a cache, never the truth: [`crate::store::journal::append`] moves a space's time forward
//! after each commit; a space not seen since the start is read from its journal by
//! [`crate::store::spaces::pages::last_activity`] (the dashboard does a bounded number per request and
//! a thread started with the server does all of them). Nothing here is written to disk, so
//! activity times are not added to what a stolen disk shows.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::ids::SpaceId;

#[derive(Debug, Default)]
pub struct Activity {
    at: RwLock<HashMap<SpaceId, i64>>,
}

impl Activity {
    /// Records activity in `space` at `at` (a later time only moves it forward).
    pub fn touch(&self, space: SpaceId, at: i64) {
        // A poisoned lock only means another thread panicked mid-insert of a plain map: the
        // map is still a valid cache.
        let mut map = self.at.write().unwrap_or_else(|p| p.into_inner());
        let slot = map.entry(space).or_insert(at);
        *slot = (*slot).max(at);
    }

    /// The last activity known for `space`.
    pub fn get(&self, space: SpaceId) -> Option<i64> {
        let map = self.at.read().unwrap_or_else(|p| p.into_inner());
        map.get(&space).copied()
    }

    /// The known times of `spaces`, `None` where not known yet; one lock for all.
    pub fn get_many(&self, spaces: &[SpaceId]) -> Vec<Option<i64>> {
        let map = self.at.read().unwrap_or_else(|p| p.into_inner());
        spaces.iter().map(|s| map.get(s).copied()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_space_time_only_moves_forward() {
        let a = Activity::default();
        let s = SpaceId([7; 16]);
        assert_eq!(a.get(s), None);
        a.touch(s, 100);
        a.touch(s, 50);
        assert_eq!(a.get(s), Some(100));
        a.touch(s, 150);
        assert_eq!(a.get_many(&[s, SpaceId([8; 16])]), [Some(150), None]);
    }
}
