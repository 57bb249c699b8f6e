//! `POST /api/v1/spaces/{id}/case` (Gestionnaire): sets the case. `{"court"?, "number"?,
//! "parties"?: [{"id"?, "name", "role", "lawyer"?, "prefix"?, "members"?: [account id or
//! e-mail address]}]}`: with `parties`, the list is the whole case in procedural order
//! (a party with an `id` is changed, one without is added, one left out is removed, which
//! is refused while it has exhibits). → `200` with the case as stored (parties with ids).

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::arbitration::case::{self, PartyInput};
use crate::error::AppError;
use crate::ids::AccountId;
use crate::store::{accounts, spaces};
use crate::web::context::Ctx;
use crate::web::respond::json;

#[derive(Deserialize)]
struct PartyBody {
    #[serde(default)]
    id: Option<u32>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    lawyer: String,
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    members: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    court: Option<String>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    parties: Option<Vec<PartyBody>>,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    crate::web::api::check_write(ctx, req)?;
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let body: Body = crate::web::api::json_body(req)?;
    let core = ctx.core()?;
    let case = case::case(core, &access)?;
    if body.court.is_some() || body.number.is_some() {
        let court = body.court.unwrap_or(case.court.clone());
        let number = body.number.unwrap_or(case.number.clone());
        case::save_details(core, &m, &court, &number)?;
    }
    if let Some(parties) = body.parties {
        let in_space = spaces::members(&core.store, access.id)?;
        let mut order = Vec::new();
        for p in parties {
            let input = PartyInput {
                name: p.name,
                role: p.role,
                lawyer: p.lawyer,
                prefix: p.prefix,
            };
            let id = match p.id {
                Some(id) => {
                    case::update_party(core, &m, id, &input)?;
                    id
                }
                None => case::add_party(core, &m, &input)?,
            };
            if let Some(members) = p.members {
                let mut ids = Vec::new();
                for who in members {
                    let account = match AccountId::parse(&who) {
                        Some(a) => Some(a),
                        None => accounts::by_email(&core.store, &who)?.map(|a| a.id),
                    };
                    match account.filter(|a| in_space.contains(a)) {
                        Some(a) => ids.push(a),
                        None => return Err(AppError::BadRequest("exhibits_error_member")),
                    }
                }
                case::set_members(core, &m, id, &ids)?;
            }
            order.push(id);
        }
        for old in case.parties.iter().filter(|p| !order.contains(&p.id)) {
            case::remove_party(core, &m, old.id)?;
        }
        case::set_order(core, &m, &order)?;
    }
    let case = case::case(core, &access)?;
    let parties: Vec<serde_json::Value> = case
        .parties
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": p.id, "name": p.name, "role": p.role, "lawyer": p.lawyer,
                "prefix": p.prefix, "members": p.members,
            })
        })
        .collect();
    Ok(json(
        200,
        &serde_json::json!({"court": case.court, "number": case.number, "parties": parties}),
    ))
}
