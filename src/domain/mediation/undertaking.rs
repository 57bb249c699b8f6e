//! The confidentiality undertaking of a space: a text its Gestionnaire (the mediator) sets,
//! which every member must accept before entering the space, and accept again whenever the
//! text changes.
//!
//! The rule sits in the access check ([`crate::domain::access::space`]): a member whose last
//! acceptance is not of the current text is refused every page, form and API call of the
//! space (the web shows him the undertaking instead); dashboards still list the space. Who
//! sets a text accepts it by doing so. An acceptance is journaled with who, when and the
//! SHA-256 of the text accepted (`undertaking_accepted`, target `sha256:<hex>`), so the
//! space's journal proves which wording each participant agreed to.

use serde::Serialize;

use crate::domain::access::{Manage, SpaceAccess};
use crate::domain::{Core, Invalid, journal};

use crate::model::time;
use crate::store::StoreError;
use crate::store::accounts;
use crate::store::mediation::undertakings::{self as store, Acceptance, Undertaking};

/// The longest text, in characters.
pub const MAX_CHARS: usize = 20_000;

#[derive(Debug)]
pub enum UndertakingError {
    Invalid(Invalid),
    /// The text changed while the member was reading it: show him the new one.
    Stale,
    Store(StoreError),
}

impl From<StoreError> for UndertakingError {
    fn from(e: StoreError) -> Self {
        UndertakingError::Store(e)
    }
}

fn hash(text: &str) -> String {
    data_encoding::HEXLOWER.encode(&crate::crypto::sha256(text.as_bytes()))
}

/// Whether the viewer must still accept the space's current text (false without a text).
pub fn pending(core: &Core, s: &SpaceAccess) -> Result<bool, StoreError> {
    if !store::exists(&core.store, s.id)? {
        return Ok(false);
    }
    let Some(u) = store::get_text(&core.store, s.id, s.key())? else {
        return Ok(false);
    };
    let accepted = store::acceptance(&core.store, s.id, s.key(), s.account)?;
    Ok(accepted.is_none_or(|a| a.sha256 != u.sha256))
}

/// A member's acceptance, as the Gestionnaires see it.
#[derive(Debug, Serialize)]
pub struct AcceptanceLine {
    pub who: String,
    pub at: String,
    /// Of the current text (else of an earlier one).
    pub current: bool,
}

/// The undertaking as its page shows it.
#[derive(Debug, Serialize)]
pub struct View {
    pub text: String,
    pub sha256: String,
    pub set_at: String,
    /// The viewer accepted the current text.
    pub accepted: bool,
    /// For the Gestionnaires: every member's acceptance, and who has not accepted yet.
    pub acceptances: Option<Vec<AcceptanceLine>>,
    pub missing: Option<Vec<String>>,
}

/// The space's undertaking, if it has one.
pub fn view(core: &Core, s: &SpaceAccess) -> Result<Option<View>, StoreError> {
    let Some(u) = store::get_text(&core.store, s.id, s.key())? else {
        return Ok(None);
    };
    let all = store::acceptances(&core.store, s.id, s.key())?;
    let accepted = all
        .iter()
        .any(|(a, acc)| *a == s.account && acc.sha256 == u.sha256);
    let (acceptances, missing) = match s.manage() {
        Some(_) => {
            let members = crate::store::spaces::members(&core.store, s.id)?;
            let mut lines = Vec::new();
            for (a, acc) in all.iter().filter(|(a, _)| members.contains(a)) {
                lines.push(AcceptanceLine {
                    who: name(core, *a)?,
                    at: time::rfc3339(acc.at),
                    current: acc.sha256 == u.sha256,
                });
            }
            let mut missing = Vec::new();
            for m in members {
                if !all.iter().any(|(a, acc)| *a == m && acc.sha256 == u.sha256) {
                    missing.push(name(core, m)?);
                }
            }
            (Some(lines), Some(missing))
        }
        None => (None, None),
    };
    Ok(Some(View {
        text: u.text,
        sha256: u.sha256,
        set_at: time::rfc3339(u.set_at),
        accepted,
        acceptances,
        missing,
    }))
}

fn name(core: &Core, a: crate::ids::AccountId) -> Result<String, StoreError> {
    Ok(accounts::by_id(&core.store, a)?
        .map(|a| a.name)
        .unwrap_or_default())
}

/// Sets the text (an empty text removes the undertaking); returns whether it changed. Every
/// other member must then accept the new text before entering again.
pub fn set(core: &Core, m: &Manage<'_>, text: &str) -> Result<bool, UndertakingError> {
    let s = m.space();
    let text = text.replace("\r\n", "\n");
    let text = text.trim();
    let current = store::get_text(&core.store, s.id, s.key())?;
    if text.is_empty() {
        if current.is_none() {
            return Ok(false);
        }
        store::set_text(&core.store, s.id, s.key(), None)?;
        journal::append(core, s, "undertaking_removed", "")?;
        return Ok(true);
    }
    if text.chars().count() > MAX_CHARS {
        return Err(UndertakingError::Invalid(Invalid {
            field: "text",
            key: "error_undertaking_length",
        }));
    }
    let sha256 = hash(text);
    if current.is_some_and(|c| c.sha256 == sha256) {
        return Ok(false);
    }
    let u = Undertaking {
        text: text.to_owned(),
        sha256: sha256.clone(),
        set_by: s.account,
        set_at: time::now(),
    };
    store::set_text(&core.store, s.id, s.key(), Some(&u))?;
    log::info!("space {}: confidentiality undertaking set", s.id);
    journal::append(core, s, "undertaking_set", &format!("sha256:{sha256}"))?;
    Ok(true)
}

/// The viewer accepts the text whose SHA-256 is `seen` (the one his page showed); returns
/// false when the space has no undertaking, `Stale` when the text changed meanwhile.
pub fn accept(core: &Core, s: &SpaceAccess, seen: &str) -> Result<bool, UndertakingError> {
    let Some(u) = store::get_text(&core.store, s.id, s.key())? else {
        return Ok(false);
    };
    if seen != u.sha256 {
        return Err(UndertakingError::Stale);
    }
    let a = Acceptance {
        sha256: u.sha256.clone(),
        at: time::now(),
    };
    store::accept(&core.store, s.id, s.key(), s.account, &a)?;
    log::info!(
        "space {}: undertaking accepted by account {}",
        s.id,
        s.account
    );
    journal::append(
        core,
        s,
        "undertaking_accepted",
        &format!("sha256:{}", u.sha256),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_the_sha256_of_the_text() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
