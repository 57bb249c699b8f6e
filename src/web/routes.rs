//! The one route table. Every route names who may call it ([`Access`]) and with which right
//! ([`Right`]); the dispatcher ([`super::dispatch`]) applies the table before any handler.

use rouille::{Request, Response};

use super::context::Ctx;
use super::{api, ui};
use crate::error::AppError;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Always served, locked or not (health check, static files).
    Always,
    /// Only while a sealed box waits for its passphrase.
    Locked,
    /// Anyone, once the box is unlocked (setup, sign-in).
    Anonymous,
    /// A signed-in account.
    SignedIn,
    /// The administrator of a firm (others get a 404).
    FirmAdmin,
    /// The box operator (others get a 404).
    Operator,
}

/// What a route needs beyond its access level; the handler enforces it through a guard
/// (`ctx.staff()`, `ctx.space()`, `access.manage()`, `access.own()`, `access.contribute()`), and the access-matrix test checks
/// every route against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    None,
    /// A member of a firm's staff.
    Staff,
    /// A member of the space named by `{id}`.
    SpaceMember,
    /// A Gestionnaire of the space named by `{id}`.
    SpaceManager,
    /// A Gestionnaire of the space named by `{id}` who is staff of the firm that owns it
    /// (`access.own()`): never a co-pilot nor a client made Gestionnaire.
    SpaceOwner,
    /// A member of the space who may upload (not a Lecteur).
    SpaceUploader,
    /// A member of the space who may add content: Gestionnaire or Contributeur.
    SpaceContributor,
    /// A member of the space of the document named by `{id}`.
    DocumentReader,
    /// Whom the aside access check admits to the aside `{aside}` of the space `{id}`: its
    /// members; in a mediation also the space's Gestionnaires (`domain::access::aside`).
    AsideMember,
    /// An `AsideMember` who may post there: Gestionnaire or Contributeur.
    AsideContributor,
    /// An `AsideMember` who may upload there (not a Lecteur).
    AsideUploader,
    /// An `AsideMember` who manages the aside (its members): a Gestionnaire of the space.
    AsideManager,
    /// The account that announced the upload named by `{upload}`, while it may still
    /// upload into that upload's space.
    UploadOwner,
    /// The firm named by `{id}`: its staff, or a member of one of its spaces (co-piloted ones
    /// included); anyone else cannot tell the firm exists.
    FirmViewer,
    /// The staff member who sent (or is writing) the secure mail named by `{id}` or
    /// `{draft}`; anyone else, staff of the same firm included, gets a 404.
    MailSender,
    /// A staff member of the firm whose drop box received the deposit named by `{id}` (sent
    /// deposits only); anyone else cannot tell the deposit exists.
    DepositStaff,
}

