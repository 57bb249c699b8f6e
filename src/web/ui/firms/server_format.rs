//! How the server page writes moments, days, sizes and durations for a person (UI-FR.md):
//! `7 déc. 2026 à 01:17` on the firm's clock, `lundi 15 janvier 2027`, `58,6 Mo` (all three
//! by `web::words`, like every page), and durations `3 j 4 h`; English pages the English way.
//! ISO 8601 stays in `title` attributes and JSON.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::web::context::Ctx;
use crate::web::words::{firm_zone, size as sizes, when};

/// The clock the page writes on: the viewer's firm's zone, else the box's first firm's
/// (`web::words::firm_zone`), Europe/Paris when none is set.
fn clock(ctx: &Ctx<'_>) -> TimeZone {
    let core = ctx.core.as_deref();
    let viewer = match (core, ctx.account.as_ref().and_then(|a| a.firm)) {
        (Some(core), Some(firm)) => crate::domain::firms::time_zone(core, firm).ok().flatten(),
        _ => None,
    };
    when::zone(&firm_zone::for_page(core, viewer, None))
}

/// A moment: `7 déc. 2026 à 01:17` / `7 Dec 2026 at 01:17`, on the firm's clock.
pub fn moment(ctx: &Ctx<'_>, unix: i64) -> String {
    Timestamp::from_second(unix)
        .map(|t| when::moment(t, &clock(ctx), ctx.lang))
        .unwrap_or_default()
}

/// A day: `lundi 15 janvier 2027` / `Monday 15 January 2027`, on the firm's clock.
pub fn day(ctx: &Ctx<'_>, unix: i64) -> String {
    Timestamp::from_second(unix)
        .map(|t| when::day_long(t.to_zoned(clock(ctx)).date(), ctx.lang))
        .unwrap_or_default()
}

/// A size in powers of 1000: `642 octets`, `58,6 Mo` / `58.6 MB`.
pub fn size(ctx: &Ctx<'_>, bytes: u64) -> String {
    sizes::size(bytes, ctx.lang)
}

/// A duration: `3 j 4 h`, `4 h 12 min`, `12 min` / `3 d 4 h`.
pub fn duration(lang: &str, secs: i64) -> String {
    let secs = secs.max(0);
    let (d, h, m) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    let dl = if lang == "fr" { "j" } else { "d" };
    if d > 0 {
        format!("{d} {dl} {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{m} min")
    }
}

/// The deletion page's statement of the trade-off with scheduled backups, for a space
/// deleted now: from which day no backup of the folder opens it. `None` without `[backup]`.
pub fn deletion_in_backups(ctx: &crate::web::context::Ctx<'_>) -> Option<String> {
    let settings = ctx.app.config.backup.as_ref()?;
    let now = crate::model::time::now();
    let from = crate::backup::schedule::deleted_space_unreadable_from(Some(settings), now)?;
    Some(
        ctx.tr("space_settings_delete_backups")
            .replace("{keep}", &settings.keep_days.to_string())
            .replace("{day}", &day(ctx, from)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_both_languages() {
        assert_eq!(duration("fr", 3 * 86_400 + 4 * 3600 + 60), "3 j 4 h");
        assert_eq!(duration("en", 4 * 3600 + 12 * 60), "4 h 12 min");
        assert_eq!(duration("fr", 59), "0 min");
    }
}
