//! Errors as users see them: a status and a locale key; the detail goes to the log only.

use crate::store::StoreError;

#[derive(Debug)]
pub enum AppError {
    /// Unknown path, or an id the caller may not see: the same answer for both.
    NotFound,
    /// The page needs a signed-in user.
    SignInRequired,
    /// The form's CSRF token or the request's origin is wrong.
    Csrf,
    /// The request is malformed; the key says what to fix.
    BadRequest(&'static str),
    /// The body is larger than this route accepts.
    TooLarge,
    /// The caller may see the thing but not do this with it (a view-only document's
    /// original bytes); the key says why and what to do instead.
    Forbidden(&'static str),
    /// A member of the space (hex id) who must first accept its confidentiality
    /// undertaking: pages redirect to it, the API answers 403 `undertaking_required`.
    Undertaking(String),
    /// The space is archived: nothing in it changes until a Gestionnaire unarchives it.
    Archived,
    /// Something failed on our side; the detail is logged, never shown.
    Internal(String),
    /// The request body arrived slower than the minimum rate and was cut.
    BodyTimeout,
    /// This client address already has as many requests in flight as allowed.
    Busy,
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::SignInRequired => 401,
            AppError::Csrf => 403,
            AppError::BadRequest(_) => 400,
            AppError::TooLarge => 413,
            AppError::Forbidden(_) => 403,
            AppError::Undertaking(_) => 403,
            AppError::Archived => 409,
            AppError::Internal(_) => 500,
            AppError::BodyTimeout => 408,
            AppError::Busy => 503,
        }
    }

    /// The locale key of the message shown to the user.
    pub fn key(&self) -> &'static str {
        match self {
            AppError::NotFound => "error_not_found",
            AppError::SignInRequired => "error_sign_in_required",
            AppError::Csrf => "error_csrf",
            AppError::BadRequest(k) => k,
            AppError::TooLarge => "error_too_large",
            AppError::Forbidden(k) => k,
            AppError::Undertaking(_) => "error_undertaking_required",
            AppError::Archived => "error_space_archived",
            AppError::Internal(_) => "error_internal",
            AppError::BodyTimeout => "error_body_timeout",
            AppError::Busy => "error_busy",
        }
    }

    /// The machine-readable code of API errors (`{"error": CODE, "message": TEXT}`).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::SignInRequired => "unauthorized",
            AppError::Csrf => "forbidden",
            AppError::BadRequest(_) => "bad_request",
            AppError::TooLarge => "too_large",
            AppError::Forbidden(_) => "forbidden",
            AppError::Undertaking(_) => "undertaking_required",
            AppError::Archived => "archived",
            AppError::Internal(_) => "internal",
            AppError::BodyTimeout => "request_timeout",
            AppError::Busy => "busy",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<minijinja::Error> for AppError {
    fn from(e: minijinja::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}
