//! The one access check. Every read or write of a space's data starts with [`space`], which
//! returns a [`SpaceAccess`] only to a member; the rights of a profile are handles obtained
//! from it ([`SpaceAccess::manage`], [`SpaceAccess::contribute`], [`SpaceAccess::own`]), and
//! the domain functions that change a space take those handles. Code without the right never
//! holds a handle, so it cannot call the function. Firm-level rights work the same way ([`staff`],
//! [`firm_admin`]). A refusal is indistinguishable from a missing id.

use crate::crypto::space_key::SpaceKey;
use crate::domain::Core;
use crate::ids::{AccountId, FirmId, SpaceId};
use crate::store::StoreError;
use crate::store::accounts::{Account, Role};
use crate::store::spaces::{self, SpaceEntry, SpaceMeta};

pub use crate::model::Profile;

/// Why access was refused; shown to users as a 404, whatever the reason.
#[derive(Debug)]
pub enum Denied {
    NotFound,
    Store(StoreError),
}

impl From<StoreError> for Denied {
    fn from(e: StoreError) -> Self {
        Denied::Store(e)
    }
}

/// Proof that an account is a member of a space, with the space's key and state.
pub struct SpaceAccess {
    pub id: SpaceId,
    pub account: AccountId,
    pub profile: Profile,
    pub entry: SpaceEntry,
    pub meta: SpaceMeta,
    /// The viewer's language (his account's, "fr" or "en"): what the box itself names in the
    /// space (the folders of built-in templates) is shown to him in it.
    pub lang: &'static str,
    key: SpaceKey,
    /// The viewer's firm when he is active staff of one (what [`SpaceAccess::own`] and the
    /// co-piloting rules read); `None` for an external account.
    staff_of: Option<FirmId>,
}

impl std::fmt::Debug for SpaceAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SpaceAccess({}, {:?})", self.id, self.profile)
    }
}

/// The right to manage a space (members, settings): Gestionnaire only.
#[derive(Debug)]
pub struct Manage<'a>(&'a SpaceAccess);

/// The right to own a space: a Gestionnaire who is staff of the firm the space belongs to.
/// Only this right deletes, archives, dates the end of, or co-pilots the space, and changes
/// or removes the owning firm's side of its members (see [`crate::domain::spaces::remove_member`]):
/// a Gestionnaire of a co-piloting firm, or a client made Gestionnaire, manages the space
/// but can never take it away from the firm that owns it.
#[derive(Debug)]
pub struct Own<'a>(&'a SpaceAccess);

/// The right to add content: Gestionnaire or Contributeur, on a space that is not archived.
#[derive(Debug)]
pub struct Contribute<'a>(&'a SpaceAccess);

/// The right to upload a file: Gestionnaire, Contributeur or Déposant (whose files are
/// deposits), on a space that is not archived.
#[derive(Debug)]
pub struct Upload<'a>(&'a SpaceAccess);

impl SpaceAccess {
    pub fn key(&self) -> &SpaceKey {
        &self.key
    }

