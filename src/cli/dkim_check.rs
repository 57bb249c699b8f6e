//! `huisclos dkim check`: prints what the DNS says of the sending domain (DKIM key, SPF,
//! DMARC) and the records to publish; exits with failure unless the DKIM record matches.

use std::time::Duration;

use crate::config::Config;
use crate::mail::dns_check::{self, State};

/// Runs the check with the resolver of [`dns_check::resolver`], or with `nameserver` (`IP` or `IP:PORT`,
/// e.g. the domain's own server, to see a record before caches expire).
pub(super) fn run(config: &Config, nameserver: Option<&str>) -> Result<(), String> {
    let mut resolver = dns_check::resolver(config, Duration::from_secs(3));
    if let Some(ns) = nameserver {
        let addr = crate::config::parse_dns_server(ns).ok_or_else(|| {
            "--nameserver must be an IP address, optionally with :PORT".to_owned()
        })?;
        resolver = resolver.with_nameservers(vec![addr]);
    }
    let report = dns_check::check(config, &resolver)?;
    for line in lines(&report) {
        println!("{line}");
    }
    match report.dkim {
        State::Matches => Ok(()),
        State::NotConfigured => Err(
            "no DKIM key is configured: run `huisclos dkim generate --selector NAME`, then set [mail] dkim_selector and dkim_key_file".into(),
        ),
        State::Unchecked => Err(
            "the DKIM record could not be checked: no DNS server answered; check the nameserver lines of /etc/resolv.conf or give --nameserver".into(),
        ),
        _ => Err("the DKIM record does not hold the configured key: publish the record printed above".into()),
    }
}

/// The report in plain sentences, each followed by the record to add when one is needed.
fn lines(r: &dns_check::Report) -> Vec<String> {
    let unchecked = "could not be checked (no DNS server answered in time)";
    let mut out = Vec::new();
    let publish = r.dkim_record.clone().unwrap_or_default();
    out.push(match &r.dkim {
        State::Matches => format!(
            "DKIM {}: the published key matches the configured key.",
            r.dkim_name
        ),
        State::Missing => format!(
            "DKIM {}: no key is published. Publish:\n  {publish}",
            r.dkim_name
        ),
        State::NotConfigured => "DKIM: not configured (no [mail] dkim_selector).".into(),
        State::Unchecked => format!("DKIM {}: {unchecked}.", r.dkim_name),
        _ => format!(
            "DKIM {}: the published key is not the configured one. Replace it with:\n  {publish}",
            r.dkim_name
        ),
    });
    out.push(match &r.spf {
        State::Found(text) => format!("SPF {}: {text}", r.spf_name),
        State::Several => format!(
            "SPF {}: several v=spf1 records, which receivers reject; keep only one.",
            r.spf_name
        ),
        State::Unchecked => format!("SPF {}: {unchecked}.", r.spf_name),
        _ => format!(
            "SPF {}: no record. Add one naming your relay (your provider may give an include:), for example:\n  {}",
            r.spf_name, r.spf_record
        ),
    });
    out.push(match (&r.dmarc, &r.dmarc_policy) {
        (State::Found(text), Some(p)) => format!("DMARC {}: policy {p} ({text})", r.dmarc_name),
        (State::Found(text), None) => format!("DMARC {}: no policy tag ({text})", r.dmarc_name),
        (State::Unchecked, _) => format!("DMARC {}: {unchecked}.", r.dmarc_name),
        _ => format!(
            "DMARC {}: no record. Add, for example:\n  {}",
            r.dmarc_name, r.dmarc_record
        ),
    });
    out
}
