//! What the secure mail pages share (`mail_*` for the sender, `secure_*` for the
//! recipient): the answer to the domain's refusals and the compose page with what was typed.

use rouille::Response;

use crate::domain::access::Staff;
use crate::domain::secure_mail::{self, SmError, send};
use crate::domain::spaces;

use crate::error::AppError;
use crate::ids::{SecureMailId, SpaceId};
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::form::Form;

/// The answer to a refusal, for pages that have nothing better to show.
pub fn app_error(e: SmError) -> AppError {
    match e {
        SmError::NotFound | SmError::Gone(_) => AppError::NotFound,
        SmError::Invalid(i) => AppError::BadRequest(i.key),
        SmError::TooLarge => AppError::TooLarge,
        SmError::Throttled(_) => AppError::BadRequest("secure_error_throttled"),
        SmError::Locked => AppError::BadRequest("secure_locked"),
        SmError::Exhausted => AppError::BadRequest("secure_error_exhausted"),
        SmError::Io(e) => AppError::Internal(format!("secure mail: {e}")),
        SmError::Store(e) => e.into(),
    }
}

/// A secure mail id from the path (an unknown shape is a 404 like an unknown id).
pub fn mail_id(params: &[&str], i: usize) -> Result<SecureMailId, AppError> {
    params
        .get(i)
        .and_then(|p| SecureMailId::parse(p))
        .ok_or(AppError::NotFound)
}

/// What the compose form holds, as typed (kept across a re-display).
#[derive(Debug, Default, serde::Serialize)]
pub struct Typed {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub lang: String,
    pub expiry_days: String,
    pub max_downloads: String,
    pub method: String,
    pub draft: String,
    pub picked: Vec<String>,
}

impl Typed {
    pub fn from_form(f: &Form) -> Typed {
        Typed {
            to: f.get("to").to_owned(),
            subject: f.get("subject").to_owned(),
            text: f.get("text").to_owned(),
            lang: f.get("lang").to_owned(),
            expiry_days: f.get("expiry_days").to_owned(),
            max_downloads: f.get("max_downloads").to_owned(),
            method: f.get("method").to_owned(),
            draft: f.get("draft").to_owned(),
            picked: f
                .all("picked")
                .into_iter()
                .filter(|p| send::parse_pick(p).is_some())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// The compose page with `typed`, an optional error, and the documents of `space` to pick.
pub fn compose_page(
    ctx: &Ctx<'_>,
    staff: &Staff<'_>,
    typed: Typed,
    error: Option<&'static str>,
    space: Option<SpaceId>,
) -> Result<Response, AppError> {
    let message = error.map(|k| ctx.tr(k).to_owned());
    compose_page_with(ctx, staff, typed, message, space)
}

/// [`compose_page`] with a message already translated (one that names a wrong entry).
pub fn compose_page_with(
    ctx: &Ctx<'_>,
    staff: &Staff<'_>,
    mut typed: Typed,
    error: Option<String>,
    space: Option<SpaceId>,
) -> Result<Response, AppError> {
    let core = ctx.core()?;
    let now = time::now();
    if typed.lang.is_empty() {
        typed.lang = staff.account.lang.clone();
    }
    if typed.expiry_days.is_empty() {
        typed.expiry_days = secure_mail::DEFAULT_EXPIRY_DAYS.to_string();
    }
    if typed.method.is_empty() {
        typed.method = "code".into();
    }
    // The files already streamed into the draft (a draft gone stale starts over).
    let draft_files = match SecureMailId::parse(&typed.draft) {
        Some(id) => match secure_mail::draft(core, staff, id, now) {
            Ok(l) => secure_mail::sender_files(core, &l)?
                .into_iter()
                .map(|(_, f)| minijinja::context! { name => f.name, size => f.size })
                .collect(),
            Err(_) => {
                typed.draft.clear();
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let my_spaces = spaces::list_for(core, staff.account.id)?;
    let pickable = match space {
        Some(s) => send::pickable(core, staff, s).map_err(app_error)?,
        None => Vec::new(),
    };
    // Names of the documents already picked, from every space they come from.
    let mut picked = Vec::new();
    let mut seen: Vec<SpaceId> = Vec::new();
    for p in &typed.picked {
        if let Some((s, _)) = send::parse_pick(p)
            && !seen.contains(&s)
        {
            seen.push(s);
            for d in send::pickable(core, staff, s).map_err(app_error)? {
                if typed.picked.contains(&d.value) {
                    picked.push(d);
                }
            }
        }
    }
    let pick_values: Vec<&str> = picked.iter().map(|p| p.value.as_str()).collect();
    let pickable: Vec<_> = pickable
        .into_iter()
        .filter(|p| !pick_values.contains(&p.value.as_str()))
        .collect();
    crate::web::ui::page(
        ctx,
        "mail_compose.html",
        minijinja::context! {
            typed => typed,
            error_message => error,
            draft_files => draft_files,
            spaces => my_spaces,
            space => space.map(|s| s.hex()),
            pickable => pickable,
            picked => picked,
            max_days => secure_mail::MAX_EXPIRY_DAYS,
        },
    )
}