    pub fn manage(&self) -> Option<Manage<'_>> {
        (self.profile == Profile::Gestionnaire).then_some(Manage(self))
    }

    pub fn own(&self) -> Option<Own<'_>> {
        let owner = self.staff_of.is_some_and(|f| f == self.entry.firm);
        (self.profile == Profile::Gestionnaire && owner).then_some(Own(self))
    }

    /// The viewer's firm when he is active staff of one.
    pub fn staff_of(&self) -> Option<FirmId> {
        self.staff_of
    }

    /// Whether the viewer is staff of the firm co-piloting the space.
    pub fn is_copilot(&self) -> bool {
        self.staff_of.is_some() && self.staff_of == self.entry.co_firm
    }

    pub fn contribute(&self) -> Option<Contribute<'_>> {
        let ok = matches!(self.profile, Profile::Gestionnaire | Profile::Contributeur);
        (ok && !self.meta.archived).then_some(Contribute(self))
    }

    pub fn upload(&self) -> Option<Upload<'_>> {
        let ok = self.profile != Profile::Lecteur;
        (ok && !self.meta.archived).then_some(Upload(self))
    }

    /// The parts of the space that are switched on (the one place they are read from): the
    /// space's own setting, else its template's.
    pub fn modules(&self) -> crate::domain::spaces::templates::Modules {
        self.meta.modules.unwrap_or_else(|| {
            crate::domain::spaces::templates::by_id(&self.meta.template)
                .map(|t| t.modules)
                .unwrap_or_default()
        })
    }

    /// The profile invitees get by default: the space's own setting, else its template's.
    pub fn invitee(&self) -> Profile {
        self.meta.invitee.unwrap_or_else(|| {
            crate::domain::spaces::templates::by_id(&self.meta.template)
                .map_or(Profile::Contributeur, |t| t.invitee)
        })
    }

    /// Whether the viewer may see the list of members.
    pub fn sees_members(&self) -> bool {
        self.profile == Profile::Gestionnaire || self.meta.members_see_each_other
    }
}

impl<'a> Manage<'a> {
    pub fn space(&self) -> &'a SpaceAccess {
        self.0
    }
}

impl<'a> Own<'a> {
    pub fn space(&self) -> &'a SpaceAccess {
        self.0
    }

    /// An owner manages the space too.
    pub fn manage(&self) -> Manage<'a> {
        Manage(self.0)
    }
}

impl<'a> Contribute<'a> {
    pub fn space(&self) -> &'a SpaceAccess {
        self.0
    }
}

impl<'a> Upload<'a> {
    pub fn space(&self) -> &'a SpaceAccess {
        self.0
    }
}

/// The access check: the space `id` as seen by `account`, or `NotFound` for a non-member,
/// a deactivated account, an unknown id, a space whose key is gone, and a member who has not
/// accepted the space's confidentiality undertaking yet (see [`crate::domain::mediation::undertaking`]: the web
/// sends him to the undertaking's page, the only page of the space he may see).
pub fn space(core: &Core, account: &Account, id: SpaceId) -> Result<SpaceAccess, Denied> {
    let access = space_before_undertaking(core, account, id)?;
    if crate::domain::mediation::undertaking::pending(core, &access)? {
        return Err(Denied::NotFound);
    }
    Ok(access)
}

/// The one access check of an aside (aparté) of the space `s` (see [`crate::domain::mediation::asides`]):
/// the aside as its viewer may use it, or `NotFound`, exactly as for an id that names no
/// aside of this space, whatever the reason.
///
/// **The rule.** A member of the aside sees it. In a mediation (every template but the
/// collaborative process) the mediator, that is any Gestionnaire of the space, sees every
/// aside too. In a collaborative process an aside belongs to its members alone: the other
/// side's lawyer, although Gestionnaire of the space, is refused like anyone else.
pub fn aside(
    core: &Core,
    s: &SpaceAccess,
    id: crate::ids::AsideId,
) -> Result<crate::domain::mediation::asides::AsideAccess, Denied> {
    if !s.modules().asides {
        return Err(Denied::NotFound);
    }
    let Some((key, record)) = crate::domain::mediation::asides::open(core, s, id)? else {
        return Err(Denied::NotFound);
    };
    let member = record.members.contains(&s.account);
    let mediator =
        s.profile == Profile::Gestionnaire && crate::domain::mediation::asides::mediated(s);
    if !member && !mediator {
        return Err(Denied::NotFound);
    }
    let room = SpaceAccess {
        id: crate::domain::mediation::asides::room_id(id),
        account: s.account,
        profile: s.profile,
        entry: s.entry.clone(),
        meta: s.meta.clone(),
        lang: s.lang,
        key: key.into_room(),
        staff_of: s.staff_of,
    };
    Ok(crate::domain::mediation::asides::AsideAccess {
        id,
        space: s.id,
        record,
        member,
        room,
    })
}

