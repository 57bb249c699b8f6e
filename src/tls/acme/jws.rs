//! The ACME account key and the JSON Web Signatures of every request (RFC 8555 §6.2,
//! RFC 7515 flattened JSON, ES256 by ring).
//!
//! Until the account exists a request carries the public key (`jwk`); afterwards the
//! account URL (`kid`). The JWK thumbprint (RFC 7638) makes the key authorizations of the
//! challenges (`token.thumbprint`).

use data_encoding::BASE64URL_NOPAD as B64;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use crate::tls::acme::AcmeError;

/// An ECDSA P-256 account key and its PKCS#8 form (kept sealed on disk).
pub struct AccountKey {
    pair: EcdsaKeyPair,
    pkcs8: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountKey(***)")
    }
}

/// Who signs a request: the key itself (account creation) or the account URL.
#[derive(Debug, Clone, Copy)]
pub enum Signer<'a> {
    Jwk,
    Kid(&'a str),
}

impl AccountKey {
    pub fn generate() -> Result<AccountKey, AcmeError> {
        let doc =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .map_err(|_| AcmeError::Crypto)?;
        AccountKey::from_pkcs8(doc.as_ref())
    }

    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<AccountKey, AcmeError> {
        let pair = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8,
            &SystemRandom::new(),
        )
        .map_err(|_| AcmeError::Crypto)?;
        Ok(AccountKey {
            pair,
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
        })
    }

    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// `x` and `y`, base64url: the uncompressed point is `04 | x (32) | y (32)`.
    fn coordinates(&self) -> (String, String) {
        let point = self.pair.public_key().as_ref();
        let (x, y) = point
            .get(1..)
            .unwrap_or_default()
            .split_at(point.len().saturating_sub(1) / 2);
        (B64.encode(x), B64.encode(y))
    }

    pub fn jwk(&self) -> Value {
        let (x, y) = self.coordinates();
        json!({"crv": "P-256", "kty": "EC", "x": x, "y": y})
    }

    /// RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace.
    pub fn thumbprint(&self) -> String {
        let (x, y) = self.coordinates();
        let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
        B64.encode(&crate::crypto::sha256(canonical.as_bytes()))
    }

    /// The key authorization of a challenge token (RFC 8555 §8.1).
    pub fn key_authorization(&self, token: &str) -> String {
        format!("{token}.{}", self.thumbprint())
    }

    /// The flattened JWS body of a POST to `url`; `payload` `None` is a POST-as-GET (empty
    /// payload, RFC 8555 §6.3).
    pub fn sign(
        &self,
        url: &str,
        nonce: &str,
        signer: Signer<'_>,
        payload: Option<&Value>,
    ) -> Result<Vec<u8>, AcmeError> {
        let mut protected = json!({"alg": "ES256", "nonce": nonce, "url": url});
        match signer {
            Signer::Jwk => protected["jwk"] = self.jwk(),
            Signer::Kid(kid) => protected["kid"] = Value::from(kid),
        }
        let protected = B64.encode(protected.to_string().as_bytes());
        let payload = match payload {
            Some(p) => B64.encode(p.to_string().as_bytes()),
            None => String::new(),
        };
        let input = format!("{protected}.{payload}");
        let sig = self
            .pair
            .sign(&SystemRandom::new(), input.as_bytes())
            .map_err(|_| AcmeError::Crypto)?;
        let body = json!({"protected": protected, "payload": payload, "signature": B64.encode(sig.as_ref())});
        Ok(body.to_string().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

    fn decode(s: &str) -> Vec<u8> {
        B64.decode(s.as_bytes()).unwrap()
    }

    #[test]
    fn a_signature_verifies_with_the_jwk_and_names_url_and_nonce() {
        let key = AccountKey::generate().unwrap();
        let payload = json!({"termsOfServiceAgreed": true});
        let body = key
            .sign("https://ca/new-acct", "n0nce", Signer::Jwk, Some(&payload))
            .unwrap();
        let jws: Value = serde_json::from_slice(&body).unwrap();
        let protected: Value =
            serde_json::from_slice(&decode(jws["protected"].as_str().unwrap())).unwrap();
        assert_eq!(protected["alg"], "ES256");
        assert_eq!(protected["url"], "https://ca/new-acct");
        assert_eq!(protected["nonce"], "n0nce");
        assert!(protected.get("kid").is_none());
        // The public key is rebuilt from the JWK, as the server does.
        let mut point = vec![4u8];
        point.extend(decode(protected["jwk"]["x"].as_str().unwrap()));
        point.extend(decode(protected["jwk"]["y"].as_str().unwrap()));
        let input = format!(
            "{}.{}",
            jws["protected"].as_str().unwrap(),
            jws["payload"].as_str().unwrap()
        );
        let sig = decode(jws["signature"].as_str().unwrap());
        assert_eq!(sig.len(), 64, "JWS ES256 is r|s, not DER");
        let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point);
        public.verify(input.as_bytes(), &sig).unwrap();
        assert!(public.verify(b"other", &sig).is_err());
        let sent: Value =
            serde_json::from_slice(&decode(jws["payload"].as_str().unwrap())).unwrap();
        assert_eq!(sent, payload);
    }

    #[test]
    fn kid_after_account_creation_and_empty_payload_for_post_as_get() {
        let key = AccountKey::generate().unwrap();
        let body = key
            .sign(
                "https://ca/order/1",
                "n",
                Signer::Kid("https://ca/acct/7"),
                None,
            )
            .unwrap();
        let jws: Value = serde_json::from_slice(&body).unwrap();
        let protected: Value =
            serde_json::from_slice(&decode(jws["protected"].as_str().unwrap())).unwrap();
        assert_eq!(protected["kid"], "https://ca/acct/7");
        assert!(protected.get("jwk").is_none());
        assert_eq!(jws["payload"], "");
    }

    #[test]
    fn thumbprint_is_rfc7638_and_survives_a_reload() {
        let key = AccountKey::generate().unwrap();
        let again = AccountKey::from_pkcs8(key.pkcs8()).unwrap();
        assert_eq!(key.thumbprint(), again.thumbprint());
        // The thumbprint of the JWK as serde orders it (alphabetically: the same members).
        let jwk = key.jwk().to_string();
        assert_eq!(
            key.thumbprint(),
            B64.encode(&crate::crypto::sha256(jwk.as_bytes()))
        );
        assert_eq!(key.thumbprint().len(), 43);
        assert_eq!(
            key.key_authorization("tok"),
            format!("tok.{}", key.thumbprint())
        );
        assert!(AccountKey::from_pkcs8(b"not a key").is_err());
    }
}
