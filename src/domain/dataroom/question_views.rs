//! What people see of a data room's questions and answers (the page and the API alike).
//!
//! Every question shown passes [`crate::domain::dataroom::questions::sees`]. What a line carries depends on
//! who looks: the author and the Gestionnaires see when it was asked; only the Gestionnaires
//! see its number and its author (name and address); a published question of someone else
//! carries neither author nor asking date, so nothing tells which bidder asked it. A
//! referenced document is shown only when the viewer may see that document.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::Core;
use crate::domain::access::{Profile, SpaceAccess};
use crate::domain::dataroom::questions::{enabled, sees};

use crate::ids::{AccountId, DocumentId};
use crate::model::time;
use crate::store::dataroom::questions::{self, Question, Status};
use crate::store::{StoreError, accounts};

#[derive(Debug, Clone, Serialize)]
pub struct DocRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorLine {
    pub id: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerLine {
    pub text: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionLine {
    pub id: String,
    /// Gestionnaires only.
    pub number: Option<u64>,
    pub text: String,
    pub status: &'static str,
    pub published: bool,
    /// Asked by the viewer.
    pub mine: bool,
    /// The author and the Gestionnaires only.
    pub asked_at: Option<String>,
    pub published_at: Option<String>,
    /// Gestionnaires only.
    pub author: Option<AuthorLine>,
    pub document: Option<DocRef>,
    pub answer: Option<AnswerLine>,
}

/// The questions and answers as the viewer sees them.
#[derive(Debug, Default, Serialize)]
pub struct View {
    /// Gestionnaires: every question (open ones first); others: their own.
    pub questions: Vec<QuestionLine>,
    /// Published questions and answers, by publication (every member).
    pub published: Vec<QuestionLine>,
    /// Gestionnaires: how many questions per status.
    pub counts: Option<HashMap<&'static str, usize>>,
}

fn status_rank(s: Status) -> u8 {
    match s {
        Status::Open => 0,
        Status::Answered => 1,
        Status::Published => 2,
        Status::Closed => 3,
    }
}

/// The view for `access` (empty without the module).
pub fn view(core: &Core, access: &SpaceAccess) -> Result<View, StoreError> {
    if !enabled(access) {
        return Ok(View::default());
    }
    let manager = access.profile == Profile::Gestionnaire;
    let all: Vec<Question> = questions::list(&core.store, access.id, access.key())?
        .into_iter()
        .filter(|q| sees(access, q))
        .collect();
    let docs: HashMap<DocumentId, String> = crate::domain::documents::listing::lines(core, access)?
        .iter()
        .filter(|l| l.visible_to(access))
        .map(|l| (l.id, l.name.clone()))
        .collect();
    let mut authors: HashMap<AccountId, Option<AuthorLine>> = HashMap::new();
    let mut line = |q: &Question| -> Result<QuestionLine, StoreError> {
        let mine = q.author == access.account;
        let author = if manager {
            if let std::collections::hash_map::Entry::Vacant(e) = authors.entry(q.author) {
                e.insert(accounts::by_id(&core.store, q.author)?.map(|a| AuthorLine {
                    id: a.id.hex(),
                    name: a.name,
                    email: a.email,
                }));
            }
            authors.get(&q.author).cloned().flatten()
        } else {
            None
        };
        Ok(QuestionLine {
            id: q.id.hex(),
            number: manager.then_some(q.number),
            text: q.text.clone(),
            status: q.status.id(),
            published: q.status == Status::Published,
            mine,
            asked_at: (manager || mine).then(|| time::rfc3339(q.asked_at)),
            published_at: q.published_at.map(time::rfc3339),
            author,
            document: q.document.and_then(|d| {
                docs.get(&d).map(|name| DocRef {
                    id: d.hex(),
                    name: name.clone(),
                })
            }),
            answer: q.answer.as_ref().map(|a| AnswerLine {
                text: a.text.clone(),
                at: time::rfc3339(a.at),
            }),
        })
    };
    let mut own: Vec<&Question> = all
        .iter()
        .filter(|q| manager || q.author == access.account)
        .collect();
    own.sort_by_key(|q| (manager.then(|| status_rank(q.status)), q.number));
    let mut published: Vec<&Question> = all
        .iter()
        .filter(|q| q.status == Status::Published)
        .collect();
    published.sort_by_key(|q| (q.published_at, q.number));
    let questions = own.into_iter().map(&mut line).collect::<Result<_, _>>()?;
    let published = published
        .into_iter()
        .map(&mut line)
        .collect::<Result<_, _>>()?;
    let counts = manager.then(|| {
        let mut c: HashMap<&'static str, usize> = HashMap::new();
        for s in [
            Status::Open,
            Status::Answered,
            Status::Published,
            Status::Closed,
        ] {
            c.insert(s.id(), all.iter().filter(|q| q.status == s).count());
        }
        c
    });
    Ok(View {
        questions,
        published,
        counts,
    })
}
