//! The staff's inbox of deposits: the firm's sent deposits (who, when, how many files, how
//! large; those a staff member has not opened yet are new for him), one deposit with its
//! note and files, a file's bytes, and deletion. Every function starts from the staff
//! member's own firm: another firm's deposit is not found, whatever its id.

use serde::Serialize;

use crate::crypto::stream::DecryptReader;
use crate::domain::Core;
use crate::domain::access::Staff;
use crate::domain::drop_box::files::{DepositView, view_of};
use crate::domain::drop_box::{DepositError, claim, firm_key, journal, remove_blobs};

use crate::ids::DepositId;
use crate::model::time;
use crate::store::drop_box::{self, Content, Entry, State};

#[derive(Debug, Serialize)]
pub struct InboxLine {
    pub id: String,
    pub reference: String,
    pub name: String,
    pub email: String,
    pub received_at: String,
    pub files: u32,
    pub bytes: u64,
    /// Not opened yet by this staff member.
    pub new: bool,
}

/// The firm's sent deposits, newest first.
pub fn inbox(core: &Core, staff: &Staff<'_>) -> Result<Vec<InboxLine>, DepositError> {
    let fk = firm_key(core, staff.firm)?;
    let mut rows: Vec<(i64, InboxLine)> = Vec::new();
    for (id, e) in drop_box::list(&core.store, staff.firm, &fk)? {
        if e.state != State::Received {
            continue;
        }
        let Some(key) = drop_box::key_of(&core.store, &fk, id, &e)? else {
            log::warn!("deposit {id}: its key is not in keys/vault; it cannot be shown");
            continue;
        };
        let Some(c) = drop_box::content(&core.store, staff.firm, id, &key)? else {
            continue;
        };
        let at = e.received_at.unwrap_or(e.created_at);
        rows.push((
            at,
            InboxLine {
                id: id.hex(),
                reference: id.hex()[..8].to_uppercase(),
                name: c.name,
                email: c.email,
                received_at: time::rfc3339(at),
                files: e.files,
                bytes: e.bytes,
                new: !e.seen_by.contains(&staff.account.id),
            },
        ));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    Ok(rows.into_iter().map(|(_, l)| l).collect())
}

/// A sent deposit of the staff member's firm.
fn received(
    core: &Core,
    staff: &Staff<'_>,
    id: DepositId,
) -> Result<(Entry, crate::store::drop_box::keys::DepositKey, Content), DepositError> {
    let fk = firm_key(core, staff.firm)?;
    match drop_box::open(&core.store, staff.firm, &fk, id)? {
        Some(d) if d.0.state == State::Received => Ok(d),
        _ => Err(DepositError::NotFound),
    }
}

/// Whether `id` is a sent deposit of the staff member's firm (the routes' access check).
pub fn exists(core: &Core, staff: &Staff<'_>, id: DepositId) -> Result<bool, DepositError> {
    let fk = firm_key(core, staff.firm)?;
    Ok(drop_box::entry(&core.store, staff.firm, &fk, id)?
        .is_some_and(|e| e.state == State::Received))
}

/// One deposit; from now on it is no longer new for this staff member.
pub fn show(core: &Core, staff: &Staff<'_>, id: DepositId) -> Result<DepositView, DepositError> {
    let (e, _, c) = received(core, staff, id)?;
    let me = staff.account.id;
    if !e.seen_by.contains(&me) {
        let _g = claim(id);
        let fk = firm_key(core, staff.firm)?;
        if let Some(mut again) = drop_box::entry(&core.store, staff.firm, &fk, id)? {
            again.seen_by.push(me);
            drop_box::set_entry(&core.store, staff.firm, &fk, id, &again)?;
        }
    }
    Ok(view_of(id, &e, &c))
}

/// What a download needs.
pub struct Opened {
    pub reader: DecryptReader<std::fs::File>,
    pub len: u64,
    pub name: String,
    pub sha256: String,
}

/// File `n` (1-based) of a deposit.
pub fn open_file(
    core: &Core,
    staff: &Staff<'_>,
    id: DepositId,
    n: usize,
) -> Result<Opened, DepositError> {
    let (_, key, c) = received(core, staff, id)?;
    let f = n
        .checked_sub(1)
        .and_then(|i| c.files.get(i))
        .ok_or(DepositError::NotFound)?;
    let (reader, len) = core.blobs.open(key.blob_root(), f.blob)?;
    log::info!(
        "deposit {id}: file {n} downloaded by account {}",
        staff.account.id
    );
    Ok(Opened {
        reader,
        len,
        name: f.name.clone(),
        sha256: f.sha256.clone(),
    })
}

/// Deletes a deposit: its records (and with them its key), then its files.
pub fn delete(core: &Core, staff: &Staff<'_>, id: DepositId) -> Result<(), DepositError> {
    let blobs = {
        let _g = claim(id);
        let (e, _, _) = received(core, staff, id)?;
        drop_box::delete(&core.store, staff.firm, id)?;
        drop_box::shred(&core.store, id)?;
        e.blobs
    };
    remove_blobs(core, id, &blobs);
    journal(
        core,
        staff.firm,
        Some(staff.account.id),
        "deposit_deleted",
        format!("deposit:{id} files:{}", blobs.len()),
    );
    log::info!(
        "deposit {id} of firm {}: deleted by account {}",
        staff.firm,
        staff.account.id
    );
    Ok(())
}
