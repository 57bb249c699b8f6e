//! `POST /api/v1/spaces/{id}/exhibits`: a member who acts for a party (Gestionnaire or
//! Contributeur) adds an exhibit to it, numbered at `after` (`end` by default, `start`, or
//! after a number such as `12` or `12 bis`):
//!
//! - from a document of the space: JSON `{"document", "version"?, "title", "date"?,
//!   "after"?}`;
//! - from a file sent directly: the raw file as the body (any other Content-Type), with
//!   `?name=FILE&title=…[&date=YYYY-MM-DD][&after=…]`; streamed and encrypted as it arrives.
//!
//! → `201 {"id", "number", "label", "sha256", "size"}`.

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::arbitration::case;
use crate::domain::arbitration::exhibits::{self, Draft};
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::store::arbitration::exhibits as store;
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    document: String,
    #[serde(default)]
    version: Option<usize>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    after: Option<String>,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let c = access.contribute().ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let is_json = req
        .header("Content-Type")
        .is_some_and(|t| t.starts_with("application/json"));
    let place = |v: &str| exhibits::parse_place(v).map_err(|i| AppError::BadRequest(i.key));
    let party = || -> Result<u32, AppError> {
        let case = case::case(core, &access)?;
        case::party_of(&case, access.account)
            .map(|p| p.id)
            .ok_or(AppError::NotFound)
    };
    let id = if is_json {
        let body: Body = crate::web::api::json_body(req)?;
        let document = DocumentId::parse(&body.document)
            .ok_or(AppError::BadRequest("exhibits_error_document"))?;
        let draft = Draft {
            party: party()?,
            title: body.title,
            date: body.date.unwrap_or_default(),
            place: place(body.after.as_deref().unwrap_or(""))?,
        };
        exhibits::add_from_document(core, &c, &draft, document, body.version)?
    } else {
        let param = |k: &str| req.get_param(k).unwrap_or_default();
        let draft = Draft {
            party: party()?,
            title: param("title"),
            date: param("date"),
            place: place(&param("after"))?,
        };
        let declared = req
            .header("Content-Length")
            .and_then(|v| v.parse::<u64>().ok());
        let max = core
            .config
            .documents
            .max_upload_mib
            .saturating_mul(1024 * 1024);
        if declared.is_some_and(|n| n > max) {
            return Err(AppError::TooLarge);
        }
        let body = req.data().ok_or(AppError::BadRequest("error_bad_form"))?;
        exhibits::add_upload(core, &c, &draft, &param("name"), body)?
    };
    let case = case::case(core, &access)?;
    let e = store::exhibit(&core.store, access.id, access.key(), id)?.ok_or(AppError::NotFound)?;
    let prefix = case
        .parties
        .iter()
        .find(|p| p.id == e.party)
        .map(|p| p.prefix.clone())
        .unwrap_or_default();
    Ok(json(
        201,
        &serde_json::json!({
            "id": id, "number": e.num.text(), "label": e.num.label(&prefix),
            "sha256": e.file.sha256, "size": e.file.size,
        }),
    ))
}
