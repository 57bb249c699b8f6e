//! Reading `application/x-www-form-urlencoded` bodies, bounded in size.

use std::collections::HashMap;
use std::io::Read;

use crate::error::AppError;
use crate::secret::Secret;

/// Forms of the UI are small; anything bigger is refused before it is read.
pub const MAX_FORM_BYTES: u64 = 64 * 1024;

/// The fields by name (the last value of a repeated name), and every pair in order.
pub struct Form(HashMap<String, String>, Vec<(String, String)>);

impl Form {
    pub fn read(req: &rouille::Request) -> Result<Form, AppError> {
        Form::read_max(req, MAX_FORM_BYTES)
    }

    /// Reads a form of at most `max` bytes (for the few forms that carry long text).
    pub fn read_max(req: &rouille::Request, max: u64) -> Result<Form, AppError> {
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
        Form(pairs.iter().cloned().collect(), pairs)
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
