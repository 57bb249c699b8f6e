//! `GET /spaces/{id}/asides/{aside}`: an aside, for those the aside access check admits:
//! where one is (the loud label of its audience), its messages and documents, the forms to
//! post and upload there, and for those who manage it its members and its own journal.
//! Opening the page marks its messages read.

use rouille::{Request, Response};

use crate::domain::{mediation::asides, mediation::rooms, messages};
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (s, a) = ctx.aside(params)?;
    let core = ctx.core()?;
    let conversation = messages::list(core, &a.room)?;
    let unread = conversation.iter().filter(|m| m.new).count();
    messages::mark_read(core, &a.room)?;
    let can_post = a.room.contribute().is_some() && messages::enabled(&a.room);
    let attachable = if can_post {
        messages::attachable(core, &a.room)?
    } else {
        Vec::new()
    };
    let docs_on = a.room.modules().documents;
    let documents = if docs_on {
        rooms::documents(core, &a.room)?
    } else {
        Vec::new()
    };
    let manage = a.room.manage().is_some() && !s.meta.archived;
    // Those who manage the aside choose its members among the space's.
    let (members, candidates) = if manage {
        let all = crate::domain::spaces::members(core, &s)?;
        let (inside, outside): (Vec<_>, Vec<_>) = all.into_iter().partition(|m| {
            crate::ids::AccountId::parse(&m.id).is_some_and(|id| a.record.members.contains(&id))
        });
        (inside, outside)
    } else {
        (Vec::new(), Vec::new())
    };
    let notice = match req.get_param("notice").as_deref() {
        Some("created") => Some(ctx.tr("aside_created").to_owned()),
        Some("message") => Some(ctx.tr("messages_posted").to_owned()),
        Some("copied") => Some(ctx.tr("aside_copied").to_owned()),
        Some(code) => crate::web::ui::notice(ctx, code, None),
        None => None,
    };
    crate::web::ui::page(
        ctx,
        "aside_room.html",
        minijinja::context! {
            id => s.id.hex(),
            title => s.meta.title,
            theme => s.entry.firm.hex(),
            nav => crate::web::ui::space_nav(&s),
            rooms => rooms::rooms(core, &s)?,
            current_room => a.id.hex(),
            label => rooms::label(core, &s, &a)?,
            aside => minijinja::context! { id => a.id.hex(), name => a.record.name },
            mediated => asides::mediated(&s),
            messages => conversation,
            unread => unread,
            can_post => can_post,
            attachable => attachable,
            max_chars => messages::MAX_CHARS,
            docs_on => docs_on,
            documents => documents,
            can_upload => a.room.upload().is_some() && docs_on,
            can_copy => a.room.contribute().is_some() || a.room.upload().is_some(),
            manage => manage,
            members => members,
            candidates => candidates,
            journal => rooms::journal_lines(core, &a)?
                .map(|lines| crate::web::ui::journal::journal_said::lines(ctx, &lines)),
            notice => notice,
            error_message => crate::web::ui::mediation::aside_guard::error_message(ctx, req),
        },
    )
}
