//! `GET /`: the signed-in person's spaces, grouped by firm; staff can open a new space here.

use rouille::{Request, Response};

use crate::domain::{access, spaces, templates};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::form::Form;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    render(ctx, None, &Form::parse(b""))
}

/// The dashboard, with the create form's values and error when it was refused.
pub fn render(
    ctx: &Ctx<'_>,
    error: Option<(&str, &str)>,
    form: &Form,
) -> Result<Response, AppError> {
    let (core, user) = ctx.signed_in()?;
    let list = spaces::list_for(core, user.id)?;
    let relay = !ctx.app.config.smtp.host.trim().is_empty();
    let template_ids: Vec<&str> = templates::TEMPLATES.iter().map(|t| t.id).collect();
    let resp = super::page(
        ctx,
        "dashboard.html",
        minijinja::context! {
            relay => relay,
            spaces => list,
            is_staff => access::staff(user).is_some(),
            templates => template_ids,
            error_field => error.map(|e| e.0),
            error_message => error.map(|e| e.1),
            title => form.get("title"),
            email => form.get("email"),
            chosen => if form.get("template").is_empty() { "client" } else { form.get("template") },
        },
    )?;
    Ok(if error.is_some() {
        resp.with_status_code(422)
    } else {
        resp
    })
}
