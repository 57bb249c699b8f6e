//! `GET /`: the signed-in person's spaces, grouped by firm; staff can open a new space here.

use rouille::{Request, Response};

use crate::domain::{access, spaces::pages, spaces::templates};
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::form::Form;

/// `?t=TEMPLATE&client=ID` filter the list (staff); the create form starts empty.
pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    render(ctx, None, &Form::parse(req.raw_query_string().as_bytes()))
}

/// The dashboard, with the create form's values and error when it was refused.
pub fn render(
    ctx: &Ctx<'_>,
    error: Option<(&str, &str)>,
    form: &Form,
) -> Result<Response, AppError> {
    let (core, user) = ctx.signed_in()?;
    // A page of spaces, latest activity first; `?after=` is the "more" link's cursor.
    let client = crate::ids::AccountId::parse(form.get("client"));
    let filters = access::staff(user).map(|_| (form.get("t"), client));
    let after = Some(form.get("after"));
    let page = pages::dashboard(core, user.id, filters, after)?
        .map_err(|_| AppError::BadRequest("error_bad_cursor"))?;
    let (list, clients, total) = (page.lines, page.clients, page.total);
    let more = page.next.map(|next| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("after", &next);
        for k in ["t", "client"] {
            if !form.get(k).is_empty() {
                q.append_pair(k, form.get(k));
            }
        }
        format!("/?{}", q.finish())
    });
    let relay = !ctx.app.config.smtp.host.trim().is_empty();
    let template_ids: Vec<&str> = templates::TEMPLATES.iter().map(|t| t.id).collect();
    let resp = crate::web::ui::page(
        ctx,
        "dashboard.html",
        minijinja::context! {
            relay => relay,
            spaces => list,
            total => total,
            more => more,
            clients => clients,
            filter_t => form.get("t"),
            filter_client => form.get("client"),
            // What a client still owes, across his spaces ("Ce qui vous attend").
            due => match access::staff(user) {
                None => crate::domain::requests::views::due_for(core, user)?,
                Some(_) => Vec::new(),
            },
            is_staff => access::staff(user).is_some(),
            // Proposals of other firms to co-pilot one of their spaces, to answer here.
            proposals => match access::staff(user) {
                Some(st) => crate::domain::spaces::copilot_answer::pending_for(core, &st)?,
                None => Vec::new(),
            },
            proposal_notice => (form.get("notice") == "copilot_declined").then(|| ctx.tr("copilot_declined_notice")),
            proposal_error => (form.get("error") == "error_copilot_taken_meanwhile").then(|| ctx.tr("error_copilot_taken_meanwhile")),
            templates => template_ids,
            firm_templates => match access::staff(user) {
                Some(st) => crate::domain::spaces::firm_templates::list(core, st.firm)?,
                None => Vec::new(),
            },
            error_field => error.map(|e| e.0),
            error_message => error.map(|e| e.1),
            title => form.get("title"),
            email => form.get("email"),
            // `?new=1` (the "Nouvel espace" link) opens the create form below the spaces.
            open_new => form.get("new") == "1",
            chosen => if form.get("template").is_empty() { "client" } else { form.get("template") },
        },
    )?;
    Ok(if error.is_some() {
        resp.with_status_code(422)
    } else {
        resp
    })
}
