//! Whether the sending domain's DNS is ready for the mail the box sends: DKIM, SPF, DMARC.
//!
//! # Overview
//!
//! [`check`] reads three TXT names with the box's own resolver ([`crate::net::txt`]), in
//! parallel so that a slow DNS costs one timeout, not three:
//!
//! - `SELECTOR._domainkey.DKIM-DOMAIN`: does a published key (`p=`, and `k=`, `rsa` when
//!   absent, RFC 6376 §3.6.1) equal the key of `[mail] dkim_key_file`? When not, the record to
//!   publish is the one `huisclos dkim generate` printed ([`super::dkim::zone_record`]).
//! - `FROM-DOMAIN` TXT `v=spf1` (RFC 7208): one record is needed; two make receivers reject
//!   SPF altogether (permerror), so that case is told apart.
//! - `_dmarc.FROM-DOMAIN` TXT `v=DMARC1` (RFC 7489), with its `p=` policy.
//!
//! A lookup that got no answer is `Unchecked`, never a verdict: a missing record is only
//! reported when a server said so. The report holds public DNS data and names of the firm's
//! own domain only; it is shown to the admin and printed by `huisclos dkim check`.

use serde::Serialize;

use crate::config::Config;
use crate::net::resolve::Resolver;

/// What the DNS says of one record. Serialized in snake case for the templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "text")]
pub enum State {
    /// DKIM: a published key equals the configured one.
    Matches,
    /// DKIM: records exist, none holds the configured key (or `k=` differs).
    Mismatch,
    /// SPF/DMARC: the record found (public text, shown as is).
    Found(String),
    /// SPF: several `v=spf1` records, which receivers treat as an error.
    Several,
    /// No such record (the server answered).
    Missing,
    /// DKIM: `[mail] dkim_selector` is not set.
    NotConfigured,
    /// No server answered in time, or the answer was unusable.
    Unchecked,
}

/// The three verdicts, with the names asked and the records to publish when missing.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub dkim_name: String,
    pub dkim: State,
    /// The zone-file line to publish (the configured key), when DKIM is configured.
    pub dkim_record: Option<String>,
    pub spf_name: String,
    pub spf: State,
    pub spf_record: String,
    pub dmarc_name: String,
    pub dmarc: State,
    pub dmarc_record: String,
    /// DMARC's `p=` policy (`none`, `quarantine`, `reject`) when a record was found.
    pub dmarc_policy: Option<String>,
}

/// The resolver of the check: the box's (`/etc/resolv.conf`), or `[mail] dns_check_server`
/// when set, waiting `per_try` for each answer.
pub fn resolver(config: &Config, per_try: std::time::Duration) -> Resolver {
    let system = Resolver::from_system().with_timeout(per_try);
    match config.mail.dns_check_server_addr() {
        Some(server) => system.with_nameservers(vec![server]),
        None => system,
    }
}

