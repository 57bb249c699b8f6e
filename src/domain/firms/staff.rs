//! A firm's staff, managed by its administrator: create (the person receives a link to
//! choose a password), change the role, deactivate (every session ends at once).
//!
//! **No answer tells a firm about another's accounts.** An address is one account on the
//! box, but whether it already is someone's (another firm's staff, a client of any firm) is
//! not the creating firm's to know. So an address that is taken outside the firm gets the
//! same answer as a free one ("added"), and the firm's list, outbox and journal look the
//! same: the firm gets a *placeholder* account (its staff, with the name and address typed,
//! never indexed by that address, so that it can never be signed in to), and the address's
//! owner, instead of a welcome link, a mail saying that a firm tried and that nothing
//! changed (recorded in the outbox as the welcome mail it stands for). Only an address
//! already in this firm's own list is refused as taken, which the admin can see anyway.
//! SECURITY.md states the rule.

use serde::Serialize;

use crate::domain::access::FirmAdmin;
use crate::domain::{Core, Invalid, accounts::sessions, accounts::signin, check_text};

use crate::ids::AccountId;
use crate::mail::{Recipient, admin::sender};
use crate::model::time;
use crate::store::StoreError;
use crate::store::accounts::{self, Account, NotifyPref, Role};

/// Days a welcome link stays valid.
pub const WELCOME_DAYS: u32 = 7;

#[derive(Debug, Serialize)]
pub struct StaffLine {
    pub id: String,
    pub name: String,
    pub email: String,
    pub admin: bool,
    pub active: bool,
    pub totp: bool,
    pub myself: bool,
}

#[derive(Debug)]
pub enum StaffError {
    Invalid(Invalid),
    /// The address is already that of an account of this firm.
    Taken,
    /// An admin cannot deactivate or demote himself.
    Myself,
    NotFound,
    Store(StoreError),
}

impl From<StoreError> for StaffError {
    fn from(e: StoreError) -> Self {
        StaffError::Store(e)
    }
}

impl From<Invalid> for StaffError {
    fn from(e: Invalid) -> Self {
        StaffError::Invalid(e)
    }
}

pub fn list(core: &Core, admin: &FirmAdmin<'_>) -> Result<Vec<StaffLine>, StoreError> {
    let mut out: Vec<StaffLine> = accounts::all(&core.store)?
        .into_iter()
        .filter(|a| a.firm == Some(admin.firm))
        .map(|a| StaffLine {
            id: a.id.hex(),
            admin: a.role == Role::FirmAdmin,
            active: a.active,
            totp: a.totp_secret.is_some(),
            myself: a.id == admin.account.id,
            name: a.name,
            email: a.email,
        })
        .collect();
    out.sort_by_key(|a| a.name.to_lowercase());
    Ok(out)
}

/// A new staff account without password; a welcome mail lets the person choose one. An
/// address that has an account outside the firm gets a placeholder instead (see the module
/// documentation), with the same answer.
pub fn create(
    core: &Core,
    admin: &FirmAdmin<'_>,
    name: &str,
    email: &str,
    make_admin: bool,
) -> Result<AccountId, StaffError> {
    // The address as pasted (`Jean Martin <jean@x.fr>`): its name stands in for an empty one.
    let mailbox = crate::domain::secure_mail::addresses::check_one(email, "email")?;
    let name = match mailbox.name {
        Some(shown) if name.trim().is_empty() => shown,
        _ => check_text(name, 120, "name")?,
    };
    let email = mailbox.email;
    let wanted = accounts::normalise_email(&email);
    let ours = accounts::all(&core.store)?
        .into_iter()
        .any(|a| a.firm == Some(admin.firm) && accounts::normalise_email(&a.email) == wanted);
    if ours {
        return Err(StaffError::Taken);
    }
    let account = Account {
        id: AccountId::random(),
        firm: Some(admin.firm),
        role: if make_admin {
            Role::FirmAdmin
        } else {
            Role::Staff
        },
        name,
        email,
        password_hash: None,
        created_at: time::now(),
        active: true,
        lang: admin.account.lang.clone(),
        notify: NotifyPref::default(),
        totp_secret: None,
        totp_pending: None,
        recovery_codes: Vec::new(),
        totp_last_step: 0,
        operator: false,
    };
    if accounts::create(&core.store, &account)? {
        signin::send_welcome(core, &account, WELCOME_DAYS)?;
    } else {
        placeholder(core, admin, &account)?;
    }
    log::info!(
        "staff account {} created in firm {}",
        account.id,
        admin.firm
    );
    Ok(account.id)
}

