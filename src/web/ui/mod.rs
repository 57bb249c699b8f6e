//! The HTML handlers, one per file, named `noun_verb`.

pub mod account_app_password_create;
pub mod account_app_password_revoke;
pub mod account_password_submit;
pub mod account_prefs_submit;
pub mod account_sessions_end;
pub mod account_show;
pub mod account_token_create;
pub mod account_token_revoke;
pub mod account_totp_disable;
pub mod account_totp_show;
pub mod account_totp_submit;
pub mod admin_journal_show;
pub mod admin_logo_submit;
pub mod admin_mail_purge;
pub mod admin_mail_retry;
pub mod admin_mail_show;
pub mod admin_mail_test;
pub mod admin_settings_show;
pub mod admin_settings_submit;
pub mod admin_staff_create;
pub mod admin_staff_show;
pub mod admin_staff_update;
pub mod agenda_show;
pub mod aside_copy_show;
pub mod aside_copy_submit;
pub mod aside_create;
pub mod aside_document_content;
pub mod aside_guard;
pub mod aside_list_show;
pub mod aside_member_update;
pub mod aside_message_create;
pub mod aside_show;
pub mod calendar_feed_show;
pub mod calendar_feed_update;
pub mod communication_acknowledge;
pub mod communication_create;
pub mod communication_file;
pub mod communication_remind;
pub mod communication_show;
pub mod copilot_answer;
pub mod dashboard_show;
pub mod deposit_code_verify;
pub mod deposit_file_remove;
pub mod deposit_file_upload;
pub mod deposit_page;
pub mod deposit_restart;
pub mod deposit_send;
pub mod deposit_start;
pub mod depot_access;
pub mod depot_delete;
pub mod depot_file_download;
pub mod depot_list;
pub mod depot_move;
pub mod depot_settings_submit;
pub mod depot_show;
pub mod document_edit;
pub mod document_show;
pub mod document_trash;
pub mod document_version_restore;
pub mod document_view_only;
pub mod document_view_show;
pub mod event_create;
pub mod event_ics;
pub mod event_show;
pub mod event_update;
pub mod evidence_export;
pub mod exhibit_case_update;
pub mod exhibit_content;
pub mod exhibit_create;
pub mod exhibit_update;
pub mod exhibits_show;
pub mod firm_logo_show;
pub mod firm_theme_show;
pub mod folder_create;
pub mod folder_update;
pub mod health_show;
pub mod invite_accept;
pub mod invite_create;
pub mod invite_revoke;
pub mod invite_show;
pub mod journal_export;
pub mod journal_said;
pub mod journal_show;
pub mod lang_set;
pub mod login_code_send;
pub mod login_code_show;
pub mod login_code_verify;
pub mod login_show;
pub mod login_submit;
pub mod login_totp_show;
pub mod login_totp_submit;
pub mod logout_submit;
pub mod mail_common;
pub mod mail_compose_show;
pub mod mail_file_show;
pub mod mail_index_show;
pub mod mail_revoke;
pub mod mail_send;
pub mod mail_show;
pub mod member_update;
pub mod message_create;
pub mod operator_firm_add;
pub mod operator_show;
pub mod question_create;
pub mod question_update;
pub mod questions_show;
pub mod request_create;
pub mod request_update;
pub mod requests_show;
pub mod reset_request_show;
pub mod reset_request_submit;
pub mod reset_show;
pub mod reset_submit;
pub mod search_show;
pub mod secure_code_send;
pub mod secure_common;
pub mod secure_file_show;
pub mod secure_reply_send;
pub mod secure_reply_upload;
pub mod secure_show;
pub mod secure_verify;
pub mod setup_show;
pub mod setup_submit;
pub mod signin_flow;
pub mod space_archive;
pub mod space_copilot;
pub mod space_create;
pub mod space_dataroom_update;
pub mod space_delete;
pub mod space_duplicate;
pub mod space_settings_retention;
pub mod space_settings_show;
pub mod space_settings_submit;
pub mod space_show;
pub mod space_template_create;
pub mod space_template_delete;
pub mod static_show;
pub mod trash_show;
pub mod undertaking_accept;
pub mod undertaking_show;
pub mod undertaking_update;
pub mod unlock_show;
pub mod unlock_submit;

