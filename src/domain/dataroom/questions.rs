//! Questions and answers of a data room (the `questions` module, on by default in the
//! `data_room` template).
//!
//! Any member asks a question (plain text, optionally about a document of the space he may
//! see); a question is seen by its author and the space's Gestionnaires only, never by
//! another member: two bidders never learn of each other's questions, nor how many there
//! are. A Gestionnaire answers, to the author only or published to all; a published
//! question is shown to every member without its author (no name, no firm, no date of
//! asking), with its answer. Statuses: open, answered (to the author), published, closed.
//! The one visibility rule is [`sees`]; the pages and the API list through
//! [`crate::domain::dataroom::question_views`], and the search index does not hold questions at all.
//!
//! Records are sealed with the space key (`store::dataroom::questions`). The journal records
//! `question_asked`, `question_answered`, `question_published`, `question_unpublished`,
//! `question_closed` and `question_reopened` with the target `question:<id>`, never a text.
//! Notifications are the content-free count of [`crate::mail::notify`]: the Gestionnaires
//! when a question is asked, the author when it is answered or closed, every member when it
//! is published.

use crate::domain::access::{Manage, Profile, SpaceAccess};
use crate::domain::{Core, Invalid, documents as docs, journal};

use crate::ids::{AccountId, DocumentId, FirmId, QuestionId};
use crate::model::time;
use crate::store::dataroom::questions::{self, Answer, Question, Status};
use crate::store::{StoreError, documents, spaces};

/// The longest question or answer, in characters.
pub const MAX_CHARS: usize = 5_000;

#[derive(Debug)]
pub enum QaError {
    Invalid(Invalid),
    /// No questions module, an unknown question, or a document the asker may not see.
    NotFound,
    /// The space is archived: read-only.
    Archived,
    /// The change does not apply to the question as it stands (publish without an
    /// answer…); the key says why.
    Refused(&'static str),
    Store(StoreError),
}

impl From<StoreError> for QaError {
    fn from(e: StoreError) -> Self {
        QaError::Store(e)
    }
}

/// Whether the space has questions and answers.
pub fn enabled(access: &SpaceAccess) -> bool {
    access.modules().questions
}

/// The one visibility rule: the space's Gestionnaires see every question, its author his
/// own, everyone else only the published ones.
pub fn sees(access: &SpaceAccess, q: &Question) -> bool {
    access.profile == Profile::Gestionnaire
        || q.author == access.account
        || q.status == Status::Published
}

/// A question or answer: line ends normalised, trimmed, 1 to [`MAX_CHARS`] characters.
pub fn check_text(text: &str, field: &'static str) -> Result<String, Invalid> {
    let t = text.replace("\r\n", "\n");
    let t = t.trim();
    let n = t.chars().count();
    let bad_char = t.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if n == 0 || n > MAX_CHARS || bad_char {
        return Err(Invalid {
            field,
            key: "error_question_length",
        });
    }
    Ok(t.to_owned())
}

/// Counts one new thing for each of `who` but `actor`; a failure is logged, never fatal
/// (the question or answer is stored and journaled already).
fn notify_all(
    core: &Core,
    firm: FirmId,
    who: &[AccountId],
    actor: AccountId,
    question: QuestionId,
) {
    for a in who {
        if *a == actor {
            continue;
        }
        if let Err(e) = crate::mail::notify_in(core, *a, Some(firm), 1) {
            log::error!("question {question}: notification for account {a} not counted: {e}");
        }
    }
}

/// The space's Gestionnaires.
fn managers(core: &Core, s: &SpaceAccess) -> Result<Vec<AccountId>, StoreError> {
    let mut out = Vec::new();
    for a in spaces::members(&core.store, s.id)? {
        if let Some(m) = spaces::membership(&core.store, a, s.id)?
            && m.profile == Profile::Gestionnaire
        {
            out.push(a);
        }
    }
    Ok(out)
}

/// Asks a question as the viewer (any member of a space with the module, not archived).
pub fn ask(
    core: &Core,
    s: &SpaceAccess,
    text: &str,
    document: Option<DocumentId>,
) -> Result<QuestionId, QaError> {
    if !enabled(s) {
        return Err(QaError::NotFound);
    }
    if s.meta.archived {
        return Err(QaError::Archived);
    }
    let text = check_text(text, "text").map_err(QaError::Invalid)?;
    if let Some(d) = document {
        let ok = documents::document(&core.store, s.id, s.key(), d)?
            .is_some_and(|doc| doc.deleted_at.is_none() && docs::visible(s, &doc));
        if !ok {
            return Err(QaError::NotFound);
        }
    }
    let q = Question {
        id: QuestionId::random(),
        number: 0,
        author: s.account,
        text,
        document,
        asked_at: time::now(),
        status: Status::Open,
        answer: None,
        published_at: None,
    };
    let q = questions::insert(&core.store, s.id, s.key(), q)?;
    log::info!(
        "question {} of space {}: asked as number {}",
        q.id,
        s.id,
        q.number
    );
    journal::append(core, s, "question_asked", &format!("question:{}", q.id))?;
    notify_all(core, s.entry.firm, &managers(core, s)?, s.account, q.id);
    Ok(q.id)
}

/// What a Gestionnaire does with a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Answers (or corrects the answer), to the author only or published to all.
    Answer {
        text: String,
        publish: bool,
    },
    /// Publishes the answer already given.
    Publish,
    /// Takes a published question back to its author only.
    Unpublish,
    Close,
    Reopen,
}