/// The address of `account` is another account's: keeps `account` as the firm's placeholder
/// and tells the address's owner. The mail goes to the address as typed and is shown to the
/// firm's admin as a welcome mail, like the one a free address gets.
fn placeholder(core: &Core, admin: &FirmAdmin<'_>, account: &Account) -> Result<(), StaffError> {
    accounts::insert_unindexed(&core.store, account)?;
    let owner = accounts::by_email(&core.store, &account.email)?;
    let to = Recipient {
        email: account.email.clone(),
        name: owner.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        lang: owner.map_or_else(|| account.lang.clone(), |o| o.lang),
        firm: Some(admin.firm),
    };
    if let Err(e) = core
        .mail
        .staff_address_taken(&core.store, &to, &sender(core, Some(admin.firm)))
    {
        log::error!("placeholder {}: notice not queued: {e}", account.id);
    }
    Ok(())
}

fn staff_member(core: &Core, admin: &FirmAdmin<'_>, id: AccountId) -> Result<Account, StaffError> {
    let a = accounts::by_id(&core.store, id)?.ok_or(StaffError::NotFound)?;
    if a.firm != Some(admin.firm) {
        return Err(StaffError::NotFound);
    }
    if a.id == admin.account.id {
        return Err(StaffError::Myself);
    }
    Ok(a)
}

/// Activates or deactivates; deactivation ends every session at once and revokes the personal
/// API tokens for good (a reactivated member makes new ones).
pub fn set_active(
    core: &Core,
    admin: &FirmAdmin<'_>,
    id: AccountId,
    active: bool,
    ip: &str,
) -> Result<(), StaffError> {
    let mut a = staff_member(core, admin, id)?;
    a.active = active;
    accounts::update(&core.store, &a)?;
    if !active {
        sessions::end_everywhere(core, a.id)?;
    }
    signin::journal(
        core,
        &a,
        if active { "activated" } else { "deactivated" },
        ip,
    );
    Ok(())
}

/// Makes a staff member administrator or not; a change of rights ends the person's sessions.
pub fn set_admin(
    core: &Core,
    admin: &FirmAdmin<'_>,
    id: AccountId,
    make_admin: bool,
    ip: &str,
) -> Result<(), StaffError> {
    let mut a = staff_member(core, admin, id)?;
    a.role = if make_admin {
        Role::FirmAdmin
    } else {
        Role::Staff
    };
    accounts::update(&core.store, &a)?;
    sessions::close_all(core, a.id)?;
    signin::journal(
        core,
        &a,
        if make_admin {
            "made_admin"
        } else {
            "made_staff"
        },
        ip,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::firm_admin;
    use crate::domain::firms::setup::tests_support;
    use crate::store::outbox;

    #[test]
    fn an_address_taken_elsewhere_gets_a_placeholder_and_the_same_answer() {
        let t = tests_support::firm("Alpha");
        let add = crate::domain::firms::add;
        let (_, bravo) = add(&t.core, "Cabinet Bravo", "bravo@example.be", "", None).unwrap();
        let admin = firm_admin(&t.admin).unwrap();
        let free = create(&t.core, &admin, "Libre", "libre@example.fr", false).unwrap();
        let taken = create(&t.core, &admin, "Bravo", "Bravo@example.be", false).unwrap();
        let lines = list(&t.core, &admin).unwrap();
        for id in [free, taken] {
            let l = lines.iter().find(|l| l.id == id.hex()).unwrap();
            assert!(l.active && !l.admin && !l.totp && !l.myself);
        }
        // A second time, both are this firm's: taken, alike.
        for email in ["libre@example.fr", "bravo@example.be"] {
            let again = create(&t.core, &admin, "X", email, false);
            assert!(matches!(again, Err(StaffError::Taken)), "{email}");
        }
        // Firm B's admin keeps his account; no address finds the placeholder.
        let owner = accounts::by_email(&t.core.store, "bravo@example.be").unwrap();
        assert_eq!(owner.map(|o| o.id), Some(bravo));
        let ph = accounts::by_id(&t.core.store, taken).unwrap().unwrap();
        assert!(!accounts::holds_address(&t.core.store, &ph).unwrap());
        // Firm A's outbox shows a welcome to each address; the owner's mail has no link to
        // choose a password.
        let mails: Vec<_> = outbox::all(&t.core.store)
            .unwrap()
            .into_iter()
            .filter(|m| m.firm == t.admin.firm)
            .collect();
        for to in ["libre@example.fr", "Bravo@example.be"] {
            assert!(
                mails.iter().any(|m| m.kind == "welcome" && m.to == to),
                "{to}"
            );
        }
        let notice = mails.iter().find(|m| m.to == "Bravo@example.be").unwrap();
        assert!(!notice.text.contains("/reset/") && notice.text.contains("/login"));
    }
}
