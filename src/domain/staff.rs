//! A firm's staff, managed by its administrator: create (the person receives a link to
//! choose a password), change the role, deactivate (every session ends at once).

use serde::Serialize;

use super::access::FirmAdmin;
use super::{Core, Invalid, auth, check_email, check_text, signin, time};
use crate::ids::AccountId;
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
    /// The address already has an account.
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

/// A new staff account without password; a welcome mail lets the person choose one.
pub fn create(
    core: &Core,
    admin: &FirmAdmin<'_>,
    name: &str,
    email: &str,
    make_admin: bool,
) -> Result<AccountId, StaffError> {
    let name = check_text(name, 120, "name")?;
    let email = check_email(email, "email")?;
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
    if !accounts::create(&core.store, &account)? {
        return Err(StaffError::Taken);
    }
    signin::send_welcome(core, &account, WELCOME_DAYS)?;
    log::info!(
        "staff account {} created in firm {}",
        account.id,
        admin.firm
    );
    Ok(account.id)
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
        auth::end_everywhere(core, a.id)?;
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
    auth::close_all(core, a.id)?;
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
