//! Tests for the verdicts on DKIM, SPF and DMARC records.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

const WANT: &str = "v=DKIM1; k=rsa; p=MIIBIjANBgkqAQAB";

#[test]
fn dkim_matches_the_same_key_with_folding_and_default_kind() {
    assert_eq!(dkim_state(&s(&[WANT]), WANT), State::Matches);
    // Folding whitespace inside p=, tags reordered, k= omitted (rsa by default), and an
    // unrelated record beside it.
    let folded = "p=MIIBIjAN Bgkq\tAQAB ; v=DKIM1";
    assert_eq!(
        dkim_state(&s(&["google-site-verification=x", folded]), WANT),
        State::Matches
    );
}

#[test]
fn dkim_other_key_kind_or_revoked_is_a_mismatch() {
    let other = "v=DKIM1; k=rsa; p=MIIBIjANBgkqZZZZ";
    assert_eq!(dkim_state(&s(&[other]), WANT), State::Mismatch);
    let ed = "v=DKIM1; k=ed25519; p=MIIBIjANBgkqAQAB";
    assert_eq!(dkim_state(&s(&[ed]), WANT), State::Mismatch);
    assert_eq!(dkim_state(&s(&["v=DKIM1; p="]), WANT), State::Mismatch);
    assert_eq!(dkim_state(&s(&["unrelated text"]), WANT), State::Missing);
    assert_eq!(dkim_state(&[], WANT), State::Missing);
}

#[test]
fn spf_one_record_several_or_none() {
    let spf = |r: &[&str]| policy_state(&s(r), "v=spf1", true);
    assert_eq!(
        spf(&["v=DMARC1; p=none", "V=SPF1 mx -all", "v=spf10 nope"]),
        State::Found("V=SPF1 mx -all".into())
    );
    assert_eq!(spf(&["v=spf1 mx -all", "v=spf1 a -all"]), State::Several);
    assert_eq!(spf(&["verification=1"]), State::Missing);
}

#[test]
fn dmarc_record_and_its_policy_tag() {
    let found = policy_state(
        &s(&["v=DMARC1; p=Quarantine; rua=mailto:a@b.example"]),
        "v=DMARC1",
        false,
    );
    let State::Found(text) = found else {
        panic!("not found")
    };
    let p = tags(&text).into_iter().find(|(k, _)| k == "p").unwrap().1;
    assert_eq!(p, "Quarantine");
    assert_eq!(policy_state(&[], "v=DMARC1", false), State::Missing);
}