/// The access check without the confidentiality undertaking: only for the undertaking's
/// own page and its acceptance (and, through [`space`], for everything else).
pub fn space_before_undertaking(
    core: &Core,
    account: &Account,
    id: SpaceId,
) -> Result<SpaceAccess, Denied> {
    if !account.active {
        return Err(Denied::NotFound);
    }
    let Some(m) = spaces::membership(&core.store, account.id, id)? else {
        return Err(Denied::NotFound);
    };
    let entry = spaces::entry(&core.store, id)?.ok_or(Denied::NotFound)?;
    let key = spaces::key(&core.store, id, &entry)?.ok_or(Denied::NotFound)?;
    let meta = spaces::meta(&core.store, id, &key)?.ok_or(Denied::NotFound)?;
    Ok(SpaceAccess {
        id,
        account: account.id,
        profile: m.profile,
        entry,
        meta,
        lang: if account.lang == "en" { "en" } else { "fr" },
        key,
        staff_of: staff(account).map(|st| st.firm),
    })
}

/// **The one read rule of a space's documents.** Whether `viewer` sees a document that
/// `owner` put in the space, `deposit` saying whether it was a Déposant's upload.
///
/// What is shared with the space is seen by every member. A deposit is seen by the one who
/// deposited it and by the space's Gestionnaires, never by other Déposants, Lecteurs or
/// Contributeurs: in a collecte, a client's papers are for the firm, not for the other
/// clients nor for those who only follow the matter. Every listing, count, search, download,
/// view and attachment of a document asks this function (through
/// `documents::visible` and `doc_listing::Line::visible_to`), so the rule exists once.
pub fn sees_document(viewer: &SpaceAccess, owner: AccountId, deposit: bool) -> bool {
    member_sees_document(viewer.account, viewer.profile, owner, deposit)
}

/// [`sees_document`] for a member other than the caller (`member`, whose profile in the
/// space is `profile`): whom a notice of a new document may go to.
pub fn member_sees_document(
    member: AccountId,
    profile: Profile,
    owner: AccountId,
    deposit: bool,
) -> bool {
    !deposit || owner == member || profile == Profile::Gestionnaire
}

/// **The one rule of new versions.** Whether a file that `up` uploads under the name of the
/// existing document (`owner`, `deposit`) becomes a new version of that document, rather
/// than a document of its own.
///
/// A Déposant's upload is always a deposit: it may only continue one of his own deposits,
/// never a shared document (that would let him replace the firm's file under everyone's
/// eyes) nor another depositor's. Anyone else who may upload continues only what is shared
/// with the space, never a deposit (a Gestionnaire who sees a client's deposit does not
/// write into it: his file is shared, the client's stays the client's). Every path that
/// turns "same name" into "new version" (uploads by form, API and tus, copies between
/// space and asides, filing from the drop box) asks this function.
pub fn continues_document(up: &Upload<'_>, owner: AccountId, deposit: bool) -> bool {
    let s = up.space();
    let own_deposits = s.profile == Profile::Deposant;
    sees_document(s, owner, deposit) && deposit == own_deposits && (!deposit || owner == s.account)
}

/// Whether what `up` uploads is a deposit (seen only by its depositor and the Gestionnaires).
pub fn uploads_deposits(up: &Upload<'_>) -> bool {
    up.space().profile == Profile::Deposant
}

/// A member of a firm's staff (administrator or not).
#[derive(Debug)]
pub struct Staff<'a> {
    pub account: &'a Account,
    pub firm: FirmId,
}

/// The administrator of a firm.
#[derive(Debug)]
pub struct FirmAdmin<'a> {
    pub account: &'a Account,
    pub firm: FirmId,
}

pub fn staff(account: &Account) -> Option<Staff<'_>> {
    let firm = account.firm?;
    let ok = account.active && matches!(account.role, Role::FirmAdmin | Role::Staff);
    ok.then_some(Staff { account, firm })
}

pub fn firm_admin(account: &Account) -> Option<FirmAdmin<'_>> {
    let firm = account.firm?;
    (account.active && account.role == Role::FirmAdmin).then_some(FirmAdmin { account, firm })
}
