//! `GET /spaces/{id}/documents/{doc}`: a document's versions with their SHA-256 and, for the
//! space's Gestionnaires, the receipts: who opened or downloaded it, when.

use rouille::{Request, Response};

use crate::domain::documents;
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::store::{accounts, documents as store_docs};
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let core = ctx.core()?;
    let id = params
        .get(1)
        .and_then(|p| DocumentId::parse(p))
        .ok_or(AppError::NotFound)?;
    let d = store_docs::document(&core.store, access.id, access.key(), id)?
        .ok_or(AppError::NotFound)?;
    if d.deleted_at.is_some() || !documents::visible(&access, &d) {
        return Err(AppError::NotFound);
    }
    let mut versions = Vec::new();
    for (i, v) in d.versions.iter().enumerate() {
        let who = accounts::by_id(&core.store, v.uploaded_by)?
            .map(|a| a.name)
            .unwrap_or_default();
        versions.push(minijinja::context! {
            n => i + 1, size => v.size, sha256 => v.sha256, who => who,
            at => crate::model::time::rfc3339(v.uploaded_at),
        });
    }
    versions.reverse();
    let folders: Vec<_> = store_docs::folders(&core.store, access.id, access.key())?
        .into_iter()
        .map(|(fid, f)| {
            let name = crate::domain::documents::folders::shown(&f, access.lang);
            minijinja::context! { id => fid.hex(), name => name }
        })
        .collect();
    let notice = req
        .get_param("notice")
        .and_then(|code| crate::web::ui::notice(ctx, &code, Some(&d.name)));
    let restrictions = crate::domain::dataroom::view_only::restrictions(core, &access)?;
    let receipts = match access.manage() {
        Some(m) => Some(documents::receipts(core, &m, id)?),
        None => None,
    };
    crate::web::ui::page(
        ctx,
        "document.html",
        minijinja::context! {
            space_id => access.id.hex(), space_title => access.meta.title, id => id.hex(),
            name => d.name, versions => versions, receipts => receipts,
            inline => documents::content_type(&d.name).1, manage => access.manage().is_some(),
            folders => folders, folder => d.folder.hex(), notice => notice,
            view_only => restrictions.applies(&access, id, d.owner),
            view_only_marked => restrictions.marked(id), view_only_space => restrictions.space(),
            pdf => documents::content_type(&d.name).0 == "application/pdf",
            error_message => crate::web::ui::form_error(ctx, req),
        },
    )
}
