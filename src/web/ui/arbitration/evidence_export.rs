//! `GET /spaces/{id}/communications/{communication}/bundle.zip` (a Gestionnaire, or a
//! member of the party that communicated) and `GET /spaces/{id}/evidence.zip` (every
//! communication of the space, Gestionnaires): the evidence bundle, streamed as it is
//! written (see `domain::arbitration::evidence`). Verify it with `huisclos evidence verify FILE`.

use std::sync::Arc;

use rouille::{Request, Response, ResponseBody};
use zeroize::Zeroizing;

use crate::domain::{arbitration::evidence, arbitration::evidence_plan};
use crate::error::AppError;
use crate::ids::CommunicationId;
use crate::web::api::documents::document_content::disposition;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let core = ctx.core()?;
    let plan = match params.get(1) {
        Some(c) => {
            let id = CommunicationId::parse(c).ok_or(AppError::NotFound)?;
            evidence_plan::for_communication(core, &access, id)?.ok_or(AppError::NotFound)?
        }
        None => {
            let m = access.manage().ok_or(AppError::NotFound)?;
            evidence_plan::for_space(core, &m)?
        }
    };
    let (reader, writer) =
        std::io::pipe().map_err(|e| AppError::Internal(format!("evidence pipe: {e}")))?;
    let core = Arc::clone(core);
    let root = Zeroizing::new(*access.key().blob_root());
    let space = access.id;
    let name = plan.file_name.clone();
    std::thread::Builder::new()
        .name("evidence".into())
        .spawn(
            move || match evidence::stream(&core, &root, &plan, writer) {
                Ok(sha) => log::info!("space {space}: evidence bundle written (manifest {sha})"),
                Err(e) => log::error!("space {space}: evidence bundle interrupted: {e}"),
            },
        )
        .map_err(|e| AppError::Internal(format!("evidence thread: {e}")))?;
    Ok(Response {
        status_code: 200,
        headers: vec![
            ("Content-Type".into(), "application/zip".into()),
            (
                "Content-Disposition".into(),
                disposition("attachment", &name).into(),
            ),
        ],
        data: ResponseBody::from_reader(reader),
        upgrade: None,
    })
}
