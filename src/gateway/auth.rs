//! SASL PLAIN (RFC 4616) and LOGIN: the base64 answers of AUTH, decoded to the address and
//! the app password.

use data_encoding::BASE64;

fn b64(s: &str) -> Option<String> {
    let bytes = BASE64.decode(s.trim().as_bytes()).ok()?;
    String::from_utf8(bytes).ok()
}

/// `authzid NUL authcid NUL password`: the address is authcid (authzid, if any, must be
/// the same person, so it is ignored unless it differs).
pub fn plain(answer: &str) -> Option<(String, String)> {
    let s = b64(answer)?;
    let mut it = s.split('\0');
    let (authz, user, pass) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || user.is_empty() || pass.is_empty() {
        return None;
    }
    if !authz.is_empty() && !authz.eq_ignore_ascii_case(user) {
        return None;
    }
    Some((user.to_owned(), pass.to_owned()))
}

pub fn login(user: &str, pass: &str) -> Option<(String, String)> {
    let (u, p) = (b64(user)?, b64(pass)?);
    (!u.is_empty() && !p.is_empty()).then_some((u, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_login_answers() {
        let a = BASE64.encode(b"\0jean@x.fr\0secret");
        assert_eq!(plain(&a), Some(("jean@x.fr".into(), "secret".into())));
        assert_eq!(plain(&BASE64.encode(b"other@x.fr\0jean@x.fr\0s")), None);
        assert_eq!(plain("!!"), None);
        assert_eq!(
            login(&BASE64.encode(b"jean@x.fr"), &BASE64.encode(b"pw")),
            Some(("jean@x.fr".into(), "pw".into()))
        );
        assert_eq!(login("", &BASE64.encode(b"pw")), None);
    }
}
