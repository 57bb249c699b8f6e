//! View-only documents (data rooms): a Gestionnaire marks a document, or the whole space,
//! "view only"; the other members can then no longer have the original bytes, only a PDF
//! watermarked with their name, address and the date and time on every page
//! ([`crate::domain::dataroom::watermark`]), made on the fly and never stored.
//!
//! The rule is [`Restrictions::applies`], enforced where the original bytes leave the box:
//! `documents::open`, the one function every download and inline view goes through, asks
//! [`restricted`] and refuses. Spared: the space's Gestionnaires, and the member who put the
//! document in the space (his own file). Only PDFs can be viewed watermarked; an image or an
//! office file marked view only is not shown at all (a clear refusal): a watermark on a
//! picture or a spreadsheet would take a renderer this box does not have, and an unmarked
//! copy would defeat the mark.
//!
//! Each watermarked view leaves a receipt `opened` on the document and the journal entry
//! `opened_watermarked` with `document:<id>:v<n> view:<ref>`; `ref` is printed in the
//! footer of every page, so a printout found elsewhere leads to one journal entry. Marks are
//! journaled as `view_only_set` / `view_only_cleared` (`document:<id>` or `space`).
//! A PDF is held in memory to be stamped: files above `[documents] watermark_max_mib` are
//! refused, and at most [`PARALLEL`] are stamped at once (others wait their turn).

use std::collections::HashSet;
use std::io::Read;
use std::sync::{Condvar, Mutex};

use crate::domain::access::{Manage, Profile, SpaceAccess};
use crate::domain::dataroom::watermark::{self, Stamp, WatermarkError};
use crate::domain::{Core, documents as docs, journal};

use crate::ids::{AccountId, DocumentId};
use crate::model::{localtime, time};
use crate::store::StoreError;
use crate::store::accounts::Account;
use crate::store::dataroom::view_only::{self, Mark, WHOLE_SPACE};
use crate::store::documents::{self, Document, Receipt};

/// Watermarkings at once, at most (each holds a PDF and its parsed objects in memory).
pub const PARALLEL: usize = 2;

/// The view-only marks of a space.
#[derive(Debug, Default)]
pub struct Restrictions {
    space: bool,
    docs: HashSet<DocumentId>,
}

impl Restrictions {
    /// Whether the whole space is view only.
    pub fn space(&self) -> bool {
        self.space
    }

    /// Whether the document is marked (by itself or with the whole space).
    pub fn marked(&self, id: DocumentId) -> bool {
        self.space || self.docs.contains(&id)
    }

    /// The rule: whether `access` gets only watermarked copies of the document `id` put in
    /// the space by `owner`.
    pub fn applies(&self, access: &SpaceAccess, id: DocumentId, owner: AccountId) -> bool {
        access.profile != Profile::Gestionnaire && owner != access.account && self.marked(id)
    }
}

/// The marks of the space `access` is in.
pub fn restrictions(core: &Core, access: &SpaceAccess) -> Result<Restrictions, StoreError> {
    let mut docs = view_only::marked(&core.store, access.id, access.key())?;
    let space = docs.remove(&WHOLE_SPACE);
    Ok(Restrictions { space, docs })
}

/// Whether the original bytes of `d` (id `id`) are refused to `access`.
pub fn restricted(
    core: &Core,
    access: &SpaceAccess,
    id: DocumentId,
    d: &Document,
) -> Result<bool, StoreError> {
    if access.profile == Profile::Gestionnaire || d.owner == access.account {
        return Ok(false);
    }
    Ok(restrictions(core, access)?.applies(access, id, d.owner))
}

/// Marks (or unmarks) a document of the space view only; `false` if the space has no such
/// document (in the trash included: a restored document keeps its mark).
pub fn set_document(
    core: &Core,
    m: &Manage<'_>,
    id: DocumentId,
    on: bool,
) -> Result<bool, StoreError> {
    let s = m.space();
    if documents::document(&core.store, s.id, s.key(), id)?.is_none() {
        return Ok(false);
    }
    set(core, s, id, on, &format!("document:{id}"))?;
    Ok(true)
}

/// Marks (or unmarks) the whole space view only.
pub fn set_space(core: &Core, m: &Manage<'_>, on: bool) -> Result<(), StoreError> {
    set(core, m.space(), WHOLE_SPACE, on, "space")
}

fn set(
    core: &Core,
    s: &SpaceAccess,
    doc: DocumentId,
    on: bool,
    target: &str,
) -> Result<(), StoreError> {
    let mark = Mark {
        by: s.account,
        at: time::now(),
    };
    if view_only::set(&core.store, s.id, s.key(), doc, on.then_some(&mark))? {
        let action = if on {
            "view_only_set"
        } else {
            "view_only_cleared"
        };
        log::info!("space {}: {action} {target}", s.id);
        journal::append(core, s, action, target)?;
    }
    Ok(())
}

/// Why no watermarked copy was made; each is a message for the viewer.
#[derive(Debug)]
pub enum ViewError {
    NotFound,
    /// Not a PDF: nothing can be shown in view-only mode.
    NotPdf,
    /// Above `[documents] watermark_max_mib`.
    TooLarge,
    Encrypted,
    Broken,
    Io(String),
    Store(StoreError),
}

impl From<StoreError> for ViewError {
    fn from(e: StoreError) -> Self {
        ViewError::Store(e)
    }
}

/// The texts of the watermark in the viewer's language, with the placeholders `{name}`,
/// `{email}`, `{date}`, `{time}`, `{offset}` and `{ref}`.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    /// The second diagonal line (the first is the name and address).
    pub viewed: &'a str,
    pub footer: &'a str,
}