/// Checks the DNS of the sending domain of `config` with `resolver`. Fails only when the
/// configuration cannot say what to expect (no sender address, unreadable DKIM key).
pub fn check(config: &Config, resolver: &Resolver) -> Result<Report, String> {
    let from_domain = super::deliver::from_mailbox(config)?
        .email
        .domain()
        .to_ascii_lowercase();
    let m = &config.mail;
    let dkim_domain = if m.dkim_domain.is_empty() {
        from_domain.clone()
    } else {
        m.dkim_domain.to_ascii_lowercase()
    };
    let expected = if m.dkim_selector.is_empty() {
        None
    } else {
        let signer = super::dkim::DkimSigner::from_pem_file(
            &m.dkim_key_file,
            &m.dkim_selector,
            &dkim_domain,
        )
        .map_err(|e| e.to_string())?;
        Some(signer.dns_txt_value().to_owned())
    };
    let selector = if m.dkim_selector.is_empty() {
        "SELECTOR"
    } else {
        &m.dkim_selector
    };
    let dkim_name = format!("{}._domainkey.{dkim_domain}", selector.to_ascii_lowercase());
    let dmarc_name = format!("_dmarc.{from_domain}");
    let ask = |name: &str| {
        resolver.lookup_txt(name).map_err(|e| {
            log::info!("dns check: a TXT lookup failed: {e}");
        })
    };
    let (dkim_txt, spf_txt, dmarc_txt) = std::thread::scope(|s| {
        let dkim = expected.as_ref().map(|_| s.spawn(|| ask(&dkim_name)));
        let spf = s.spawn(|| ask(&from_domain));
        let dmarc = s.spawn(|| ask(&dmarc_name));
        let join = |h: std::thread::ScopedJoinHandle<'_, Result<Vec<String>, ()>>| {
            h.join().unwrap_or(Err(()))
        };
        (dkim.map(join), join(spf), join(dmarc))
    });
    let dkim = match (&expected, dkim_txt) {
        (None, _) | (_, None) => State::NotConfigured,
        (Some(_), Some(Err(()))) => State::Unchecked,
        (Some(want), Some(Ok(records))) => dkim_state(&records, want),
    };
    let spf = match spf_txt {
        Err(()) => State::Unchecked,
        Ok(records) => policy_state(&records, "v=spf1", true),
    };
    let dmarc = match dmarc_txt {
        Err(()) => State::Unchecked,
        Ok(records) => policy_state(&records, "v=DMARC1", false),
    };
    let dmarc_policy = match &dmarc {
        State::Found(text) => tags(text)
            .into_iter()
            .find(|(k, _)| k == "p")
            .map(|(_, v)| v.to_ascii_lowercase()),
        _ => None,
    };
    let relay = config.smtp.host.trim();
    let spf_mechanisms = if relay.is_empty() || relay.parse::<std::net::IpAddr>().is_ok() {
        "mx".to_owned()
    } else {
        format!("mx a:{relay}")
    };
    Ok(Report {
        dkim_record: expected.map(|v| super::dkim::zone_record(&format!("{dkim_name}."), &v)),
        dkim_name,
        dkim,
        spf_record: format!("{from_domain}. IN TXT \"v=spf1 {spf_mechanisms} ~all\""),
        spf_name: from_domain.clone(),
        spf,
        dmarc_record: format!(
            "{dmarc_name}. IN TXT \"v=DMARC1; p=none; rua=mailto:postmaster@{from_domain}\""
        ),
        dmarc_name,
        dmarc,
        dmarc_policy,
    })
}

/// DKIM verdict for the TXT `records` at the selector's name, given the configured value
/// `want` (`v=DKIM1; k=…; p=…`): a record matches when its `p=` (whitespace removed, as
/// folding allows) and its `k=` (default `rsa`) equal ours.
pub fn dkim_state(records: &[String], want: &str) -> State {
    let key = |text: &str| {
        let tags = tags(text);
        let get = |name: &str| tags.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let p = get("p")?;
        let k = get("k")
            .unwrap_or_else(|| "rsa".into())
            .to_ascii_lowercase();
        Some((k, p))
    };
    let Some(want) = key(want) else {
        return State::Mismatch;
    };
    let keys: Vec<_> = records.iter().filter_map(|r| key(r)).collect();
    if keys.contains(&want) {
        State::Matches
    } else if keys.is_empty() {
        State::Missing
    } else {
        State::Mismatch
    }
}

/// SPF or DMARC verdict: the records whose first tag is `version` (case-insensitive).
/// `one_only`: several such records are an error for receivers (SPF); for DMARC the first
/// one is shown.
fn policy_state(records: &[String], version: &str, one_only: bool) -> State {
    let mine: Vec<&String> = records
        .iter()
        .filter(|r| {
            let head = r.trim_start().split([';', ' ']).next().unwrap_or_default();
            head.eq_ignore_ascii_case(version)
        })
        .collect();
    match mine.as_slice() {
        [] => State::Missing,
        [one] => State::Found(one.trim().to_owned()),
        [..] if one_only => State::Several,
        [first, ..] => State::Found(first.trim().to_owned()),
    }
}

/// `tag=value` pairs of a DKIM or DMARC tag list, names lower-cased, whitespace removed
/// from values (RFC 6376 §3.2 allows folding whitespace inside base64).
fn tags(text: &str) -> Vec<(String, String)> {
    text.split(';')
        .filter_map(|t| t.split_once('='))
        .map(|(k, v)| {
            let v: String = v.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            (k.trim().to_ascii_lowercase(), v)
        })
        .collect()
}

#[cfg(test)]
mod tests;
