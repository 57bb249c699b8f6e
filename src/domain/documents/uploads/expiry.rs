//! Housekeeping of resumable uploads: the unfinished ones whose time is up, or whose space
//! is gone, are removed with their encrypted bytes.

use crate::domain::Core;
use crate::domain::documents::uploads::live::Claim;
use crate::domain::documents::uploads::store;
use crate::ids::SpaceId;
use crate::store::{StoreError, spaces};

/// Housekeeping: removes the uploads expired at `now`, and those of a space that is gone,
/// with their blobs. Never one being written at that moment.
pub fn expire(core: &Core, now: i64) -> Result<usize, String> {
    let mut removed = 0;
    for (id, e) in store::entries(&core.store).map_err(|e| e.to_string())? {
        let space_gone = space_gone(core, e.space).map_err(|e| e.to_string())?;
        if e.expires_at > now && !space_gone {
            continue;
        }
        let Some(claim) = Claim::take(id) else {
            continue;
        };
        // Read again under the claim: a request may just have extended or finished it.
        match store::entry(&core.store, id).map_err(|e| e.to_string())? {
            None => {
                claim.forget();
                continue;
            }
            Some(again) if again.expires_at > now && !space_gone => continue,
            Some(_) => {}
        }
        store::delete(&core.store, e.space, id).map_err(|e| e.to_string())?;
        claim.forget();
        if let Err(err) = core.blobs.remove(e.blob) {
            log::warn!("upload {id}: blob not removed ({err}); the sweep will");
        }
        log::info!("upload {id} of space {}: expired, removed", e.space);
        removed += 1;
    }
    Ok(removed)
}

fn space_gone(core: &Core, space: SpaceId) -> Result<bool, StoreError> {
    Ok(match spaces::entry(&core.store, space)? {
        Some(entry) => spaces::key(&core.store, space, &entry)?.is_none(),
        None => true,
    })
}
