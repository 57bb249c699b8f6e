//! The HTML handlers, one per file, named `noun_verb`.

pub mod accounts;
pub mod agenda;
pub mod arbitration;
pub mod dataroom;
pub mod documents;
pub mod drop_box;
pub mod firms;
pub mod health_show;
pub mod journal;
pub mod lang_set;
pub mod mediation;
pub mod messages;
pub mod requests;
pub mod secure_mail;
pub mod spaces;
pub mod static_show;

use std::collections::HashMap;

use minijinja::Value;
use rouille::Response;

use crate::error::AppError;
use crate::store::firms as store_firms;
use crate::web::context::Ctx;
use crate::web::csrf;

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

/// The sentence of notice `code` (see `web::words::notices`), naming `document` when the
/// notice is about one; `None` for an unknown code.
pub fn notice(ctx: &Ctx<'_>, code: &str, document: Option<&str>) -> Option<String> {
    crate::web::words::notices::text(&ctx.app.i18n, ctx.lang, code, document)
}

/// The name of document `id` of the space, for a notice about it: only a document the
/// viewer may see (trashed ones included: the notice may say it went to the trash).
pub fn notice_document(
    ctx: &Ctx<'_>,
    access: &crate::domain::access::SpaceAccess,
    id: Option<&str>,
) -> Option<String> {
    let id = crate::ids::DocumentId::parse(id?)?;
    let core = ctx.core().ok()?;
    let d = crate::store::documents::document(&core.store, access.id, access.key(), id).ok()??;
    crate::domain::documents::visible(access, &d).then_some(d.name)
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
    let mut viewer_zone = None;
    let (user, firm) = match (&ctx.account, &ctx.core) {
        (Some(a), Some(core)) => {
            let firm = match a.firm {
                Some(f) => store_firms::profile(&core.store, f)?,
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
                    viewer_zone = Some(f.time_zone);
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
    let theme = all.get("theme").and_then(|t| t.as_str().map(str::to_owned));
    let zone =
        crate::web::words::firm_zone::for_page(ctx.core.as_deref(), viewer_zone, theme.as_deref());
    all.insert("tz".into(), Value::from(zone));
    let html = ctx
        .app
        .templates
        .render(template, crate::web::render::vars(all))?;
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
