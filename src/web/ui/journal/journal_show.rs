//! `GET /spaces/{id}/journal[?action=…&actor=…&document=…&from=…&until=…]`: the space's
//! journal for its Gestionnaires, newest first, as sentences naming people and documents;
//! filtered by action, person, document and period (days in the firm's time zone, `until`
//! included); with links to the signed JSON and CSV exports, which keep the ids.

use rouille::{Request, Response};

use crate::domain::journal::filter::{self, Filter};
use crate::domain::journal::{self, ACTIONS};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::words::{firm_zone, when};

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let wanted = req.get_param("action");
    let action = wanted
        .as_deref()
        .and_then(|a| ACTIONS.iter().find(|known| **known == a).copied());
    let all = journal::lines(core, &m, action)?;
    let (people, documents) = filter::choices(core, &m, &all)?;
    // Only ids the menus offer are kept: anything else is no filter, not an empty page.
    let pick = |name: &str, among: &[filter::Choice]| {
        req.get_param(name)
            .filter(|v| among.iter().any(|c| c.id == *v))
    };
    let zone = when::zone(&firm_zone::for_page(
        Some(core),
        None,
        Some(&access.entry.firm.hex()),
    ));
    let day = |name: &str| req.get_param(name).and_then(|d| when::parse_day(&d));
    let (from_day, until_day) = (day("from"), day("until"));
    let filter = Filter {
        actor: pick("actor", &people),
        document: pick("document", &documents),
        from: from_day.and_then(|d| when::day_start(d, &zone)),
        until: until_day
            .and_then(|d| d.tomorrow().ok())
            .and_then(|d| when::day_start(d, &zone)),
    };
    let kept: Vec<_> = all.into_iter().filter(|l| filter.keeps(l)).collect();
    let lines = crate::web::ui::journal::journal_said::lines(ctx, &kept);
    crate::web::ui::page(
        ctx,
        "journal.html",
        minijinja::context! {
            id => access.id.hex(), title => access.meta.title, lines => lines,
            actions => ACTIONS, action => action.unwrap_or(""), nav => crate::web::ui::space_nav(&access),
            people => people, documents => documents,
            actor => filter.actor.unwrap_or_default(),
            document => filter.document.unwrap_or_default(),
            from => from_day.map(|d| d.to_string()).unwrap_or_default(),
            until => until_day.map(|d| d.to_string()).unwrap_or_default(),
        },
    )
}
