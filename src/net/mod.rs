//! Network helpers for Huis Clos that must work in a fully static binary.
//!
//! [`resolve`] looks host names up without glibc's resolver (whose NSS
//! modules cannot be loaded from a static binary); [`query_id`] draws its DNS query ids;
//! [`txt`] asks the same resolver for TXT records (DKIM, SPF, DMARC).

pub mod query_id;
pub mod resolve;
pub mod txt;
