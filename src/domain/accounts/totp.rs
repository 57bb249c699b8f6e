//! TOTP second factor (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits) and recovery codes.

use ring::hmac;

const STEP: u64 = 30;
const DIGITS: u32 = 6;

/// A new secret: 20 random bytes, in base32 as authenticator apps expect.
pub fn new_secret() -> String {
    data_encoding::BASE32_NOPAD.encode(&crate::ids::random::<20>())
}

/// The code of `secret` at Unix time `t`.
pub fn code_at(secret: &str, t: u64) -> Option<String> {
    let key = data_encoding::BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    let k = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &key);
    let tag = hmac::sign(&k, &(t / STEP).to_be_bytes());
    let h = tag.as_ref();
    let off = (h[h.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    Some(format!(
        "{:0width$}",
        bin % 10u32.pow(DIGITS),
        width = DIGITS as usize
    ))
}

/// Whether `code` is valid for `secret` now, allowing one step of clock drift each way.
pub fn verify(secret: &str, code: &str, now: u64) -> bool {
    matching_step(secret, code, now).is_some()
}

/// The time step whose code `code` is (now, or one step before or after). A code must be
/// accepted once only: callers keep the last step used and refuse any step not after it
/// (RFC 6238, section 5.2).
pub fn matching_step(secret: &str, code: &str, now: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize {
        return None;
    }
    [now.saturating_sub(STEP), now, now + STEP]
        .into_iter()
        .find_map(|t| {
            let c = code_at(secret, t)?;
            crate::crypto::ct_eq(c.as_bytes(), code.as_bytes()).then_some(t / STEP)
        })
}

/// The `otpauth://` URI an authenticator app reads (from a QR code or by hand).
pub fn uri(secret: &str, issuer: &str, account: &str) -> String {
    let enc = |s: &str| {
        form_urlencoded::byte_serialize(s.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// Ten recovery codes (`xxxx-xxxx-xxxx`), and their hashes to store.
pub fn recovery_codes() -> (Vec<String>, Vec<String>) {
    let alphabet = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut codes = Vec::new();
    let mut hashes = Vec::new();
    for _ in 0..10 {
        let raw = crate::ids::random::<12>();
        let chars: String = raw
            .iter()
            .map(|b| alphabet[*b as usize % alphabet.len()] as char)
            .collect();
        let code = format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..]);
        hashes.push(hash_recovery(&code));
        codes.push(code);
    }
    (codes, hashes)
}

pub fn hash_recovery(code: &str) -> String {
    let norm: String = code
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| *c != ' ')
        .collect();
    data_encoding::HEXLOWER.encode(&crate::crypto::sha256(norm.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, secret "12345678901234567890", last 6 digits.
        let secret = data_encoding::BASE32_NOPAD.encode(b"12345678901234567890");
        for (t, code) in [
            (59, "287082"),
            (1111111109, "081804"),
            (1234567890, "005924"),
            (2000000000, "279037"),
        ] {
            assert_eq!(code_at(&secret, t).unwrap(), code, "t={t}");
        }
    }

    #[test]
    fn verify_allows_one_step_of_drift_only() {
        let s = new_secret();
        let now = 1_800_000_000;
        assert!(verify(&s, &code_at(&s, now).unwrap(), now));
        assert!(verify(&s, &code_at(&s, now - 30).unwrap(), now));
        assert!(!verify(&s, &code_at(&s, now - 90).unwrap(), now));
        assert!(!verify(&s, "12345", now));
    }

    #[test]
    fn recovery_codes_are_distinct_and_hashed() {
        let (codes, hashes) = recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut u = codes.clone();
        u.sort();
        u.dedup();
        assert_eq!(u.len(), 10);
        assert_eq!(hash_recovery(&codes[0].to_uppercase()), hashes[0]);
        assert!(
            uri("ABC", "Cabinet X", "a@b.fr")
                .starts_with("otpauth://totp/Cabinet%20X:a%40b.fr?secret=ABC")
        );
    }
}
