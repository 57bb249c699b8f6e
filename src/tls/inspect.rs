//! What a certificate on disk says, as far as renewing it needs: its validity and the names
//! of its Subject Alternative Name extension (RFC 5280 §4.1 and §4.2.1.6), read with the
//! `der` crate. Anything else in it is skipped.

use std::net::IpAddr;

use der::asn1::{GeneralizedTime, ObjectIdentifier, OctetStringRef, UtcTime};
use der::{Decode, Header, Reader, SliceReader, Tag, TagNumber};

use super::validity::Validity;

/// id-ce-subjectAltName.
const SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    pub validity: Validity,
    /// DNS names (lower-cased) and IP addresses (as `IpAddr` prints them).
    pub names: Vec<String>,
}

fn context(number: TagNumber, constructed: bool) -> Tag {
    Tag::ContextSpecific {
        constructed,
        number,
    }
}

/// Reads the DER certificate `cert`.
pub fn inspect(cert: &[u8]) -> der::Result<Inspected> {
    let mut reader = SliceReader::new(cert)?;
    let inspected = reader.sequence(|certificate| {
        let inspected = certificate.sequence(|tbs| {
            if tbs.peek_tag()? == context(TagNumber::N0, true) {
                tbs.tlv_bytes()?; // version
            }
            for _serial_signature_issuer in 0..3 {
                tbs.tlv_bytes()?;
            }
            let validity = tbs.sequence(|v| {
                Ok(Validity {
                    not_before: unix_time(v)?,
                    not_after: unix_time(v)?,
                })
            })?;
            let mut names = Vec::new();
            while !tbs.is_finished() {
                // subject, subjectPublicKeyInfo, unique ids: skipped; [3] extensions: read.
                if tbs.peek_tag()? != context(TagNumber::N3, true) {
                    tbs.tlv_bytes()?;
                    continue;
                }
                let header = Header::decode(tbs)?;
                names = tbs.read_nested(header.length, |explicit| {
                    explicit.sequence(alt_names_of_extensions)
                })?;
            }
            Ok(Inspected { validity, names })
        })?;
        skip_rest(certificate)?;
        Ok(inspected)
    })?;
    reader.finish(inspected)
}

/// The alternative names in a sequence of `Extension`s (none if it has no such extension).
fn alt_names_of_extensions<'a, R: Reader<'a>>(extensions: &mut R) -> der::Result<Vec<String>> {
    let mut names = Vec::new();
    while !extensions.is_finished() {
        extensions.sequence(|ext| {
            let id = ObjectIdentifier::decode(ext)?;
            if ext.peek_tag()? == Tag::Boolean {
                bool::decode(ext)?; // critical
            }
            let value = OctetStringRef::decode(ext)?;
            if id == SUBJECT_ALT_NAME {
                names = general_names(value.as_bytes())?;
            }
            Ok(())
        })?;
    }
    Ok(names)
}

/// The `dNSName` ([2]) and `iPAddress` ([7]) entries of a `GeneralNames`.
fn general_names(der: &[u8]) -> der::Result<Vec<String>> {
    let mut reader = SliceReader::new(der)?;
    let names = reader.sequence(|seq| {
        let mut names = Vec::new();
        while !seq.is_finished() {
            let header = Header::decode(seq)?;
            let body = seq.read_slice(header.length)?;
            if header.tag == context(TagNumber::N2, false) {
                names.push(String::from_utf8_lossy(body).to_ascii_lowercase());
            } else if header.tag == context(TagNumber::N7, false) {
                let ip = match body.len() {
                    4 => <[u8; 4]>::try_from(body).ok().map(IpAddr::from),
                    16 => <[u8; 16]>::try_from(body).ok().map(IpAddr::from),
                    _ => None,
                };
                names.extend(ip.map(|ip| ip.to_string()));
            }
        }
        Ok(names)
    })?;
    reader.finish(names)
}

fn skip_rest<'a, R: Reader<'a>>(r: &mut R) -> der::Result<()> {
    while !r.is_finished() {
        r.tlv_bytes()?;
    }
    Ok(())
}

/// A `Time` (UTCTime before 2050, GeneralizedTime from then on) in Unix seconds.
fn unix_time<'a, R: Reader<'a>>(r: &mut R) -> der::Result<i64> {
    let since_epoch = if r.peek_tag()? == Tag::UtcTime {
        UtcTime::decode(r)?.to_unix_duration()
    } else {
        GeneralizedTime::decode(r)?.to_unix_duration()
    };
    i64::try_from(since_epoch.as_secs()).map_err(|_| der::ErrorKind::Overflow.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600; // 2026-01-01

    #[test]
    fn validity_and_names_read_from_der() {
        let key = rcgen::KeyPair::generate().unwrap();
        let names = vec![
            "Extranet.Cabinet.test".to_owned(),
            "localhost".to_owned(),
            "192.0.2.2".to_owned(),
            "2001:db8::1".to_owned(),
        ];
        let mut params = rcgen::CertificateParams::new(names).unwrap();
        params.not_before = time::OffsetDateTime::from_unix_timestamp(NOW).unwrap();
        params.not_after = time::OffsetDateTime::from_unix_timestamp(NOW + 1000).unwrap();
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.self_signed(&key).unwrap();
        assert_eq!(
            inspect(cert.der()).unwrap(),
            Inspected {
                validity: Validity {
                    not_before: NOW,
                    not_after: NOW + 1000
                },
                names: vec![
                    "extranet.cabinet.test".into(),
                    "localhost".into(),
                    "192.0.2.2".into(),
                    "2001:db8::1".into()
                ],
            }
        );
        assert!(inspect(&cert.der()[..40]).is_err());
        assert!(inspect(b"not a certificate").is_err());
    }

    #[test]
    fn a_certificate_of_an_older_version() {
        // rcgen's defaults: valid 1975–4096 (GeneralizedTime after 2049).
        let legacy = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let found = inspect(legacy.cert.der()).unwrap();
        assert_eq!(found.validity.not_before, 157_766_400); // 1975-01-01
        assert!(found.validity.not_after > 66_000_000_000, "{found:?}");
        assert_eq!(found.names, ["localhost"]);
    }
}
