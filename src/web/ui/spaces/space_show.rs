//! `GET /spaces/{id}`: a space: what it is for, its members (when visible), and for its
//! Gestionnaires the invitations; its conversation (opening the page marks it read).

use rouille::{Request, Response};

use crate::domain::access::Profile;
use crate::domain::{messages, spaces, spaces::invites};
use crate::error::AppError;
use crate::store::firms;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let core = ctx.core()?;
    let members = spaces::members(core, &access)?;
    let manage = access.manage();
    let invites = match &manage {
        Some(m) => invites::list(core, m)?,
        None => Vec::new(),
    };
    // `?folder=ID&page=N`: another page of one folder's documents (50 a page).
    let want = req
        .get_param("folder")
        .and_then(|f| crate::ids::FolderId::parse(&f))
        .map(|f| {
            (
                f,
                req.get_param("page")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1),
            )
        });
    let folders = crate::domain::documents::list_page(core, &access, want)?;
    let firm = firms::profile(&core.store, access.entry.firm)?;
    // What is new is shown once, then the space counts as read.
    let conversation = messages::list(core, &access)?;
    let unread = conversation.iter().filter(|m| m.new).count();
    messages::mark_read(core, &access)?;
    let can_post = access.contribute().is_some() && messages::enabled(&access);
    // The message form offers the documents this page shows (a page of each folder): the
    // page keeps its size whatever the number of documents (a select of 1,000 options cost
    // half of its time), and another page of a folder offers that page's documents.
    let attachable: Vec<messages::AttachmentLine> = if can_post {
        folders
            .iter()
            .flat_map(|f| &f.documents)
            .map(|d| messages::AttachmentLine {
                id: d.id.clone(),
                name: d.name.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let paged = folders.iter().any(|f| f.prev.is_some() || f.next.is_some());
    let notice = match req.get_param("notice").as_deref() {
        Some("invited") => Some(ctx.tr("invite_sent").to_owned()),
        Some("message") => Some(ctx.tr("messages_posted").to_owned()),
        Some("copilot_proposed") => Some(ctx.tr("copilot_proposed_notice").to_owned()),
        Some("copilot_withdrawn") => Some(ctx.tr("copilot_withdrawn_notice").to_owned()),
        Some("copilot_ended") => Some(ctx.tr("copilot_ended_notice").to_owned()),
        Some(code) => {
            let name =
                crate::web::ui::notice_document(ctx, &access, req.get_param("doc").as_deref());
            crate::web::ui::notice(ctx, code, name.as_deref())
        }
        None => None,
    };
    let copilot = match &manage {
        Some(_) => Some(crate::domain::spaces::copilot::view(core, &access)?),
        None => None,
    };
    // The next appointment, for the client's "what awaits you" summary.
    let next_event = match crate::domain::agenda::enabled(&access) {
        true => {
            let events = crate::domain::agenda::all(core, &access)?;
            crate::domain::agenda::view::upcoming(&events, crate::model::time::now(), 1)
                .into_iter()
                .next()
        }
        false => None,
    };
    // "vu par J. Martin ✓" beside each document of the page, for the Gestionnaires.
    let shown: Vec<crate::ids::DocumentId> = folders
        .iter()
        .flat_map(|f| &f.documents)
        .filter_map(|d| crate::ids::DocumentId::parse(&d.id))
        .collect();
    let seen = match &manage {
        Some(m) => crate::domain::documents::seen::seen_by(core, m, &shown)?,
        None => Default::default(),
    };
    crate::web::ui::page(
        ctx,
        "space.html",
        minijinja::context! {
            id => access.id.hex(),
            title => access.meta.title,
            brand => crate::domain::firms::branding::of_space(core, &access.entry)?,
            theme => access.entry.firm.hex(),
            template => access.meta.template,
            archived => access.meta.archived,
            profile => access.profile.id(),
            firm_name => firm.map(|f| f.name).unwrap_or_default(),
            modules => access.modules(),
            request_progress => crate::domain::requests::views::progress(core, &access)?,
            next_event => next_event,
            nav => crate::web::ui::space_nav(&access),
            // The rooms (a space with asides): the tabs, and the label of the shared room.
            rooms => crate::domain::mediation::rooms::rooms(core, &access)?,
            label => crate::domain::mediation::rooms::shared_label(),
            members => members,
            folders => folders,
            seen => seen,
            can_upload => access.upload().is_some(),
            messages => conversation,
            unread => unread,
            can_post => can_post,
            attachable => attachable,
            attachable_paged => paged,
            max_chars => messages::MAX_CHARS,
            sees_members => access.sees_members(),
            manage => manage.is_some(),
            copilot => copilot,
            me => access.account.hex(),
            invites => invites,
            profiles => Profile::ALL.iter().map(|p| p.id()).collect::<Vec<_>>(),
            default_profile => access.invitee().id(),
            notice => notice,
            error_message => crate::web::ui::form_error(ctx, req),
        },
    )
}