/// A watermarked copy, ready to be served.
#[derive(Debug)]
pub struct Viewed {
    pub pdf: Vec<u8>,
    pub name: String,
    /// The reference printed on every page and written to the journal.
    pub reference: String,
}

/// `template` with each `{key}` replaced by its value, in one pass (a value that contains
/// a placeholder stays as it is).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let hit = values.iter().find_map(|(k, v)| {
            let token = format!("{{{k}}}");
            tail.starts_with(&token).then_some((token.len(), *v))
        });
        match hit {
            Some((len, v)) => {
                out.push_str(v);
                rest = &tail[len..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The stamp for `viewer` at `now` (the firm's wall clock).
pub fn stamp(viewer: &Account, now: i64, reference: &str, labels: &Labels<'_>) -> Stamp {
    let l = localtime::to_local(now);
    let date = format!("{:02}/{:02}/{:04}", l.day, l.month, l.year);
    let offset = format!("UTC{}", l.offset);
    let values = [
        ("name", viewer.name.as_str()),
        ("email", viewer.email.as_str()),
        ("date", date.as_str()),
        ("time", l.time.as_str()),
        ("offset", offset.as_str()),
        ("ref", reference),
    ];
    Stamp {
        lines: vec![
            format!("{} — {}", viewer.name, viewer.email),
            fill(labels.viewed, &values),
        ],
        footer: fill(labels.footer, &values),
    }
}

/// At most [`PARALLEL`] watermarkings at once.
struct Gate {
    busy: Mutex<usize>,
    free: Condvar,
}

static GATE: Gate = Gate {
    busy: Mutex::new(0),
    free: Condvar::new(),
};

struct Turn;

impl Turn {
    fn take() -> Turn {
        let mut busy = GATE.busy.lock().unwrap_or_else(|p| p.into_inner());
        while *busy >= PARALLEL {
            busy = GATE.free.wait(busy).unwrap_or_else(|p| p.into_inner());
        }
        *busy += 1;
        Turn
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut busy = GATE.busy.lock().unwrap_or_else(|p| p.into_inner());
        *busy = busy.saturating_sub(1);
        GATE.free.notify_one();
    }
}

/// Version `n` (latest when `None`) of a PDF the viewer may see, watermarked for `viewer`;
/// records the receipt and the journal entry. Anyone who sees the document may ask (a
/// Gestionnaire checks what the others get).
pub fn watermarked(
    core: &Core,
    access: &SpaceAccess,
    viewer: &Account,
    id: DocumentId,
    n: Option<usize>,
    labels: &Labels<'_>,
) -> Result<Viewed, ViewError> {
    let (viewed, idx) = watermarked_untraced(core, access, viewer, id, n, labels)?;
    documents::add_receipt(
        &core.store,
        access.id,
        access.key(),
        id,
        &Receipt {
            account: access.account,
            action: "opened".into(),
            version: idx,
            at: time::now(),
        },
    )?;
    journal::append(
        core,
        access,
        "opened_watermarked",
        &format!("document:{id}:v{idx} view:{}", viewed.reference),
    )?;
    Ok(viewed)
}

/// The watermarked copy without its receipt nor journal line, and the version it is of: what
/// a `HEAD` answers (headers only; nobody opened anything).
pub fn watermarked_untraced(
    core: &Core,
    access: &SpaceAccess,
    viewer: &Account,
    id: DocumentId,
    n: Option<usize>,
    labels: &Labels<'_>,
) -> Result<(Viewed, usize), ViewError> {
    let d = documents::document(&core.store, access.id, access.key(), id)?
        .ok_or(ViewError::NotFound)?;
    if d.deleted_at.is_some() || !docs::visible(access, &d) {
        return Err(ViewError::NotFound);
    }
    let idx = n.unwrap_or(d.versions.len());
    let v = idx
        .checked_sub(1)
        .and_then(|i| d.versions.get(i))
        .ok_or(ViewError::NotFound)?;
    if docs::content_type(&d.name).0 != "application/pdf" {
        return Err(ViewError::NotPdf);
    }
    let cap = core
        .config
        .documents
        .watermark_max_mib
        .saturating_mul(1024 * 1024);
    if v.size > cap {
        return Err(ViewError::TooLarge);
    }
    let turn = Turn::take();
    let (reader, _) = core
        .blobs
        .open(access.key().blob_root(), v.blob)
        .map_err(|e| ViewError::Io(e.to_string()))?;
    let mut pdf = Vec::with_capacity(usize::try_from(v.size).unwrap_or(0));
    reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut pdf)
        .map_err(|e| ViewError::Io(e.to_string()))?;
    if pdf.len() as u64 > cap {
        return Err(ViewError::TooLarge);
    }
    let reference = data_encoding::HEXLOWER.encode(&crate::ids::random::<6>());
    let now = time::now();
    let stamp = stamp(viewer, now, &reference, labels);
    let max_stream = usize::try_from(cap).unwrap_or(usize::MAX).max(1 << 20);
    let out = watermark::apply(&pdf, &stamp, max_stream).map_err(|e| match e {
        WatermarkError::Encrypted => ViewError::Encrypted,
        WatermarkError::Broken => ViewError::Broken,
    })?;
    drop(pdf);
    drop(turn);
    log::info!(
        "document {id} of space {}: version {idx} watermarked ({} bytes)",
        access.id,
        out.len()
    );
    Ok((
        Viewed {
            pdf: out,
            name: d.name,
            reference,
        },
        idx,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_unknown_braces_kept() {
        let v = [("name", "{date} Zoé"), ("date", "05/11/2026")];
        assert_eq!(
            fill("{name}, le {date} {x} {", &v),
            "{date} Zoé, le 05/11/2026 {x} {"
        );
    }
}
