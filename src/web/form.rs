//! Reading `application/x-www-form-urlencoded` bodies, bounded in size.

use std::collections::HashMap;
use std::io::Read;

use crate::error::AppError;
use crate::secret::Secret;

/// Forms of the UI are small; anything bigger is refused before it is read.
pub const MAX_FORM_BYTES: u64 = 64 * 1024;

pub struct Form(HashMap<String, String>);

impl Form {
    pub fn read(req: &rouille::Request) -> Result<Form, AppError> {
        let ct = req.header("Content-Type").unwrap_or("");
        if !ct.starts_with("application/x-www-form-urlencoded") {
            return Err(AppError::BadRequest("error_bad_form"));
        }
        let mut body = req.data().ok_or(AppError::BadRequest("error_bad_form"))?;
        let mut raw = Vec::new();
        body.by_ref()
            .take(MAX_FORM_BYTES + 1)
            .read_to_end(&mut raw)
            .map_err(|_| AppError::BadRequest("error_bad_form"))?;
        if raw.len() as u64 > MAX_FORM_BYTES {
            return Err(AppError::TooLarge);
        }
        Ok(Form::parse(&raw))
    }

    pub fn parse(raw: &[u8]) -> Form {
        Form(form_urlencoded::parse(raw).into_owned().collect())
    }

    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn secret(&self, name: &str) -> Secret {
        Secret::new(self.get(name))
    }
}