pub type Handler = fn(&Ctx<'_>, &Request, &[&str]) -> Result<Response, AppError>;

pub struct Route {
    pub method: &'static str,
    /// `/literal/{param}/…`; a final `{*}` takes the rest of the path.
    pub pattern: &'static str,
    pub access: Access,
    pub right: Right,
    pub handler: Handler,
}

impl Route {
    /// Whether `{id}` names the space whose access check the route's right is.
    pub fn names_a_space(&self) -> bool {
        matches!(
            self.right,
            Right::SpaceMember
                | Right::SpaceManager
                | Right::SpaceOwner
                | Right::SpaceUploader
                | Right::SpaceContributor
                | Right::AsideMember
                | Right::AsideContributor
                | Right::AsideUploader
                | Right::AsideManager
        )
    }

    /// Whether the route would change an archived space, and is therefore refused there
    /// (409) for every member, whatever his profile: every method but GET, HEAD and OPTIONS
    /// on a space, except the few lifecycle actions of [`WHILE_ARCHIVED`].
    /// A change made through the UI (not the API, whose clients send a bearer token or
    /// the session with its own checks): the dispatcher checks its CSRF token first.
    pub fn checks_csrf(&self) -> bool {
        !matches!(self.method, "GET" | "HEAD" | "OPTIONS") && !self.pattern.starts_with("/api/")
    }

    pub fn refused_while_archived(&self) -> bool {
        !matches!(self.method, "GET" | "HEAD" | "OPTIONS")
            && self.names_a_space()
            && !WHILE_ARCHIVED
                .iter()
                .any(|(m, p)| *m == self.method && *p == self.pattern)
    }
}

/// What a Gestionnaire may still do to an archived space: unarchive it (the same form),
/// delete it, and make a new space or template from it (which leaves it as it is).
pub const WHILE_ARCHIVED: &[(&str, &str)] = &[
    ("POST", "/spaces/{id}/archive"),
    ("POST", "/spaces/{id}/delete"),
    ("POST", "/spaces/{id}/duplicate"),
    ("POST", "/spaces/{id}/template"),
];

const fn route(
    method: &'static str,
    pattern: &'static str,
    access: Access,
    right: Right,
    handler: Handler,
) -> Route {
    Route {
        method,
        pattern,
        access,
        right,
        handler,
    }
}

#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    route("GET",    "/healthz",                              Access::Always,    Right::None,         ui::health_show::handle),
    route("GET",    "/static/{*}",                           Access::Always,    Right::None,         ui::static_show::handle),
    route("GET",    "/api/v1/openapi.json",                  Access::Always,    Right::None,         api::openapi_show::handle),
    route("POST",   "/api/v1/session",                       Access::Anonymous, Right::None,         api::accounts::session_create::handle),
    route("DELETE", "/api/v1/session",                       Access::SignedIn,  Right::None,         api::accounts::session_delete::handle),
    route("GET",    "/api/v1/me",                            Access::SignedIn,  Right::None,         api::me_show::handle),
    route("GET",    "/api/v1/server",                        Access::Anonymous, Right::None,         api::server_show::handle),
    route("GET",    "/api/v1/spaces",                        Access::SignedIn,  Right::None,         api::spaces::spaces_list::handle),
    route("POST",   "/api/v1/spaces",                        Access::SignedIn,  Right::Staff,        api::spaces::space_create::handle),
    route("POST",   "/api/v1/spaces/{id}/members",           Access::SignedIn,  Right::SpaceManager, api::spaces::member_add::handle),
    route("GET",    "/api/v1/search",                        Access::SignedIn,  Right::None,         api::documents::search_show::handle),
    route("GET",    "/api/v1/spaces/{id}/documents",         Access::SignedIn,  Right::SpaceMember,  api::documents::documents_list::handle),
    route("POST",   "/api/v1/spaces/{id}/documents",         Access::SignedIn,  Right::SpaceUploader, api::documents::document_upload::handle),
    route("POST",   "/api/v1/spaces/{id}/messages",          Access::SignedIn,  Right::SpaceContributor, api::messages::message_create::handle),
    route("GET",    "/api/v1/spaces/{id}/messages",          Access::SignedIn,  Right::SpaceMember,  api::messages::messages_list::handle),
    route("GET",    "/api/v1/spaces/{id}/requests",          Access::SignedIn,  Right::SpaceMember,  api::requests::requests_list::handle),
    route("POST",   "/api/v1/spaces/{id}/requests",          Access::SignedIn,  Right::SpaceManager, api::requests::request_create::handle),
    route("GET",    "/api/v1/spaces/{id}/events",            Access::SignedIn,  Right::SpaceMember,  api::agenda::events_list::handle),
    route("POST",   "/api/v1/spaces/{id}/events",            Access::SignedIn,  Right::SpaceContributor, api::agenda::event_create::handle),
    route("GET",    "/api/v1/spaces/{id}/exhibits",          Access::SignedIn,  Right::SpaceMember,  api::arbitration::exhibits_list::handle),
    route("POST",   "/api/v1/spaces/{id}/exhibits",          Access::SignedIn,  Right::SpaceContributor, api::arbitration::exhibit_create::handle),
    route("POST",   "/api/v1/spaces/{id}/case",              Access::SignedIn,  Right::SpaceManager, api::arbitration::exhibit_case_update::handle),
    route("POST",   "/api/v1/spaces/{id}/communications",    Access::SignedIn,  Right::SpaceContributor, api::arbitration::communication_create::handle),
    route("GET",    "/api/v1/spaces/{id}/communications/{communication}", Access::SignedIn, Right::SpaceMember, api::arbitration::communication_show::handle),
    route("POST",   "/api/v1/spaces/{id}/communications/{communication}/acknowledge", Access::SignedIn, Right::SpaceMember, api::arbitration::communication_acknowledge::handle),
    route("GET",    "/api/v1/documents/{id}/content",        Access::SignedIn,  Right::DocumentReader, api::documents::document_content::handle),
    route("GET",    "/api/v1/spaces/{id}/asides",            Access::SignedIn,  Right::SpaceMember,  api::mediation::aside_list::handle),
    route("POST",   "/api/v1/spaces/{id}/asides",            Access::SignedIn,  Right::SpaceManager, api::mediation::aside_create::handle),
    route("GET",    "/api/v1/spaces/{id}/asides/{aside}/messages",  Access::SignedIn, Right::AsideMember, api::mediation::aside_messages_list::handle),
    route("POST",   "/api/v1/spaces/{id}/asides/{aside}/messages",  Access::SignedIn, Right::AsideContributor, api::mediation::aside_message_create::handle),
    route("GET",    "/api/v1/spaces/{id}/asides/{aside}/documents", Access::SignedIn, Right::AsideMember, api::mediation::aside_documents_list::handle),
    route("POST",   "/api/v1/spaces/{id}/asides/{aside}/documents", Access::SignedIn, Right::AsideUploader, api::mediation::aside_document_upload::handle),
    route("GET",    "/api/v1/documents/{id}/view",           Access::SignedIn,  Right::DocumentReader, api::documents::document_view::handle),
    route("GET",    "/api/v1/spaces/{id}/questions",         Access::SignedIn,  Right::SpaceMember,  api::dataroom::questions_list::handle),
    route("POST",   "/api/v1/spaces/{id}/questions",         Access::SignedIn,  Right::SpaceMember,  api::dataroom::question_create::handle),
    route("POST",   "/api/v1/spaces/{id}/questions/{question}/answer", Access::SignedIn, Right::SpaceManager, api::dataroom::question_answer::handle),
    route("OPTIONS", "/api/v1/spaces/{id}/uploads",          Access::Anonymous, Right::None,         api::documents::upload_options::handle),
    route("POST",   "/api/v1/spaces/{id}/uploads",           Access::SignedIn,  Right::SpaceUploader, api::documents::upload_create::handle),
    route("OPTIONS", "/api/v1/uploads/{upload}",             Access::Anonymous, Right::None,         api::documents::upload_options::handle),
    route("HEAD",   "/api/v1/uploads/{upload}",              Access::SignedIn,  Right::UploadOwner,  api::documents::upload_status::handle),
    route("PATCH",  "/api/v1/uploads/{upload}",              Access::SignedIn,  Right::UploadOwner,  api::documents::upload_append::handle),
    route("DELETE", "/api/v1/uploads/{upload}",              Access::SignedIn,  Right::UploadOwner,  api::documents::upload_cancel::handle),
    route("POST",   "/api/v1/mail/drafts",                   Access::SignedIn,  Right::Staff,        api::secure_mail::mail_draft_create::handle),
    route("GET",    "/api/v1/me/app-passwords",              Access::SignedIn,  Right::Staff,        api::accounts::app_passwords_list::handle),
    route("DELETE", "/api/v1/me/app-passwords/{id}",         Access::SignedIn,  Right::Staff,        api::accounts::app_password_delete::handle),
    route("POST",   "/api/v1/me/app-passwords",              Access::SignedIn,  Right::Staff,        api::accounts::app_password_create::handle),
    route("POST",   "/api/v1/mail/drafts/{draft}/files",     Access::SignedIn,  Right::MailSender,   api::secure_mail::mail_draft_upload::handle),
    route("GET",    "/unlock",                               Access::Locked,    Right::None,         ui::accounts::unlock_show::handle),
    route("POST",   "/unlock",                               Access::Locked,    Right::None,         ui::accounts::unlock_submit::handle),
    route("GET",    "/setup/{token}",                        Access::Anonymous, Right::None,         ui::accounts::setup_show::handle),
    route("POST",   "/setup/{token}",                        Access::Anonymous, Right::None,         ui::accounts::setup_submit::handle),
    route("GET",    "/login",                                Access::Anonymous, Right::None,         ui::accounts::login_show::handle),
    route("POST",   "/login",                                Access::Anonymous, Right::None,         ui::accounts::login_submit::handle),
    route("GET",    "/login/totp",                           Access::Anonymous, Right::None,         ui::accounts::login_totp_show::handle),
    route("POST",   "/login/totp",                           Access::Anonymous, Right::None,         ui::accounts::login_totp_submit::handle),
    route("GET",    "/login/code",                           Access::Anonymous, Right::None,         ui::accounts::login_code_show::handle),
    route("POST",   "/login/code",                           Access::Anonymous, Right::None,         ui::accounts::login_code_send::handle),
    route("POST",   "/login/code/verify",                    Access::Anonymous, Right::None,         ui::accounts::login_code_verify::handle),
    route("GET",    "/reset",                                Access::Anonymous, Right::None,         ui::accounts::reset_request_show::handle),
    route("POST",   "/reset",                                Access::Anonymous, Right::None,         ui::accounts::reset_request_submit::handle),
    route("GET",    "/reset/{token}",                        Access::Anonymous, Right::None,         ui::accounts::reset_show::handle),
    route("POST",   "/reset/{token}",                        Access::Anonymous, Right::None,         ui::accounts::reset_submit::handle),
    route("GET",    "/invite/{token}",                       Access::Anonymous, Right::None,         ui::spaces::invite_show::handle),
    route("POST",   "/invite/{token}",                       Access::Anonymous, Right::None,         ui::spaces::invite_accept::handle),
    route("GET",    "/calendar/{token}/agenda.ics",          Access::Anonymous, Right::None,         ui::agenda::calendar_feed_show::handle),
    route("GET",    "/lang/{code}",                          Access::Anonymous, Right::None,         ui::lang_set::handle),
    route("POST",   "/logout",                               Access::SignedIn,  Right::None,         ui::accounts::logout_submit::handle),
    route("GET",    "/",                                     Access::SignedIn,  Right::None,         ui::spaces::dashboard_show::handle),
    route("GET",    "/search",                               Access::SignedIn,  Right::None,         ui::documents::search_show::handle),
    route("POST",   "/spaces",                               Access::SignedIn,  Right::Staff,        ui::spaces::space_create::handle),
    route("GET",    "/spaces/{id}",                          Access::SignedIn,  Right::SpaceMember,  ui::spaces::space_show::handle),
    route("POST",   "/spaces/{id}/invites",                  Access::SignedIn,  Right::SpaceManager, ui::spaces::invite_create::handle),
    route("POST",   "/spaces/{id}/invites/{key}/revoke",     Access::SignedIn,  Right::SpaceManager, ui::spaces::invite_revoke::handle),
    route("POST",   "/spaces/{id}/members/{account}",        Access::SignedIn,  Right::SpaceManager, ui::spaces::member_update::handle),
    route("GET",    "/spaces/{id}/requests",                 Access::SignedIn,  Right::SpaceMember,  ui::requests::requests_show::handle),
    route("POST",   "/spaces/{id}/requests",                 Access::SignedIn,  Right::SpaceManager, ui::requests::request_create::handle),
    route("POST",   "/spaces/{id}/requests/{request}",       Access::SignedIn,  Right::SpaceManager, ui::requests::request_update::handle),
    route("GET",    "/spaces/{id}/agenda",                   Access::SignedIn,  Right::SpaceMember,  ui::agenda::agenda_show::handle),
    route("POST",   "/spaces/{id}/events",                   Access::SignedIn,  Right::SpaceContributor, ui::agenda::event_create::handle),
    route("GET",    "/spaces/{id}/events/{event}",           Access::SignedIn,  Right::SpaceMember,  ui::agenda::event_show::handle),
    route("POST",   "/spaces/{id}/events/{event}",           Access::SignedIn,  Right::SpaceContributor, ui::agenda::event_update::handle),
    route("GET",    "/spaces/{id}/events/{event}/ics",       Access::SignedIn,  Right::SpaceMember,  ui::agenda::event_ics::handle),
    route("GET",    "/spaces/{id}/settings",                 Access::SignedIn,  Right::SpaceManager, ui::spaces::space_settings_show::handle),
    route("POST",   "/spaces/{id}/settings",                 Access::SignedIn,  Right::SpaceManager, ui::spaces::space_settings_submit::handle),
    route("POST",   "/spaces/{id}/settings/retention",       Access::SignedIn,  Right::SpaceOwner,   ui::spaces::space_settings_retention::handle),
    route("POST",   "/spaces/{id}/archive",                  Access::SignedIn,  Right::SpaceOwner,   ui::spaces::space_archive::handle),
    route("POST",   "/spaces/{id}/duplicate",                Access::SignedIn,  Right::SpaceManager, ui::spaces::space_duplicate::handle),
    route("POST",   "/spaces/{id}/template",                 Access::SignedIn,  Right::SpaceManager, ui::spaces::space_template_create::handle),
    route("POST",   "/spaces/{id}/delete",                   Access::SignedIn,  Right::SpaceOwner,   ui::spaces::space_delete::handle),
    route("GET",    "/spaces/{id}/journal",                  Access::SignedIn,  Right::SpaceManager, ui::journal::journal_show::handle),
    route("GET",    "/spaces/{id}/journal.json",             Access::SignedIn,  Right::SpaceManager, ui::journal::journal_export::handle),
    route("GET",    "/spaces/{id}/journal.csv",              Access::SignedIn,  Right::SpaceManager, ui::journal::journal_export::handle),
    route("POST",   "/spaces/{id}/messages",                 Access::SignedIn,  Right::SpaceContributor, ui::messages::message_create::handle),
    route("GET",    "/spaces/{id}/documents/{doc}",          Access::SignedIn,  Right::SpaceMember,  ui::documents::document_show::handle),
    route("POST",   "/spaces/{id}/documents/{doc}/trash",    Access::SignedIn,  Right::SpaceManager, ui::documents::document_trash::handle),
    route("POST",   "/spaces/{id}/documents/{doc}/edit",     Access::SignedIn,  Right::SpaceManager, ui::documents::document_edit::handle),
    route("POST",   "/spaces/{id}/documents/{doc}/versions/{n}/restore", Access::SignedIn, Right::SpaceManager, ui::documents::document_version_restore::handle),
    route("POST",   "/spaces/{id}/folders",                  Access::SignedIn,  Right::SpaceManager, ui::documents::folder_create::handle),
    route("POST",   "/spaces/{id}/folders/{folder}",         Access::SignedIn,  Right::SpaceManager, ui::documents::folder_update::handle),
    route("POST",   "/spaces/{id}/copilot",                  Access::SignedIn,  Right::SpaceOwner,   ui::spaces::space_copilot::handle),
    route("POST",   "/copilot/{id}",                         Access::SignedIn,  Right::Staff,        ui::spaces::copilot_answer::handle),
    route("GET",    "/spaces/{id}/trash",                    Access::SignedIn,  Right::SpaceManager, ui::documents::trash_show::handle),
    route("GET",    "/spaces/{id}/exhibits",                 Access::SignedIn,  Right::SpaceMember,  ui::arbitration::exhibits_show::handle),
    route("POST",   "/spaces/{id}/exhibits",                 Access::SignedIn,  Right::SpaceContributor, ui::arbitration::exhibit_create::handle),
    route("POST",   "/spaces/{id}/exhibits/{exhibit}",       Access::SignedIn,  Right::SpaceContributor, ui::arbitration::exhibit_update::handle),
    route("GET",    "/spaces/{id}/exhibits/{exhibit}/content", Access::SignedIn, Right::SpaceMember, ui::arbitration::exhibit_content::handle),
    route("POST",   "/spaces/{id}/case",                     Access::SignedIn,  Right::SpaceManager, ui::arbitration::exhibit_case_update::handle),
    route("POST",   "/spaces/{id}/communications",           Access::SignedIn,  Right::SpaceContributor, ui::arbitration::communication_create::handle),
    route("GET",    "/spaces/{id}/communications/{communication}", Access::SignedIn, Right::SpaceMember, ui::arbitration::communication_show::handle),
    route("GET",    "/spaces/{id}/communications/{communication}/bordereau.pdf", Access::SignedIn, Right::SpaceMember, ui::arbitration::communication_file::handle),
    route("GET",    "/spaces/{id}/communications/{communication}/items/{n}", Access::SignedIn, Right::SpaceMember, ui::arbitration::communication_file::handle),
    route("POST",   "/spaces/{id}/communications/{communication}/acknowledge", Access::SignedIn, Right::SpaceMember, ui::arbitration::communication_acknowledge::handle),
    route("POST",   "/spaces/{id}/communications/{communication}/remind", Access::SignedIn, Right::SpaceMember, ui::arbitration::communication_remind::handle),
    route("GET",    "/spaces/{id}/communications/{communication}/bundle.zip", Access::SignedIn, Right::SpaceMember, ui::arbitration::evidence_export::handle),
    route("GET",    "/spaces/{id}/evidence.zip",             Access::SignedIn,  Right::SpaceManager, ui::arbitration::evidence_export::handle),
    route("GET",    "/spaces/{id}/asides",                   Access::SignedIn,  Right::SpaceMember,  ui::mediation::aside_list_show::handle),
    route("POST",   "/spaces/{id}/asides",                   Access::SignedIn,  Right::SpaceManager, ui::mediation::aside_create::handle),
    route("GET",    "/spaces/{id}/asides/{aside}",           Access::SignedIn,  Right::AsideMember,  ui::mediation::aside_show::handle),
    route("POST",   "/spaces/{id}/asides/{aside}/members",   Access::SignedIn,  Right::AsideManager, ui::mediation::aside_member_update::handle),
    route("POST",   "/spaces/{id}/asides/{aside}/messages",  Access::SignedIn,  Right::AsideContributor, ui::mediation::aside_message_create::handle),
    route("GET",    "/spaces/{id}/asides/{aside}/documents/{adoc}", Access::SignedIn, Right::AsideMember, ui::mediation::aside_document_content::handle),
    route("GET",    "/spaces/{id}/copy",                     Access::SignedIn,  Right::SpaceMember,  ui::mediation::aside_copy_show::handle),
    route("POST",   "/spaces/{id}/copy",                     Access::SignedIn,  Right::SpaceMember,  ui::mediation::aside_copy_submit::handle),
    route("GET",    "/spaces/{id}/undertaking",              Access::SignedIn,  Right::SpaceMember,  ui::mediation::undertaking_show::handle),
    route("POST",   "/spaces/{id}/undertaking",              Access::SignedIn,  Right::SpaceMember,  ui::mediation::undertaking_accept::handle),
    route("POST",   "/spaces/{id}/undertaking/text",         Access::SignedIn,  Right::SpaceManager, ui::mediation::undertaking_update::handle),
    route("GET",    "/spaces/{id}/questions",                Access::SignedIn,  Right::SpaceMember,  ui::dataroom::questions_show::handle),
    route("POST",   "/spaces/{id}/questions",                Access::SignedIn,  Right::SpaceMember,  ui::dataroom::question_create::handle),
    route("POST",   "/spaces/{id}/questions/{question}",     Access::SignedIn,  Right::SpaceManager, ui::dataroom::question_update::handle),
    route("GET",    "/spaces/{id}/documents/{doc}/view",     Access::SignedIn,  Right::SpaceMember,  ui::dataroom::document_view_show::handle),
    route("POST",   "/spaces/{id}/documents/{doc}/view-only", Access::SignedIn, Right::SpaceManager, ui::dataroom::document_view_only::handle),
    route("POST",   "/spaces/{id}/dataroom",                 Access::SignedIn,  Right::SpaceManager, ui::dataroom::space_dataroom_update::handle),
    route("GET",    "/account",                              Access::SignedIn,  Right::None,         ui::accounts::account_show::handle),
    route("POST",   "/account/preferences",                  Access::SignedIn,  Right::None,         ui::accounts::account_prefs_submit::handle),
    route("POST",   "/account/app-passwords",                Access::SignedIn,  Right::Staff,        ui::accounts::account_app_password_create::handle),
    route("POST",   "/account/app-passwords/{id}/revoke",    Access::SignedIn,  Right::Staff,        ui::accounts::account_app_password_revoke::handle),
    route("POST",   "/account/password",                     Access::SignedIn,  Right::None,         ui::accounts::account_password_submit::handle),
    route("POST",   "/account/sessions/end",                 Access::SignedIn,  Right::None,         ui::accounts::account_sessions_end::handle),
    route("POST",   "/account/tokens",                       Access::SignedIn,  Right::Staff,        ui::accounts::account_token_create::handle),
    route("POST",   "/account/tokens/{id}/revoke",           Access::SignedIn,  Right::None,         ui::accounts::account_token_revoke::handle),
    route("POST",   "/account/calendar",                     Access::SignedIn,  Right::None,         ui::agenda::calendar_feed_update::handle),
    route("GET",    "/account/totp",                         Access::SignedIn,  Right::None,         ui::accounts::account_totp_show::handle),
    route("POST",   "/account/totp",                         Access::SignedIn,  Right::None,         ui::accounts::account_totp_submit::handle),
    route("POST",   "/account/totp/disable",                 Access::SignedIn,  Right::None,         ui::accounts::account_totp_disable::handle),
    route("GET",    "/admin/staff",                          Access::FirmAdmin, Right::None,         ui::firms::admin_staff_show::handle),
    route("POST",   "/admin/staff",                          Access::FirmAdmin, Right::None,         ui::firms::admin_staff_create::handle),
    route("POST",   "/admin/staff/{id}",                     Access::FirmAdmin, Right::None,         ui::firms::admin_staff_update::handle),
    route("GET",    "/admin/journal",                        Access::FirmAdmin, Right::None,         ui::firms::admin_journal_show::handle),
    route("GET",    "/admin/settings",                       Access::FirmAdmin, Right::None,         ui::firms::admin_settings_show::handle),
    route("POST",   "/admin/settings",                       Access::FirmAdmin, Right::None,         ui::firms::admin_settings_submit::handle),
    route("POST",   "/admin/settings/logo",                  Access::FirmAdmin, Right::None,         ui::firms::admin_logo_submit::handle),
    route("GET",    "/firms/{id}/logo",                      Access::SignedIn,  Right::FirmViewer,        ui::firms::firm_logo_show::handle),
    route("GET",    "/firms/{id}/theme.css",                 Access::SignedIn,  Right::FirmViewer,        ui::firms::firm_theme_show::handle),
    route("POST",   "/admin/templates/{id}/delete",          Access::FirmAdmin, Right::None,         ui::spaces::space_template_delete::handle),
    route("GET",    "/admin/mail",                           Access::FirmAdmin, Right::None,         ui::firms::admin_mail_show::handle),
    route("POST",   "/admin/mail/test",                      Access::FirmAdmin, Right::None,         ui::firms::admin_mail_test::handle),
    route("POST",   "/admin/mail/purge",                     Access::FirmAdmin, Right::None,         ui::firms::admin_mail_purge::handle),
    route("POST",   "/admin/mail/{id}/retry",                Access::FirmAdmin, Right::None,         ui::firms::admin_mail_retry::handle),
    route("GET",    "/mail",                                 Access::SignedIn,  Right::Staff,        ui::secure_mail::mail_index_show::handle),
    route("GET",    "/mail/new",                             Access::SignedIn,  Right::Staff,        ui::secure_mail::mail_compose_show::handle),
    route("POST",   "/mail",                                 Access::SignedIn,  Right::Staff,        ui::secure_mail::mail_send::handle),
    route("GET",    "/mail/{id}",                            Access::SignedIn,  Right::MailSender,   ui::secure_mail::mail_show::handle),
    route("GET",    "/mail/{id}/files/{file}",               Access::SignedIn,  Right::MailSender,   ui::secure_mail::mail_file_show::handle),
    route("POST",   "/mail/{id}/revoke",                     Access::SignedIn,  Right::MailSender,   ui::secure_mail::mail_revoke::handle),
    route("GET",    "/m/{token}",                            Access::Anonymous, Right::None,         ui::secure_mail::secure_show::handle),
    route("POST",   "/m/{token}/code",                       Access::Anonymous, Right::None,         ui::secure_mail::secure_code_send::handle),
    route("POST",   "/m/{token}/verify",                     Access::Anonymous, Right::None,         ui::secure_mail::secure_verify::handle),
    route("GET",    "/m/{token}/files/{file}",               Access::Anonymous, Right::None,         ui::secure_mail::secure_file_show::handle),
    route("POST",   "/m/{token}/reply/files",                Access::Anonymous, Right::None,         ui::secure_mail::secure_reply_upload::handle),
    route("POST",   "/m/{token}/reply",                      Access::Anonymous, Right::None,         ui::secure_mail::secure_reply_send::handle),
    route("POST",   "/admin/settings/depot",                 Access::FirmAdmin, Right::None,         ui::drop_box::depot_settings_submit::handle),
    route("GET",    "/depot",                                Access::SignedIn,  Right::Staff,        ui::drop_box::depot_list::handle),
    // A drop box's public link (`{ref}` = a 43-character token, anyone) or, on the same
    // path, a deposit of the staff's inbox (`{ref}` = a 32-hex id, checked by the handler).
    route("GET",    "/depot/{ref}",                          Access::Anonymous, Right::None,         ui::drop_box::depot_show::handle),
    route("POST",   "/depot/{token}",                        Access::Anonymous, Right::None,         ui::drop_box::deposit_start::handle),
    route("POST",   "/depot/{token}/code",                   Access::Anonymous, Right::None,         ui::drop_box::deposit_code_verify::handle),
    route("POST",   "/depot/{token}/files",                  Access::Anonymous, Right::None,         ui::drop_box::deposit_file_upload::handle),
    route("POST",   "/depot/{token}/remove",                 Access::Anonymous, Right::None,         ui::drop_box::deposit_file_remove::handle),
    route("POST",   "/depot/{token}/send",                   Access::Anonymous, Right::None,         ui::drop_box::deposit_send::handle),
    route("POST",   "/depot/{token}/restart",                Access::Anonymous, Right::None,         ui::drop_box::deposit_restart::handle),
    route("GET",    "/depot/{id}/files/{n}",                 Access::SignedIn,  Right::DepositStaff, ui::drop_box::depot_file_download::handle),
    route("POST",   "/depot/{id}/move",                      Access::SignedIn,  Right::DepositStaff, ui::drop_box::depot_move::handle),
    route("POST",   "/depot/{id}/delete",                    Access::SignedIn,  Right::DepositStaff, ui::drop_box::depot_delete::handle),
    route("GET",    "/operator",                             Access::Operator,  Right::None,         ui::firms::operator_show::handle),
    route("GET",    "/operator/server",                      Access::Operator,  Right::None,         ui::firms::operator_server_show::handle),
    route("POST",   "/operator/firms",                       Access::Operator,  Right::None,         ui::firms::operator_firm_add::handle),
];

/// The captured `{param}` segments if `path` matches `pattern`.
pub fn matches<'p>(pattern: &str, path: &'p str) -> Option<Vec<&'p str>> {
    let mut params = Vec::new();
    let mut pat = pattern.split('/');
    let mut segs = path.split('/');
    loop {
        match (pat.next(), segs.next()) {
            (None, None) => return Some(params),
            (Some("{*}"), Some(first)) => {
                let rest_start =
                    path.len() - segs.clone().map(|s| s.len() + 1).sum::<usize>() - first.len();
                let rest = &path[rest_start..];
                if rest.is_empty() {
                    return None;
                }
                params.push(rest);
                return Some(params);
            }
            (Some(p), Some(s)) if p.starts_with('{') => {
                if s.is_empty() {
                    return None;
                }
                params.push(s);
            }
            (Some(p), Some(s)) if p == s => {}
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests;
