//! Status changes of requests: a file uploaded against a request makes it received
//! ([`attach`], called by every upload path), a Gestionnaire accepts it or refuses it with a
//! reason ([`accept`], [`refuse`]). Each works on one party's track (see
//! [`crate::domain::requests`]), journals the change and notifies those concerned, content-free.
//! Re-exported by [`crate::domain::requests`].

use crate::domain::access::{Manage, Profile, Upload};
use crate::domain::requests::{
    ReqError, check_note, debtors, enabled, managers, notify, party_of, target,
};
use crate::domain::{Core, journal};

use crate::ids::{AccountId, DocumentId, RequestId};
use crate::model::time;
use crate::store::requests::{self, SHARED, Status};
use crate::store::{documents, spaces};

/// The party a Gestionnaire names: `None` for the shared track, else a Déposant member.
pub fn check_party(
    core: &Core,
    m: &Manage<'_>,
    party: Option<AccountId>,
) -> Result<AccountId, ReqError> {
    let Some(a) = party else {
        return Ok(SHARED);
    };
    match spaces::membership(&core.store, a, m.space().id)? {
        Some(ms) if ms.profile == Profile::Deposant => Ok(a),
        _ => Err(ReqError::NotFound),
    }
}

/// Accepts what a party sent. Only once something was received: accepting nothing would
/// count a file that never came ("2 / 2 reçus" for one file) and tell the client all is in.
pub fn accept(
    core: &Core,
    m: &Manage<'_>,
    id: RequestId,
    party: Option<AccountId>,
) -> Result<(), ReqError> {
    let s = m.space();
    let party = check_party(core, m, party)?;
    let now = time::now();
    let mut nothing = false;
    let (before, _) = requests::update_track(&core.store, s.id, s.key(), id, party, |t| {
        if t.status == Status::Accepted {
            return false;
        }
        // A refused track keeps the files it had: accepting them after all is allowed.
        if t.status == Status::Waiting || t.files.is_empty() {
            nothing = true;
            return false;
        }
        t.status = Status::Accepted;
        t.reason.clear();
        t.changed_at = now;
        t.changed_by = Some(s.account);
        true
    })?
    .ok_or(ReqError::NotFound)?;
    if nothing {
        return Err(ReqError::NothingReceived);
    }
    if before.status != Status::Accepted {
        journal::append(core, s, "request_accepted", &target(id, party))?;
        notify(core, s.entry.firm, &debtors(core, s, Some(party))?, id);
    }
    Ok(())
}

/// Refuses what a party sent, with a reason shown to him; a new upload is expected.
pub fn refuse(
    core: &Core,
    m: &Manage<'_>,
    id: RequestId,
    party: Option<AccountId>,
    reason: &str,
) -> Result<(), ReqError> {
    let s = m.space();
    let party = check_party(core, m, party)?;
    let reason = check_note(reason, "reason", true)?;
    let now = time::now();
    let mut allowed = true;
    requests::update_track(&core.store, s.id, s.key(), id, party, |t| {
        allowed = t.status.done();
        if !allowed {
            return false;
        }
        t.status = Status::Refused;
        t.reason = reason;
        t.changed_at = now;
        t.changed_by = Some(s.account);
        true
    })?
    .ok_or(ReqError::NotFound)?;
    if !allowed {
        return Err(ReqError::State);
    }
    journal::append(core, s, "request_refused", &target(id, party))?;
    notify(core, s.entry.firm, &debtors(core, s, Some(party))?, id);
    Ok(())
}

/// Checks, before a file is streamed, that it may be uploaded against request `id`.
pub fn accepts_upload(core: &Core, up: &Upload<'_>, id: RequestId) -> Result<(), ReqError> {
    let s = up.space();
    if !enabled(s) || requests::request(&core.store, s.id, s.key(), id)?.is_none() {
        return Err(ReqError::NotFound);
    }
    Ok(())
}

/// Links `document`, just uploaded by the holder of `up`, to request `id` on his track:
/// the first file (or the first after a refusal or an acceptance) makes it received. Called
/// by every upload path (one-shot and resumable) once the document is recorded.
pub fn attach(
    core: &Core,
    up: &Upload<'_>,
    id: RequestId,
    document: DocumentId,
) -> Result<(), ReqError> {
    let s = up.space();
    if !enabled(s) {
        return Err(ReqError::NotFound);
    }
    // Only a live document whose latest version this uploader just stored.
    let d = documents::document(&core.store, s.id, s.key(), document)?.ok_or(ReqError::NotFound)?;
    let own = d.deleted_at.is_none()
        && crate::domain::documents::visible(s, &d)
        && d.versions
            .last()
            .is_some_and(|v| v.uploaded_by == s.account);
    if !own {
        return Err(ReqError::NotFound);
    }
    let party = party_of(s);
    let now = time::now();
    let (before, after) = requests::update_track(&core.store, s.id, s.key(), id, party, |t| {
        if !t.files.contains(&document) {
            t.files.push(document);
        }
        if t.status != Status::Received {
            t.status = Status::Received;
            t.reason.clear();
            t.changed_at = now;
            t.changed_by = Some(s.account);
        }
        true
    })?
    .ok_or(ReqError::NotFound)?;
    log::info!(
        "request {id} of space {}: document {document} attached ({} file(s))",
        s.id,
        after.files.len()
    );
    if before.status != Status::Received {
        journal::append(core, s, "request_received", &target(id, party))?;
        notify(core, s.entry.firm, &managers(core, s, s.account)?, id);
    }
    Ok(())
}
