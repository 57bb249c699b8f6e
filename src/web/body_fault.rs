//! When reading a request's body failed, the client is at fault, whatever the handler made
//! of the read error.
//!
//! A malformed chunked body, a body cut before its end or one slower than the minimum rate
//! (`[server] body_min_bytes` / `body_min_secs`) reaches a handler as an I/O error, which
//! upload paths report like a disk error (500). The HTTP layer remembers the first error of
//! the body reader (`rouille::Request::body_read_error`); here any failed handler whose body
//! read failed is answered `408` (too slow) or `400` instead. The HTTP server closes such a
//! connection anyway (its body was not read to its end).

use rouille::Request;

use crate::error::AppError;

/// The error to answer for a failed handler: the body's fault if reading it failed.
pub fn blame(req: &Request, e: AppError) -> AppError {
    match req.body_read_error() {
        None => e,
        Some(kind) => {
            // ids only in logs: the kind, not the handler's detail (which may name a file)
            log::info!("request body unreadable ({kind:?}): answered as the client's fault");
            if kind == std::io::ErrorKind::TimedOut {
                AppError::BodyTimeout
            } else {
                AppError::BadRequest("error_body_invalid")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_body_error_the_handler_error_stands() {
        let req = Request::fake_http("POST", "/x", vec![], b"abc".to_vec());
        let e = blame(&req, AppError::Internal("disk full".into()));
        assert_eq!(e.status(), 500);
    }
}
