//! `POST /spaces/{id}/questions/{question}`: a Gestionnaire answers a question to its author
//! (`action=answer`, `answer`), answers and publishes it to every member
//! (`action=answer_publish`), publishes the answer given (`publish`), takes it back to its
//! author (`unpublish`), closes or reopens it (`close`, `reopen`).

use rouille::{Request, Response};

use crate::domain::dataroom::questions::{self, Decision, QaError};
use crate::error::AppError;
use crate::ids::QuestionId;
use crate::web::context::Ctx;
use crate::web::respond::see_other;

use crate::web::ui::dataroom::questions_show::render;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form()?;
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let id = params
        .get(1)
        .and_then(|p| QuestionId::parse(p))
        .ok_or(AppError::NotFound)?;
    // The form is read before the question is looked for.
    let text = form.get("answer").to_owned();
    let action = form.get("action");
    let decision = match action {
        "answer" => Decision::Answer {
            text,
            publish: false,
        },
        "answer_publish" => Decision::Answer {
            text,
            publish: true,
        },
        "publish" => Decision::Publish,
        "unpublish" => Decision::Unpublish,
        "close" => Decision::Close,
        "reopen" => Decision::Reopen,
        _ => return Err(AppError::BadRequest("error_bad_form")),
    };
    match questions::decide(ctx.core()?, &m, id, decision) {
        Ok(_) => {
            let notice = match action {
                "answer" => "question_answered",
                "answer_publish" => "question_answer_published",
                "publish" => "question_published",
                "unpublish" => "question_unpublished",
                "close" => "question_closed",
                _ => "question_reopened",
            };
            Ok(see_other(&format!(
                "/spaces/{}/questions?notice={notice}#question-{id}",
                access.id
            )))
        }
        Err(QaError::Invalid(i)) => render(ctx, &access, None, Some(i.key), ""),
        Err(QaError::Refused(k)) => render(ctx, &access, None, Some(k), ""),
        Err(QaError::NotFound) => Err(AppError::NotFound),
        Err(QaError::Archived) => Err(AppError::BadRequest("error_space_archived")),
        Err(QaError::Store(e)) => Err(e.into()),
    }
}
