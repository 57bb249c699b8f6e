//! A recipient's reply: files are streamed in first (each one encrypted under the mail's key
//! as it arrives, and kept pending), then the text is sent with them. The reply lands in the
//! sender's tracking of the mail, and the sender gets a content-free mail.

use std::io::Read;

use crate::blobs::Written;
use crate::domain::secure_mail::read::{Kind, Link, tell_sender};
use crate::domain::secure_mail::{
    Core, Invalid, MAX_REPLY_FILES, MAX_TEXT, SmError, event, store_file,
};
use crate::ids::SecureFileId;
use crate::store::secure_mail::items::{self as items, FILE, FileRec, REPLY, Reply};
use crate::store::{StoreError, db};

/// The recipient's files not yet sent with a reply.
fn pending(core: &Core, link: &Link) -> Result<Vec<(SecureFileId, FileRec)>, StoreError> {
    Ok(items::files(&core.store, &link.live.key, link.live.id)?
        .into_iter()
        .filter(|(_, f)| f.from == Some(link.recipient) && f.reply.is_none())
        .collect())
}

/// Streams `body` as the file `name` of the recipient's next reply.
pub fn upload(
    core: &Core,
    link: &Link,
    name: &str,
    body: impl Read,
    now: i64,
) -> Result<(SecureFileId, Written), SmError> {
    if pending(core, link)?.len() >= MAX_REPLY_FILES {
        return Err(SmError::Invalid(Invalid {
            field: "files",
            key: "secure_error_too_many_files",
        }));
    }
    store_file(core, &link.live, Some(link.recipient), name, body, now)
}

/// Sends the reply: `text` and the pending files (at least one of the two).
pub fn send(core: &Core, link: &Link, text: &str, now: i64) -> Result<(), SmError> {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT {
        return Err(SmError::Invalid(Invalid {
            field: "text",
            key: "error_text_invalid",
        }));
    }
    let files = pending(core, link)?;
    if text.is_empty() && files.is_empty() {
        return Err(SmError::Invalid(Invalid {
            field: "text",
            key: "secure_error_empty",
        }));
    }
    let l = &link.live;
    let key = items::time_sub();
    let hex = data_encoding::HEXLOWER.encode(&key);
    let reply = Reply {
        recipient: link.recipient,
        at: now,
        text: text.to_owned(),
        files: files.iter().map(|(id, _)| *id).collect(),
    };
    // The reply and its files' link to it in one commit: never a reply missing a file.
    let txn = core.store.db().begin_write().map_err(db)?;
    items::put_in(&txn, &l.key, l.id, REPLY, &key, &reply)?;
    for (id, mut f) in files {
        f.reply = Some(hex.clone());
        items::put_in(&txn, &l.key, l.id, FILE, id.as_bytes(), &f)?;
    }
    txn.commit().map_err(db)?;
    event(core, l, "replied", Some(link.recipient), None, now)?;
    tell_sender(core, l, Kind::Replied)?;
    log::info!(
        "secure mail {}: reply of recipient {} with {} files",
        l.id,
        link.recipient + 1,
        reply.files.len()
    );
    Ok(())
}
