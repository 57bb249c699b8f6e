//! First-run setup: the firm and its first administrator, once per box.
//!
//! The web path needs the one-time token printed by the server (or `huisclos setup-link`);
//! only its hash is stored, it is compared in constant time, and it is deleted in the same
//! transaction that creates the firm, so a link works exactly once.

use crate::domain::{Core, Invalid, accounts::password, check_email, check_text};

use crate::ids::{AccountId, FirmId};
use crate::model::time;
use crate::secret::Secret;
use crate::store::accounts::{self, Account, Role};
use crate::store::firms::{self, FirmProfile};
use crate::store::meta::{self, SetupToken};
use crate::store::{StoreError, db, tables};

/// What the setup form (or the CLI) provides.
#[derive(Debug)]
pub struct SetupInput {
    pub firm_name: String,
    pub admin_name: String,
    pub admin_email: String,
    pub password: Secret,
    pub password_confirm: Secret,
    pub lang: String,
}

#[derive(Debug)]
pub enum SetupError {
    /// A firm exists: setup is over.
    AlreadyDone,
    /// The link's token is wrong or was used.
    BadToken,
    Invalid(Invalid),
    Store(StoreError),
    Hash,
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::AlreadyDone => f.write_str(
                "this box is already set up; sign in, or add a firm with `huisclos firm add`",
            ),
            SetupError::BadToken => {
                f.write_str("the setup link is not valid (used or replaced); print a new one with `huisclos setup-link`")
            }
            SetupError::Invalid(i) => write!(f, "{i}"),
            SetupError::Store(e) => write!(f, "{e}"),
            SetupError::Hash => f.write_str("the password could not be hashed"),
        }
    }
}

impl std::error::Error for SetupError {}

impl From<StoreError> for SetupError {
    fn from(e: StoreError) -> Self {
        SetupError::Store(e)
    }
}

impl From<Invalid> for SetupError {
    fn from(e: Invalid) -> Self {
        SetupError::Invalid(e)
    }
}

fn token_hash(token: &str) -> String {
    data_encoding::HEXLOWER.encode(&crate::crypto::sha256(token.as_bytes()))
}

/// Whether the box still waits for its first firm.
pub fn is_pending(core: &Core) -> Result<bool, StoreError> {
    Ok(firms::count(&core.store)? == 0)
}

/// A new one-time setup token (replacing any previous one); only its hash is kept.
pub fn issue_token(core: &Core) -> Result<String, SetupError> {
    if !is_pending(core)? {
        return Err(SetupError::AlreadyDone);
    }
    let token = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
    meta::set_setup_token(
        &core.store,
        Some(&SetupToken {
            hash: token_hash(&token),
            created_at: time::now(),
        }),
    )?;
    Ok(token)
}

/// Whether `token` is the current setup token.
pub fn token_is_valid(core: &Core, token: &str) -> Result<bool, StoreError> {
    let Some(stored) = meta::setup_token(&core.store)? else {
        return Ok(false);
    };
    Ok(crate::crypto::ct_eq(
        stored.hash.as_bytes(),
        token_hash(token).as_bytes(),
    ))
}