use std::collections::HashMap;

use minijinja::Value;
use rouille::Response;

use super::context::Ctx;
use super::csrf;
use crate::error::AppError;
use crate::store::firms;

/// The message for `?error=…` after a form redirected back: only known keys are shown
/// (`email` is the invitation form's), anything else is ignored.
pub fn form_error(ctx: &Ctx<'_>, req: &rouille::Request) -> Option<String> {
    const SHOWN: &[&str] = &[
        "error_name_taken",
        "error_view_only",
        "error_folder_not_empty",
        "error_file_name",
        "error_file_name_bidi",
        "error_text_invalid",
        "error_text_bidi",
        "error_required",
        "error_copilot_taken",
        "error_copilot_pending",
        "error_copilot_taken_meanwhile",
        "error_address_one",
    ];
    match req.get_param("error").as_deref() {
        Some("email") => Some(ctx.tr("error_email_invalid").to_owned()),
        Some(k) => SHOWN
            .iter()
            .find(|s| **s == k)
            .map(|k| ctx.tr(k).to_owned()),
        None => None,
    }
}

/// What the tabs of a space show (`space_nav.html`): the modules switched on and whether
/// the viewer manages the space. Every page of a space passes it as `nav`.
pub fn space_nav(access: &crate::domain::access::SpaceAccess) -> Value {
    let m = access.modules();
    minijinja::context! {
        agenda => m.agenda, requests => m.requests, manage => access.manage().is_some(),
        questions => m.questions,
        asides => m.asides,
        exhibits => m.exhibits,
        archived => access.meta.archived,
    }
}

/// Renders a page with what every page needs: strings, language, CSRF token, user, firm,
/// and the firm whose colours the page wears (`theme`: the viewer's firm, or the space's
/// when a page of a space sets it).
pub fn page(ctx: &Ctx<'_>, template: &str, vars: Value) -> Result<Response, AppError> {
    let mut all: HashMap<String, Value> = HashMap::with_capacity(48);
    all.insert("tr".into(), ctx.app.i18n.value(ctx.lang));
    all.insert("lang".into(), Value::from(ctx.lang));
    all.insert("csrf".into(), Value::from(csrf::token(ctx)));
    let (user, firm) = match (&ctx.account, &ctx.core) {
        (Some(a), Some(core)) => {
            let firm = match a.firm {
                Some(f) => firms::profile(&core.store, f)?,
                None => None,
            };
            (
                Value::from_serialize(serde_json::json!({
                    "name": a.name,
                    "is_admin": a.role == crate::store::accounts::Role::FirmAdmin,
                    "is_operator": a.operator,
                    "is_staff": crate::domain::access::staff(a).is_some(),
                })),
                firm.map(|f| {
                    Value::from_serialize(serde_json::json!({"name": f.name, "colour": f.colour}))
                }),
            )
        }
        _ => (Value::from(()), None),
    };
    all.insert("user".into(), user);
    all.insert("firm".into(), firm.unwrap_or(Value::from(())));
    let theme = ctx.account.as_ref().and_then(|a| a.firm).map(|f| f.hex());
    all.insert("theme".into(), Value::from(theme));
    if let Ok(iter) = vars.try_iter() {
        for key in iter {
            if let (Some(k), Ok(v)) = (key.as_str(), vars.get_item(&key)) {
                all.insert(k.to_owned(), v);
            }
        }
    }
    let html = ctx
        .app
        .templates
        .render(template, super::render::vars(all))?;
    Ok(Response::html(html))
}

/// The error page with the message of `key`.
pub fn error_page(ctx: &Ctx<'_>, key: &'static str) -> Result<Response, AppError> {
    page(
        ctx,
        "error.html",
        minijinja::context! { message => ctx.tr(key) },
    )
}
