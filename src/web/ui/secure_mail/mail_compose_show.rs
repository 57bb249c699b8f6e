//! `GET /mail/new[?to=ADDRESS]`: the compose page of a secure mail. `to` prefills the
//! addresses (the drop box's "answer by secure mail" links here).

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::ui::secure_mail::mail_common::{Typed, compose_page};

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let typed = Typed {
        to: req.get_param("to").unwrap_or_default(),
        ..Typed::default()
    };
    compose_page(ctx, &staff, typed, None, None)
}
