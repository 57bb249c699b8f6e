//! Reading `application/x-www-form-urlencoded` bodies, bounded in size.

use std::collections::HashMap;
use std::io::Read;

use crate::error::AppError;
use crate::secret::Secret;

/// Forms of the UI are small; anything bigger is refused before it is read.
pub const MAX_FORM_BYTES: u64 = 64 * 1024;

/// The largest form any route takes (a secure mail's text): what the dispatcher reads before
/// the CSRF check. Each handler then holds its form to its own limit ([`super::context::Ctx::form_max`]).
pub const MAX_LONG_FORM_BYTES: u64 = 256 * 1024;

/// The fields by name (the last value of a repeated name), every pair in order, and the
/// size of the body it was read from.
pub struct Form(HashMap<String, String>, Vec<(String, String)>, usize);

impl Form {
    /// Reads a form of at most `max` bytes: the dispatcher's part ([`super::csrf::guard`]);
    /// handlers take the checked form from [`super::context::Ctx::form`].
    pub(super) fn read_max(req: &rouille::Request, max: u64) -> Result<Form, AppError> {
        let ct = req.header("Content-Type").unwrap_or("");
        if !ct.starts_with("application/x-www-form-urlencoded") {
            return Err(AppError::BadRequest("error_bad_form"));
        }
        let mut body = req.data().ok_or(AppError::BadRequest("error_bad_form"))?;
        let mut raw = Vec::new();
        body.by_ref()
            .take(max + 1)
            .read_to_end(&mut raw)
            .map_err(|_| AppError::BadRequest("error_bad_form"))?;
        if raw.len() as u64 > max {
            return Err(AppError::TooLarge);
        }
        Ok(Form::parse(&raw))
    }

    pub fn parse(raw: &[u8]) -> Form {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw).into_owned().collect();
        Form(pairs.iter().cloned().collect(), pairs, raw.len())
    }

    /// The size of the body the form was read from, in bytes.
    pub fn len(&self) -> usize {
        self.2
    }

    pub fn is_empty(&self) -> bool {
        self.1.is_empty()
    }

    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }

    /// Every value of a repeated field (a multiple select), in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.1
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn secret(&self, name: &str) -> Secret {
        Secret::new(self.get(name))
    }
}
