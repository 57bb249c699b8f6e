//! `GET /spaces/{id}/settings`: a space's settings for its Gestionnaires: title, modules,
//! whether members see each other, the invitees' profile; archive, retention date,
//! duplicate, save as a firm template, delete.

use rouille::{Request, Response};

use crate::domain::access::{self, Profile, SpaceAccess};
use crate::domain::spaces::settings;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::form::Form;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    access.manage().ok_or(AppError::NotFound)?;
    let notice = match req.get_param("notice").as_deref() {
        Some("saved") => Some("space_settings_saved"),
        Some("archived") => Some("space_settings_archived_notice"),
        Some("unarchived") => Some("space_settings_unarchived_notice"),
        Some("retention") => Some("space_settings_retention_saved"),
        Some("template") => Some("space_settings_template_saved"),
        _ => None,
    };
    render(ctx, &access, notice, None, &Form::parse(b""))
}

/// Which form of the page a refusal belongs to, and its field and message key.
#[derive(Debug, Clone, Copy)]
pub struct Refusal {
    pub form: &'static str,
    pub field: &'static str,
    pub key: &'static str,
}

/// The page, with the refused form's values and message (422) when there is one.
pub fn render(
    ctx: &Ctx<'_>,
    access: &SpaceAccess,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
    form: &Form,
) -> Result<Response, AppError> {
    let user = ctx.user()?;
    let firm_staff = access::staff(user).is_some_and(|st| st.firm == access.entry.firm);
    let resp = crate::web::ui::page(
        ctx,
        "space_settings.html",
        minijinja::context! {
            id => access.id.hex(),
            s => settings::view(access),
            nav => crate::web::ui::space_nav(access),
            dataroom => minijinja::context! {
                questions => crate::domain::dataroom::questions::enabled(access),
                view_only => crate::domain::dataroom::view_only::restrictions(ctx.core()?, access)?.space(),
            },
            profiles => Profile::ALL.iter().map(|p| p.id()).collect::<Vec<_>>(),
            firm_staff => firm_staff,
            // Archive, retention and deletion are the owning firm's (`access.own()`).
            own => access.own().is_some(),
            backup_trade_off => crate::web::ui::firms::server_format::deletion_in_backups(ctx),
            notice => notice.map(|k| ctx.tr(k)),
            error_form => refusal.map(|r| r.form),
            error_field => refusal.map(|r| r.field),
            error_message => refusal.map(|r| ctx.tr(r.key)),
            form_title => if refusal.is_some_and(|r| r.form == "duplicate") { form.get("title") } else { "" },
            form_name => form.get("name"),
            form_description => form.get("description"),
        },
    )?;
    Ok(if refusal.is_some() {
        resp.with_status_code(422)
    } else {
        resp
    })
}
