//! `POST /spaces/{id}/settings`: a Gestionnaire saves the title, modules, whether members
//! see each other and the invitees' profile.

use rouille::{Request, Response};

use crate::domain::access::Profile;
use crate::domain::spaces::settings::{self, Input, SettingsError};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

use crate::web::ui::spaces::space_settings_show::{Refusal, render};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let on = |name: &str| form.get(name) == "on";
    let input = Input {
        title: form.get("title").to_owned(),
        members_see_each_other: on("members_see_each_other"),
        messages: on("module_messages"),
        documents: on("module_documents"),
        agenda: on("module_agenda"),
        requests: on("module_requests"),
        asides: on("module_asides"),
        invitee: Profile::parse(form.get("invitee")).unwrap_or_else(|| access.invitee()),
    };
    match settings::save(ctx.core()?, &m, &input) {
        Ok(_) => Ok(see_other(&format!(
            "/spaces/{}/settings?notice=saved",
            access.id
        ))),
        Err(SettingsError::Invalid(i)) => {
            let r = Refusal {
                form: "settings",
                field: i.field,
                key: i.key,
            };
            render(ctx, &access, None, Some(r), &form)
        }
        Err(SettingsError::Archived) => Err(AppError::BadRequest("error_space_archived")),
        Err(SettingsError::Store(e)) => Err(e.into()),
    }
}
