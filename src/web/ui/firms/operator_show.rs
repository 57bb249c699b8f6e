//! `GET /operator`: the box operator's page: firms and their size, disk usage, add a firm.
//! The operator sees no firm's content: names of firms, counts and bytes only.

use rouille::{Request, Response};

use crate::domain::firms;
use crate::error::AppError;
use crate::web::context::Ctx;

/// Bytes used by the data folder (database and encrypted files).
fn disk_usage(root: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(e.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    ctx.operator()?;
    let core = ctx.core()?;
    let lines = firms::list(core)?;
    let mib = disk_usage(core.data.root()) as f64 / (1024.0 * 1024.0);
    let notice = (req.get_param("notice").as_deref() == Some("added"))
        .then(|| ctx.tr("operator_firm_added"));
    let error = match req.get_param("error").as_deref() {
        Some("taken") => Some(ctx.tr("error_email_taken")),
        Some("invalid") => Some(ctx.tr("error_settings_invalid")),
        _ => None,
    };
    crate::web::ui::page(
        ctx,
        "operator.html",
        minijinja::context! {
            firms => lines, disk_mib => format!("{mib:.1}"),
            notice => notice, error_message => error,
            certificate => crate::web::ui::firms::operator_certificate::view(ctx.lang),
        },
    )
}
