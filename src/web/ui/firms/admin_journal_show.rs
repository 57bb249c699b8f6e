//! `GET /admin/journal`: the firm's sign-in journal (who, what, when, from where), and the
//! firm journal (deleted spaces, firm templates), with ids, never titles.

use std::collections::HashMap;

use rouille::{Request, Response};

use crate::domain::journal::said;

use crate::error::AppError;
use crate::model::time;
use crate::store::{StoreError, accounts, accounts::signins, firms::journal};
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let admin = ctx.firm_admin()?;
    let core = ctx.core()?;
    let names: HashMap<_, _> = accounts::all(&core.store)?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let lines: Vec<_> = signins::journal(&core.store, admin.firm, 500)?
        .into_iter()
        .map(|e| {
            minijinja::context! {
                at => time::rfc3339(e.at),
                who => names.get(&e.account).cloned().unwrap_or_default(),
                event => format!("journal_{}", e.event),
                ip => e.ip,
            }
        })
        .collect();
    // The firm journal: tombstones of deleted spaces, firm templates saved or deleted. Each
    // line reads as a sentence in the reader's language (the record keeps ids and words).
    let mut people = said::FirmNames(core);
    let firm_lines = journal::events(&core.store, admin.firm, 500)?
        .into_iter()
        .map(|e| {
            let who = e
                .actor
                .map(|a| names.get(&a).cloned().unwrap_or_else(|| a.hex()));
            let subject = who
                .clone()
                .unwrap_or_else(|| ctx.tr("firm_journal_system").to_owned());
            let actor = e.actor.map(|a| a.hex()).unwrap_or_default();
            let mut said = said::read(&mut people, &subject, &actor, &e.action, &e.target)?;
            said.key = format!("firm_journal_said_{}", e.action);
            Ok(minijinja::context! {
                at => time::rfc3339(e.at),
                who => who,
                action => format!("firm_journal_{}", e.action),
                detail => crate::web::ui::journal::journal_said::sentence(&ctx.app.i18n, ctx.lang, &said),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    crate::web::ui::page(
        ctx,
        "admin_journal.html",
        minijinja::context! { lines => lines, firm_lines => firm_lines },
    )
}
