//! TXT lookups (DKIM keys, SPF and DMARC policies) with the resolver of [`super::resolve`].
//!
//! # Overview
//!
//! [`Resolver::lookup_txt`] asks the nameservers of the resolver for the TXT records of one
//! fully qualified name: same transport as the address lookups (random query ids, UDP, TCP
//! when the reply is truncated, id and question checked), no search domains (the names asked
//! are always complete, e.g. `hc1._domainkey.cabinet.example`). Each record comes back as
//! one string: its character-strings joined without separator, as DKIM (RFC 6376 §3.6.2.2)
//! and SPF (RFC 7208 §3.3) read them. CNAMEs within the answer section are followed.

use hickory_proto::op::Message;
use hickory_proto::rr::{Name, RData, RecordType};

use super::resolve::{MAX_CNAME_HOPS, ResolveError, Resolver, valid_name};

impl Resolver {
    /// The TXT records of `name` (a full name, trailing dot optional). An empty list when
    /// the name does not exist or has no TXT record; an error when no server gave an answer.
    pub fn lookup_txt(&self, name: &str) -> Result<Vec<String>, ResolveError> {
        let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
        if !valid_name(&name) {
            return Err(ResolveError::InvalidName);
        }
        let qname = Name::from_ascii(format!("{name}.")).map_err(|_| ResolveError::InvalidName)?;
        Ok(match self.query_reply(&qname, RecordType::TXT)? {
            Some(reply) => txt_records(&reply, &qname),
            None => Vec::new(),
        })
    }
}

/// The TXT records for `qname` in `reply`, each joined into one string (bytes that are not
/// UTF-8 are replaced: the records read here are ASCII by their RFCs).
pub(super) fn txt_records(reply: &Message, qname: &Name) -> Vec<String> {
    let mut target = qname.clone();
    for _ in 0..=MAX_CNAME_HOPS {
        let mut found = Vec::new();
        let mut next = None;
        for record in reply.answers().iter().filter(|r| r.name() == &target) {
            match record.data() {
                RData::TXT(txt) => {
                    let joined: Vec<u8> = txt
                        .txt_data()
                        .iter()
                        .flat_map(|s| s.iter())
                        .copied()
                        .collect();
                    found.push(String::from_utf8_lossy(&joined).into_owned());
                }
                RData::CNAME(c) => next = Some(c.0.clone()),
                _ => {}
            }
        }
        match next {
            _ if !found.is_empty() => return found,
            Some(n) => target = n,
            None => break,
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests;
