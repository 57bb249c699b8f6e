//! `POST /depot/{token}`: the visitor gives his name and e-mail address; within the limits,
//! a code is mailed there and the browser gets the visit's cookie (a visit this browser had
//! on the link ends, with its unsent deposit). Refused: the form again, with what to do.

use rouille::{Request, Response};

use crate::domain::drop_box::visit::{self, Start};
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::see_other;
use crate::web::ui::drop_box::deposit_page::{self, Typed};

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let link = deposit_page::link(ctx, params.first())?;
    let form = ctx.form()?;
    let core = ctx.core()?;
    let ip = ctx.ip();
    let start = Start {
        name: form.get("name"),
        email: form.get("email"),
        ip: &ip,
        lang: ctx.lang,
    };
    match visit::start(core, link.firm, &link.limits, &start, time::now()) {
        Ok(secret) => {
            if let Some(old) = deposit_page::cookie(ctx, req) {
                visit::abandon(core, link.firm, &old)
                    .map_err(|e| AppError::Internal(format!("deposit visit not ended: {e}")))?;
            }
            deposit_page::set_cookie(ctx, &link, Some(&secret));
            Ok(see_other(&link.path()))
        }
        Err(e) => {
            let (status, message) = deposit_page::message(ctx, &e)?;
            let typed = Typed {
                name: form.get("name"),
                email: form.get("email"),
                note: "",
            };
            deposit_page::start_form(ctx, &link, Some(message), status, &typed)
                .map(|r| deposit_page::limited(r, &e))
        }
    }
}
