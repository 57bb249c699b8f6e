//! Several firms on one box (shared offices, a bar association's box). Each firm has its own
//! key; the operator adds firms and sees their size, never their content.

pub mod branding;
pub mod setup;
pub mod staff;

use serde::Serialize;

use crate::domain::accounts::{password, signin};
use crate::domain::{Core, Invalid, check_email, check_text};

use crate::ids::{AccountId, FirmId};
use crate::model::time;
use crate::secret::Secret;
use crate::store::accounts::{self, Account, NotifyPref, Role};
use crate::store::firms::{self, FirmProfile};
use crate::store::{StoreError, db, spaces};

#[derive(Debug)]
pub enum FirmError {
    Invalid(Invalid),
    /// The admin's address already has an account.
    Taken,
    Store(StoreError),
}

impl From<StoreError> for FirmError {
    fn from(e: StoreError) -> Self {
        FirmError::Store(e)
    }
}

impl std::fmt::Display for FirmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FirmError::Invalid(i) => write!(f, "{i}"),
            FirmError::Taken => f.write_str("this address already has an account; use another one"),
            FirmError::Store(e) => write!(f, "{e}"),
        }
    }
}

/// Adds a firm and its administrator. Without a password, the admin gets a welcome mail.
pub fn add(
    core: &Core,
    name: &str,
    admin_email: &str,
    admin_name: &str,
    pw: Option<&Secret>,
) -> Result<(FirmId, AccountId), FirmError> {
    let name = check_text(name, 120, "firm_name").map_err(FirmError::Invalid)?;
    let email = check_email(admin_email, "admin_email").map_err(FirmError::Invalid)?;
    let admin_name = check_text(
        if admin_name.trim().is_empty() {
            &email
        } else {
            admin_name
        },
        120,
        "admin_name",
    )
    .map_err(FirmError::Invalid)?;
    let password_hash = match pw {
        Some(p) => {
            password::check_policy(p, p).map_err(FirmError::Invalid)?;
            Some(password::hash(p).map_err(|_| StoreError::Corrupt("password hash"))?)
        }
        None => None,
    };
    let firm = FirmId::random();
    let now = time::now();
    let account = Account {
        id: AccountId::random(),
        firm: Some(firm),
        role: Role::FirmAdmin,
        name: admin_name,
        email,
        password_hash,
        created_at: now,
        active: true,
        lang: "fr".into(),
        notify: NotifyPref::default(),
        totp_secret: None,
        totp_pending: None,
        recovery_codes: Vec::new(),
        totp_last_step: 0,
        operator: false,
    };
    let txn = core.store.db().begin_write().map_err(db)?;
    let profile = FirmProfile {
        name: name.clone(),
        display_name: name,
        colour: "#1f3a5f".into(),
        totp_required: false,
        time_zone: String::new(),
    };
    firms::insert(&core.store, &txn, firm, &profile, now)?;
    if !accounts::insert(&core.store, &txn, &account)? {
        return Err(FirmError::Taken);
    }
    txn.commit().map_err(db)?;
    if pw.is_none() {
        signin::send_welcome(core, &account, staff::WELCOME_DAYS)?;
    }
    log::info!("firm {firm} added with administrator {}", account.id);
    Ok((firm, account.id))
}

#[derive(Debug, Serialize)]
pub struct FirmLine {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub accounts: usize,
    pub spaces: usize,
}

/// The firms of the box with their size (the operator's view: no content).
pub fn list(core: &Core) -> Result<Vec<FirmLine>, StoreError> {
    let all_accounts = accounts::all(&core.store)?;
    let all_spaces = spaces::all_entries(&core.store)?;
    let mut out = Vec::new();
    for (id, entry) in firms::all(&core.store)? {
        let name = firms::profile(&core.store, id)?
            .map(|p| p.name)
            .unwrap_or_default();
        out.push(FirmLine {
            id: id.hex(),
            name,
            created_at: time::rfc3339(entry.created_at),
            accounts: all_accounts.iter().filter(|a| a.firm == Some(id)).count(),
            spaces: all_spaces.iter().filter(|s| s.firm == id).count(),
        });
    }
    out.sort_by_key(|a| a.name.to_lowercase());
    Ok(out)
}

/// The time zone a firm set (an IANA name), if any: pages write times on its clock.
pub fn time_zone(core: &Core, firm: FirmId) -> Result<Option<String>, StoreError> {
    Ok(firms::profile(&core.store, firm)?
        .map(|p: FirmProfile| p.time_zone)
        .filter(|z| !z.is_empty()))
}

/// The box's first firm (a box usually holds one): whose clock pages without a firm use.
pub fn first(core: &Core) -> Result<Option<FirmId>, StoreError> {
    Ok(firms::all(&core.store)?.first().map(|(id, _)| *id))
}
