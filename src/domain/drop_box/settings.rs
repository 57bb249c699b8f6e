//! The firm admin's side of the drop box: open or close it, make a new public link (the old
//! one stops working at once), set the firm's limits within the box-wide ceilings. Every
//! change goes to the firm's journal.

use serde::Serialize;

use crate::domain::access::FirmAdmin;
use crate::domain::drop_box::{DepositError, journal};
use crate::domain::{Core, Invalid};

use crate::ids::FirmId;
use crate::model::time;
use crate::store::StoreError;
use crate::store::drop_box::boxes::{self, DropBox};

/// A new secret link token: 32 random bytes, 43 URL-safe characters (never 32 hex digits,
/// so it cannot be taken for a deposit id in `/depot/…`).
fn new_token() -> String {
    data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>())
}

/// The firm's box as saved, or a closed one with a fresh link and the box-wide limits.
fn current(core: &Core, firm: FirmId) -> Result<DropBox, StoreError> {
    let c = &core.config.deposits;
    Ok(
        boxes::get_box(&core.store, firm)?.unwrap_or_else(|| DropBox {
            enabled: false,
            token: new_token(),
            per_address_per_day: c.per_address_per_day,
            max_deposit_mib: c.max_deposit_mib,
            max_file_mib: c.max_file_mib,
            changed_at: 0,
        }),
    )
}

/// What the admin's settings page shows of the drop box.
#[derive(Debug, Serialize)]
pub struct BoxView {
    pub enabled: bool,
    /// The public link (shown only while the box is open).
    pub link: Option<String>,
    pub per_address_per_day: u32,
    pub max_deposit_mib: u64,
    pub max_file_mib: u64,
    /// The box-wide ceilings (`[deposits]`), and the limits the firm cannot change.
    pub ceiling_per_address_per_day: u32,
    pub ceiling_max_deposit_mib: u64,
    pub ceiling_max_file_mib: u64,
    pub max_files: u32,
    pub per_network_per_hour: u32,
    pub firm_daily_mib: u64,
    pub session_minutes: u64,
}

pub fn view(core: &Core, admin: &FirmAdmin<'_>) -> Result<BoxView, StoreError> {
    let b = current(core, admin.firm)?;
    let c = &core.config.deposits;
    Ok(BoxView {
        enabled: b.enabled,
        link: b
            .enabled
            .then(|| format!("{}/depot/{}", core.mail.base_url(), b.token)),
        per_address_per_day: b.per_address_per_day.min(c.per_address_per_day),
        max_deposit_mib: b.max_deposit_mib.min(c.max_deposit_mib),
        max_file_mib: b.max_file_mib.min(c.max_file_mib),
        ceiling_per_address_per_day: c.per_address_per_day,
        ceiling_max_deposit_mib: c.max_deposit_mib,
        ceiling_max_file_mib: c.max_file_mib,
        max_files: c.max_files,
        per_network_per_hour: c.per_network_per_hour,
        firm_daily_mib: c.firm_daily_mib,
        session_minutes: c.session_minutes,
    })
}

/// What the admin asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Open,
    Close,
    /// A new link; the old one answers "not found" from now on.
    NewLink,
    Limits {
        per_address_per_day: u32,
        max_deposit_mib: u64,
        max_file_mib: u64,
    },
}

pub fn change(core: &Core, admin: &FirmAdmin<'_>, c: Change) -> Result<(), DepositError> {
    let firm = admin.firm;
    let mut b = current(core, firm)?;
    let old = b.token.clone();
    let action = match c {
        Change::Open => {
            b.enabled = true;
            "deposit_box_opened"
        }
        Change::Close => {
            b.enabled = false;
            "deposit_box_closed"
        }
        Change::NewLink => {
            b.token = new_token();
            "deposit_link_renewed"
        }
        Change::Limits {
            per_address_per_day,
            max_deposit_mib,
            max_file_mib,
        } => {
            let ceil = &core.config.deposits;
            let ok = (1..=ceil.per_address_per_day).contains(&per_address_per_day)
                && (1..=ceil.max_deposit_mib).contains(&max_deposit_mib)
                && (1..=ceil.max_file_mib).contains(&max_file_mib);
            if !ok {
                return Err(DepositError::Invalid(Invalid {
                    field: "limits",
                    key: "error_deposit_limits",
                }));
            }
            b.per_address_per_day = per_address_per_day;
            b.max_deposit_mib = max_deposit_mib;
            b.max_file_mib = max_file_mib;
            "deposit_limits_changed"
        }
    };
    b.changed_at = time::now();
    boxes::set_box(&core.store, firm, &b, Some(&old))?;
    journal(
        core,
        firm,
        Some(admin.account.id),
        action,
        "deposit_box".into(),
    );
    log::info!("drop box of firm {firm}: {action}");
    Ok(())
}

/// The firm and box of an open drop box's link; `None` for any other token.
pub fn resolve(core: &Core, token: &str) -> Result<Option<(FirmId, DropBox)>, StoreError> {
    // A link is 43 characters; anything else is not looked up.
    if token.len() != 43 {
        return Ok(None);
    }
    let Some(firm) = boxes::firm_of_link(&core.store, token)? else {
        return Ok(None);
    };
    Ok(boxes::get_box(&core.store, firm)?
        .filter(|b| b.enabled && crate::crypto::ct_eq(b.token.as_bytes(), token.as_bytes()))
        .map(|b| (firm, b)))
}