/// Creates the firm and its administrator. `token` is `None` only for the CLI, whose caller
/// already has a shell on the box.
pub fn complete(
    core: &Core,
    token: Option<&str>,
    input: &SetupInput,
) -> Result<(FirmId, AccountId), SetupError> {
    // The token first: a wrong link answers the same whatever the form holds.
    if let Some(t) = token
        && !token_is_valid(core, t)?
    {
        return Err(SetupError::BadToken);
    }
    let firm_name = check_text(&input.firm_name, 120, "firm_name")?;
    let admin_name = check_text(&input.admin_name, 120, "admin_name")?;
    let email = check_email(&input.admin_email, "admin_email")?;
    password::check_policy(&input.password, &input.password_confirm)?;
    let hash = password::hash(&input.password).map_err(|_| SetupError::Hash)?;
    let store = &core.store;
    let now = time::now();
    let firm = FirmId::random();
    let account = Account {
        id: AccountId::random(),
        firm: Some(firm),
        role: Role::FirmAdmin,
        name: admin_name,
        email,
        password_hash: Some(hash),
        created_at: now,
        active: true,
        lang: if input.lang == "en" { "en" } else { "fr" }.to_owned(),
        notify: Default::default(),
        totp_secret: None,
        totp_pending: None,
        recovery_codes: Vec::new(),
        totp_last_step: 0,
        // The first administrator of the box is its operator.
        operator: true,
    };
    let txn = store.db().begin_write().map_err(db)?;
    // Re-checked inside the write transaction: two submissions cannot both succeed.
    {
        use redb::ReadableTableMetadata;
        let existing = txn.open_table(tables::FIRMS).map_err(db)?;
        if existing.len().map_err(db)? > 0 {
            return Err(SetupError::AlreadyDone);
        }
    }
    let profile = FirmProfile {
        name: firm_name.clone(),
        display_name: firm_name,
        colour: "#1f3a5f".into(),
        totp_required: false,
        time_zone: String::new(),
    };
    firms::insert(store, &txn, firm, &profile, now)?;
    accounts::insert(store, &txn, &account)?;
    meta::set_setup_token_in(store, &txn, None)?;
    txn.commit().map_err(db)?;
    log::info!(
        "setup done: firm {firm} created with administrator {}",
        account.id
    );
    Ok((firm, account.id))
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;
    use crate::blobs::BlobStore;
    use crate::datadir::DataDir;
    use crate::domain::access::{self, Profile};
    use crate::ids::{AccountId, SpaceId};
    use crate::store::accounts::{Account, NotifyPref};

    /// A box with one firm and its administrator, for the domain's unit tests.
    pub(crate) struct TestFirm {
        pub _t: tempfile::TempDir,
        pub core: Core,
        pub admin: Account,
    }

    /// A fresh box where the firm `name` was set up (admin address derived from the name).
    pub(crate) fn firm(name: &str) -> TestFirm {
        let (t, core) = core();
        let input = SetupInput {
            firm_name: format!("Cabinet {name}"),
            admin_name: format!("Maître {name}"),
            admin_email: format!("{}@example.fr", name.to_lowercase()),
            password: Secret::new("Témoin-7f3a secret 2026!"),
            password_confirm: Secret::new("Témoin-7f3a secret 2026!"),
            lang: "fr".into(),
        };
        let (_, admin) = complete(&core, None, &input).unwrap();
        let admin = accounts::by_id(&core.store, admin).unwrap().unwrap();
        TestFirm { _t: t, core, admin }
    }

    /// A space created by the firm's admin (its Gestionnaire).
    pub(crate) fn space(b: &TestFirm, title: &str, template: &str) -> SpaceId {
        let staff = access::staff(&b.admin).unwrap();
        crate::domain::spaces::create(&b.core, &staff, title, template, None).unwrap()
    }

    /// An external account named `name` (address `email`) made a member of `space` with
    /// `profile`, without the invitation round trip.
    pub(crate) fn member(
        b: &TestFirm,
        space: SpaceId,
        name: &str,
        email: &str,
        profile: Profile,
    ) -> Account {
        let a = Account {
            id: AccountId::random(),
            firm: None,
            role: Role::External,
            name: name.into(),
            email: email.into(),
            password_hash: None,
            created_at: 0,
            active: true,
            lang: "fr".into(),
            notify: NotifyPref::Immediate,
            totp_secret: None,
            totp_pending: None,
            totp_last_step: 0,
            recovery_codes: Vec::new(),
            operator: false,
        };
        assert!(accounts::create(&b.core.store, &a).unwrap());
        let s = access::space(&b.core, &b.admin, space).unwrap();
        let txn = b.core.store.db().begin_write().unwrap();
        let m = crate::store::spaces::Membership {
            profile,
            added_at: 0,
            added_by: b.admin.id,
        };
        crate::store::spaces::set_member(&b.core.store, &txn, space, s.key(), a.id, &m).unwrap();
        txn.commit().unwrap();
        a
    }

    pub(crate) fn core() -> (tempfile::TempDir, Core) {
        let (t, store) = crate::store::testing::temp_store();
        let data = DataDir::new(t.path());
        data.create().unwrap();
        let blobs = BlobStore::new(data.clone());
        let mail = crate::mail::Mailer::new(&crate::config::Config::default()).unwrap();
        (
            t,
            Core {
                store,
                blobs,
                data,
                mail,
                config: Default::default(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::core;
    use super::*;

    fn input() -> SetupInput {
        SetupInput {
            firm_name: "Cabinet Témoin".into(),
            admin_name: "Maître Témoin".into(),
            admin_email: "temoin@example.fr".into(),
            password: Secret::new("Témoin-7f3a secret 2026!"),
            password_confirm: Secret::new("Témoin-7f3a secret 2026!"),
            lang: "fr".into(),
        }
    }

    #[test]
    fn a_token_works_once_and_only_the_last_one() {
        let (_t, core) = core();
        let old = issue_token(&core).unwrap();
        let token = issue_token(&core).unwrap();
        assert!(!token_is_valid(&core, &old).unwrap());
        assert!(matches!(
            complete(&core, Some("wrong"), &input()),
            Err(SetupError::BadToken)
        ));
        let (firm, _) = complete(&core, Some(&token), &input()).unwrap();
        assert_eq!(
            firms::profile(&core.store, firm).unwrap().unwrap().name,
            "Cabinet Témoin"
        );
        assert!(matches!(
            complete(&core, Some(&token), &input()),
            Err(SetupError::BadToken)
        ));
        assert!(matches!(issue_token(&core), Err(SetupError::AlreadyDone)));
        assert!(matches!(
            complete(&core, None, &input()),
            Err(SetupError::AlreadyDone)
        ));
    }

    #[test]
    fn invalid_input_names_the_field() {
        let (_t, core) = core();
        let mut i = input();
        i.admin_email = "nope".into();
        match complete(&core, None, &i) {
            Err(SetupError::Invalid(inv)) => assert_eq!(inv.field, "admin_email"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