/// Applies `d` to the question `id`; returns its new status.
pub fn decide(core: &Core, m: &Manage<'_>, id: QuestionId, d: Decision) -> Result<Status, QaError> {
    let s = m.space();
    if !enabled(s) {
        return Err(QaError::NotFound);
    }
    if s.meta.archived {
        return Err(QaError::Archived);
    }
    let answer = match &d {
        Decision::Answer { text, .. } => {
            Some(check_text(text, "answer").map_err(QaError::Invalid)?)
        }
        _ => None,
    };
    let now = time::now();
    let actor = s.account;
    let changed = questions::modify(&core.store, s.id, s.key(), id, |q| {
        let before = q.status;
        let next = match (&d, q.answer.is_some(), before) {
            (Decision::Answer { publish, .. }, _, _) => {
                if let Some(text) = &answer {
                    q.answer = Some(Answer {
                        text: text.clone(),
                        by: actor,
                        at: now,
                    });
                }
                if *publish {
                    Status::Published
                } else {
                    Status::Answered
                }
            }
            (Decision::Publish, true, _) => Status::Published,
            (Decision::Publish, false, _) => return Err("error_question_no_answer"),
            (Decision::Unpublish, _, Status::Published) => Status::Answered,
            (Decision::Unpublish, _, _) => return Err("error_question_not_published"),
            (Decision::Close, _, _) => Status::Closed,
            (Decision::Reopen, true, Status::Closed) => Status::Answered,
            (Decision::Reopen, false, Status::Closed) => Status::Open,
            (Decision::Reopen, _, _) => return Err("error_question_not_closed"),
        };
        q.status = next;
        q.published_at = match (next, before) {
            (Status::Published, Status::Published) => q.published_at.or(Some(now)),
            (Status::Published, _) => Some(now),
            _ => None,
        };
        Ok((before, q.author))
    })?;
    let Some((q, outcome)) = changed else {
        return Err(QaError::NotFound);
    };
    let (before, author) = outcome.map_err(QaError::Refused)?;
    let action = match (&d, q.status) {
        (Decision::Answer { .. }, Status::Published) if before != Status::Published => {
            "question_published"
        }
        (Decision::Answer { .. }, _) => "question_answered",
        (Decision::Publish, _) => "question_published",
        (Decision::Unpublish, _) => "question_unpublished",
        (Decision::Close, _) => "question_closed",
        (Decision::Reopen, _) => "question_reopened",
    };
    log::info!("question {id} of space {}: {action}", s.id);
    journal::append(core, s, action, &format!("question:{id}"))?;
    // Who hears of it: everyone when it becomes public, else its author.
    let published_now = q.status == Status::Published
        && (before != Status::Published || matches!(d, Decision::Answer { .. }));
    if published_now {
        notify_all(
            core,
            s.entry.firm,
            &spaces::members(&core.store, s.id)?,
            actor,
            id,
        );
    } else if !matches!(d, Decision::Reopen) {
        notify_all(core, s.entry.firm, &[author], actor, id);
    }
    Ok(q.status)
}

/// Switches the questions module of a space on or off (the data room settings); journaled
/// as `settings_changed` `questions:<on|off>`. Returns whether anything changed.
pub fn set_enabled(core: &Core, m: &Manage<'_>, on: bool) -> Result<bool, StoreError> {
    let s = m.space();
    if enabled(s) == on {
        return Ok(false);
    }
    let mut modules = s.modules();
    modules.questions = on;
    spaces::modify_meta(&core.store, s.id, s.key(), |meta| {
        // Stored even when equal to the template's: the space no longer follows it.
        meta.modules = Some(modules);
        true
    })?;
    let v = if on { "on" } else { "off" };
    journal::append(core, s, "settings_changed", &format!("questions:{v}"))?;
    Ok(true)
}

#[cfg(test)]
mod tests;
