//! Invitations into a space: a Gestionnaire invites an address with a profile; the person
//! receives a content-free mail, chooses a password (or signs in by e-mailed codes) and
//! lands in the space. Invitations expire after [`DAYS`] days and can be revoked.

use serde::Serialize;

use crate::domain::access::{Manage, Profile};
use crate::domain::{
    Core, Invalid, accounts::password, accounts::sessions, check_email, check_text, journal,
};

use crate::ids::{AccountId, SpaceId};
use crate::mail::{Recipient, admin::sender};
use crate::model::time;
use crate::secret::Secret;
use crate::store::accounts::{self, Account, NotifyPref, Role};
use crate::store::spaces::invites::{self, Invite};
use crate::store::spaces::{self, Membership};
use crate::store::{StoreError, db};

pub const DAYS: u32 = 7;

fn key(token: &str) -> [u8; 32] {
    sessions::hash_token(token)
}

/// How the journal names an invitation: a prefix of the hash of its token.
fn journal_ref(k: &[u8; 32]) -> String {
    format!("invite:{}", &data_encoding::HEXLOWER.encode(k)[..16])
}

/// Invites `email` into the managed space with `profile`, and mails the link.
pub fn create(
    core: &Core,
    m: &Manage<'_>,
    email: &str,
    profile: Profile,
) -> Result<(), StoreError> {
    let s = m.space();
    let token = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
    let now = time::now();
    let invite = Invite {
        space: s.id,
        email: email.to_owned(),
        profile,
        invited_by: s.account,
        created_at: now,
        expires_at: now + i64::from(DAYS) * 86400,
        revoked: false,
        accepted_at: None,
    };
    let k = key(&token);
    invites::put_invite(&core.store, &k, &invite)?;
    let target = format!("{} profile:{}", journal_ref(&k), profile.id());
    journal::append(core, s, "invited", &target)?;
    let existing = accounts::by_email(&core.store, email)?;
    let to = Recipient {
        email: email.to_owned(),
        name: existing
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_default(),
        lang: existing
            .as_ref()
            .map(|a| a.lang.clone())
            .unwrap_or_else(|| "fr".into()),
        firm: Some(s.entry.firm),
    };
    let inviter = accounts::by_id(&core.store, s.account)?
        .map(|a| a.name)
        .unwrap_or_default();
    if let Err(e) = core.mail.invitation(
        &core.store,
        &to,
        &sender(core, Some(s.entry.firm)),
        &inviter,
        &token,
        DAYS,
    ) {
        log::error!("invitation mail for space {} not queued: {e}", s.id);
    }
    log::info!("invitation into space {} created", s.id);
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct InviteLine {
    pub key: String,
    pub email: String,
    pub profile: &'static str,
    pub expires_at: String,
    pub state: &'static str,
}

/// The space's invitations, for its Gestionnaires.
pub fn list(core: &Core, m: &Manage<'_>) -> Result<Vec<InviteLine>, StoreError> {
    let now = time::now();
    let mut out: Vec<(i64, InviteLine)> = invites::of_space(&core.store, m.space().id)?
        .into_iter()
        .map(|(k, i)| {
            let state = if i.accepted_at.is_some() {
                "accepted"
            } else if i.revoked {
                "revoked"
            } else if i.expires_at <= now {
                "expired"
            } else {
                "pending"
            };
            (
                i.created_at,
                InviteLine {
                    key: data_encoding::HEXLOWER.encode(&k),
                    email: i.email,
                    profile: i.profile.id(),
                    expires_at: time::rfc3339(i.expires_at),
                    state,
                },
            )
        })
        .collect();
    out.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    Ok(out.into_iter().map(|(_, l)| l).collect())
}

/// Revokes a pending invitation of the managed space.
pub fn revoke(core: &Core, m: &Manage<'_>, key_hex: &str) -> Result<bool, StoreError> {
    let Some(k) = data_encoding::HEXLOWER
        .decode(key_hex.as_bytes())
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
    else {
        return Ok(false);
    };
    let Some(mut inv) = invites::by_hash(&core.store, &k)? else {
        return Ok(false);
    };
    if inv.space != m.space().id || inv.accepted_at.is_some() {
        return Ok(false);
    }
    inv.revoked = true;
    invites::put_invite(&core.store, &k, &inv)?;
    log::info!("invitation into space {} revoked", inv.space);
    journal::append(core, m.space(), "invite_revoked", &journal_ref(&k))?;
    Ok(true)
}

/// The invitation of `token`, while it can be accepted.
pub fn valid(core: &Core, token: &str) -> Result<Option<Invite>, StoreError> {
    Ok(invites::by_hash(&core.store, &key(token))?
        .filter(|i| !i.revoked && i.accepted_at.is_none() && i.expires_at > time::now()))
}

/// The invitation of `token` once it was accepted (not revoked): its owner has an account
/// and only has to sign in.
pub fn used(core: &Core, token: &str) -> Result<Option<Invite>, StoreError> {
    Ok(invites::by_hash(&core.store, &key(token))?
        .filter(|i| !i.revoked && i.accepted_at.is_some()))
}

/// How the invitee proves who he is from now on.
#[derive(Debug)]
pub enum Credential {
    Password(Secret, Secret),
    /// No password: sign-in by e-mailed one-time codes.
    Codes,
}

#[derive(Debug)]
pub enum AcceptError {
    Gone,
    Invalid(Invalid),
    /// The address has an account: sign in as that account first.
    SignInFirst,
    Store(StoreError),
}

impl From<StoreError> for AcceptError {
    fn from(e: StoreError) -> Self {
        AcceptError::Store(e)
    }
}

/// Accepts an invitation: by `signed_in` (whose address must be the invited one), or by
/// creating the external account with `name` and `credential`, in `lang` (the language the
/// invitee read the invitation page in: his pages and mails stay in it). Returns the account
/// and space.
pub fn accept(
    core: &Core,
    token: &str,
    signed_in: Option<&Account>,
    name: &str,
    credential: Credential,
    lang: &str,
) -> Result<(Account, SpaceId), AcceptError> {
    let inv = valid(core, token)?.ok_or(AcceptError::Gone)?;
    let existing = accounts::by_email(&core.store, &inv.email)?;
    let account = match (existing, signed_in) {
        (Some(e), Some(me)) if e.id == me.id => e,
        (Some(_), _) => return Err(AcceptError::SignInFirst),
        (None, _) => {
            let name = check_text(name, 120, "name").map_err(AcceptError::Invalid)?;
            let email = check_email(&inv.email, "email").map_err(AcceptError::Invalid)?;
            let password_hash = match credential {
                Credential::Password(p, c) => {
                    password::check_policy(&p, &c).map_err(AcceptError::Invalid)?;
                    Some(password::hash(&p).map_err(|_| StoreError::Corrupt("password hash"))?)
                }
                Credential::Codes => None,
            };
            let a = Account {
                id: AccountId::random(),
                firm: None,
                role: Role::External,
                name,
                email,
                password_hash,
                created_at: time::now(),
                active: true,
                lang: if lang == "en" { "en" } else { "fr" }.into(),
                notify: NotifyPref::default(),
                totp_secret: None,
                totp_pending: None,
                recovery_codes: Vec::new(),
                totp_last_step: 0,
                operator: false,
            };
            if !accounts::create(&core.store, &a)? {
                return Err(AcceptError::SignInFirst);
            }
            a
        }
    };
    let entry = spaces::entry(&core.store, inv.space)?.ok_or(AcceptError::Gone)?;
    let skey = spaces::key(&core.store, inv.space, &entry)?.ok_or(AcceptError::Gone)?;
    let txn = core.store.db().begin_write().map_err(db)?;
    let keep = spaces::membership(&core.store, account.id, inv.space)?
        .map(|m| m.profile)
        .filter(|p| *p == Profile::Gestionnaire);
    let membership = Membership {
        profile: keep.unwrap_or(inv.profile),
        added_at: time::now(),
        added_by: inv.invited_by,
    };
    spaces::set_member(&core.store, &txn, inv.space, &skey, account.id, &membership)?;
    txn.commit().map_err(db)?;
    let target = format!("account:{} profile:{}", account.id, membership.profile.id());
    journal::append_as(core, inv.space, &skey, account.id, "member_added", &target)?;
    let mut used = inv.clone();
    used.accepted_at = Some(time::now());
    invites::put_invite(&core.store, &key(token), &used)?;
    log::info!("account {} joined space {}", account.id, inv.space);
    Ok((account, inv.space))
}
