//! `GET /spaces/{id}/asides`: the rooms of a space the viewer may enter (the shared room and
//! the asides he sees, nothing about the others), and for its Gestionnaires the form that
//! opens an aside and the link to the confidentiality undertaking.

use rouille::{Request, Response};

use crate::domain::{mediation::asides, mediation::rooms, mediation::undertaking, spaces};
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let s = ctx.space(params.first())?;
    if !s.modules().asides {
        return Err(AppError::NotFound);
    }
    let core = ctx.core()?;
    let can_create = s.manage().is_some() && !s.meta.archived;
    let members = if can_create {
        spaces::members(core, &s)?
    } else {
        Vec::new()
    };
    let undertaking = match s.manage() {
        Some(_) => undertaking::view(core, &s)?.map(|v| v.missing.map_or(0, |m| m.len())),
        None => None,
    };
    crate::web::ui::page(
        ctx,
        "aside_list.html",
        minijinja::context! {
            id => s.id.hex(),
            title => s.meta.title,
            theme => s.entry.firm.hex(),
            nav => crate::web::ui::space_nav(&s),
            current => "asides",
            asides => rooms::lines(core, &s)?,
            rooms => rooms::rooms(core, &s)?,
            mediated => asides::mediated(&s),
            can_create => can_create,
            manage => s.manage().is_some(),
            members => members,
            undertaking_missing => undertaking,
            error_message => crate::web::ui::mediation::aside_guard::error_message(ctx, req),
        },
    )
}
