//! `GET /spaces/{id}/undertaking`: the space's confidentiality undertaking, the one page of
//! the space a member sees before accepting it (with the "J'accepte" button), and for its
//! Gestionnaires the form that sets the text and who has accepted which text.

use rouille::{Request, Response};

use crate::domain::access::{self, Denied};
use crate::domain::{Core, mediation::undertaking};
use crate::error::AppError;
use crate::ids::SpaceId;
use crate::store::accounts::Account;
use crate::web::context::Ctx;

/// What a refused space access becomes on the web: the undertaking's page for a member who
/// has not accepted it yet, else the 404 of an unknown id.
pub fn refusal(core: &Core, user: &Account, id: SpaceId) -> AppError {
    match access::space_before_undertaking(core, user, id) {
        Ok(s) => match undertaking::pending(core, &s) {
            Ok(true) => AppError::Undertaking(id.hex()),
            Ok(false) => AppError::NotFound,
            Err(e) => e.into(),
        },
        Err(Denied::Store(e)) => e.into(),
        Err(Denied::NotFound) => AppError::NotFound,
    }
}

/// The space before the undertaking (this page and its acceptance only).
pub fn space(ctx: &Ctx<'_>, param: Option<&&str>) -> Result<access::SpaceAccess, AppError> {
    let id = param
        .and_then(|p| SpaceId::parse(p))
        .ok_or(AppError::NotFound)?;
    let (core, user) = ctx.signed_in()?;
    access::space_before_undertaking(core, user, id).map_err(|e| match e {
        Denied::NotFound => AppError::NotFound,
        Denied::Store(e) => e.into(),
    })
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let s = space(ctx, params.first())?;
    let core = ctx.core()?;
    let view = undertaking::view(core, &s)?;
    let pending = undertaking::pending(core, &s)?;
    let notice = match req.get_param("notice").as_deref() {
        Some("saved") => Some(ctx.tr("undertaking_saved")),
        _ => None,
    };
    crate::web::ui::page(
        ctx,
        "undertaking.html",
        minijinja::context! {
            id => s.id.hex(),
            title => s.meta.title,
            theme => s.entry.firm.hex(),
            // The tabs of the space only once it may be entered.
            nav => if pending { None } else { Some(crate::web::ui::space_nav(&s)) },
            pending => pending,
            u => view,
            manage => s.manage().is_some() && !s.meta.archived,
            max_chars => undertaking::MAX_CHARS,
            notice => notice,
            error_message => crate::web::ui::mediation::aside_guard::error_message(ctx, req),
        },
    )
}
