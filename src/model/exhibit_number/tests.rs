//! The numbering rules of exhibits (see [`super`]).

use super::*;

fn n(s: &str) -> Num {
    Num::parse(s).unwrap()
}

/// A party's exhibits from `"1 2* 3"` (a star: communicated), keyed by their label.
fn party(spec: &str) -> Vec<(String, Num, bool)> {
    spec.split_whitespace()
        .map(|t| {
            let frozen = t.ends_with('*');
            let label = t.trim_end_matches('*').replace('_', " ");
            (label.clone(), n(&label), frozen)
        })
        .collect()
}

/// Applies a result to the party (new keys are added, not frozen) and shows it as
/// `"key=number"` in number order.
fn show(result: &[(String, Num)]) -> String {
    let mut v: Vec<&(String, Num)> = result.iter().collect();
    v.sort_by_key(|(_, num)| *num);
    v.iter()
        .map(|(k, num)| format!("{k}={}", num.text()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn apply(items: &mut Vec<(String, Num, bool)>, result: &[(String, Num)]) {
    items.retain(|(k, _, _)| result.iter().any(|(r, _)| r == k));
    for (k, num) in result {
        match items.iter_mut().find(|(ik, _, _)| ik == k) {
            Some(i) => i.1 = *num,
            None => items.push((k.clone(), *num, false)),
        }
    }
}

fn freeze(items: &mut [(String, Num, bool)], keys: &[&str]) {
    for i in items.iter_mut() {
        if keys.contains(&i.0.as_str()) {
            i.2 = true;
        }
    }
}

#[test]
fn numbers_read_and_write_with_latin_suffixes_and_prefixes() {
    assert_eq!(Num::plain(12).text(), "12");
    assert_eq!(n("12 bis").text(), "12 bis");
    assert_eq!(n("12BIS"), n("12 bis"));
    assert_eq!(n("3 ter").suffix, 2);
    assert_eq!(n("3 quater").text(), "3 quater");
    assert_eq!(n("7 vicies").suffix, MAX_SUFFIX);
    for bad in ["", "0", "bis", "12 bisx", "-3", "12 centies"] {
        assert_eq!(Num::parse(bad), None, "{bad}");
    }
    assert_eq!(n("12 bis").label("D"), "D-12 bis");
    assert_eq!(n("3").label("R"), "R-3");
    assert_eq!(n("3").label(""), "3");
    assert!(n("12") < n("12 bis") && n("12 bis") < n("12 ter") && n("12 vicies") < n("13"));
}

#[test]
fn appending_takes_the_next_number() {
    let mut p = Vec::new();
    for k in ["a", "b", "c"] {
        let r = insert(&p, k.to_owned(), Place::End);
        apply(&mut p, &r);
    }
    assert_eq!(show(&insert(&p, "d".into(), Place::End)), "a=1 b=2 c=3 d=4");
    // After a suffixed exhibit too.
    let p = party("1* 1_bis*");
    assert_eq!(
        show(&insert(&p, "x".into(), Place::End)),
        "1=1 1 bis=1 bis x=2"
    );
}

#[test]
fn before_communication_an_insertion_renumbers_the_later_exhibits() {
    let p = party("1 2 3");
    let r = insert(&p, "new".into(), Place::After(n("1")));
    assert_eq!(show(&r), "1=1 new=2 2=3 3=4");
    let r = insert(&p, "first".into(), Place::Start);
    assert_eq!(show(&r), "first=1 1=2 2=3 3=4");
}

#[test]
fn after_communication_an_insertion_takes_a_bis_and_never_moves_a_communicated_number() {
    let p = party("11* 12* 13*");
    let r = insert(&p, "x".into(), Place::After(n("12")));
    assert_eq!(show(&r), "11=11 12=12 x=12 bis 13=13");
    // A chain: a second insertion after 12 bis (frozen meanwhile) is 12 ter; one after 12
    // (12 bis frozen, no room between) goes after 12 bis, before 12 ter.
    let mut p = p;
    apply(&mut p, &r);
    freeze(&mut p, &["x"]);
    let r = insert(&p, "y".into(), Place::After(n("12 bis")));
    assert_eq!(show(&r), "11=11 12=12 x=12 bis y=12 ter 13=13");
    apply(&mut p, &r);
    let r = insert(&p, "z".into(), Place::After(n("12")));
    assert_eq!(show(&r), "11=11 12=12 x=12 bis z=12 ter y=12 quater 13=13");
    // Communicated numbers are identical in every result.
    for (k, num) in &r {
        if let Some((_, before, true)) = p.iter().find(|(pk, _, _)| pk == k) {
            assert_eq!(num, before, "{k} moved");
        }
    }
}

#[test]
fn an_insertion_uses_a_free_plain_number_before_a_suffix() {
    // 13 was removed before communication: the gap between 12 and 14 is a plain number.
    let p = party("12* 14*");
    assert_eq!(
        show(&insert(&p, "x".into(), Place::After(n("12")))),
        "12=12 x=13 14=14"
    );
    // Two insertions there: 13 and 13 bis.
    let mut p = p;
    let r = insert(&p, "x".into(), Place::After(n("12")));
    apply(&mut p, &r);
    let r = insert(&p, "y".into(), Place::After(n("13")));
    assert_eq!(show(&r), "12=12 x=13 y=13 bis 14=14");
    // Before "13 bis" (13 gone): 12 bis first, so that 13 still fits.
    let p = party("12* 13_bis*");
    let r = insert(&p, "x".into(), Place::After(n("12")));
    assert_eq!(show(&r), "12=12 x=13 13 bis=13 bis");
    let mut p2 = p.clone();
    apply(&mut p2, &r);
    let r = insert(&p2, "y".into(), Place::After(n("12")));
    assert_eq!(show(&r), "12=12 y=12 bis x=13 13 bis=13 bis");
}

#[test]
fn uncommunicated_exhibits_between_communicated_ones_are_renumbered_within_their_run() {
    // 1 and 4 communicated; 2 and 3 not: inserting after 1 needs three numbers in (1, 4).
    let p = party("1* 2 3 4* 5");
    let r = insert(&p, "x".into(), Place::After(n("1")));
    assert_eq!(show(&r), "1=1 x=2 2=3 3=3 bis 4=4 5=5");
    // At the start, with 1 communicated, there is no room before it: after 1 instead.
    let p = party("1* 2");
    let r = insert(&p, "x".into(), Place::Start);
    assert_eq!(show(&r), "1=1 x=2 2=3");
}

#[test]
fn a_full_bis_chain_sends_the_insertion_after_the_next_communicated_exhibit() {
    let mut spec = String::from("12*");
    for w in SUFFIXES {
        spec.push_str(&format!(" 12_{w}*"));
    }
    spec.push_str(" 13*");
    let p = party(&spec);
    let r = insert(&p, "x".into(), Place::After(n("12")));
    let x = r.iter().find(|(k, _)| k == "x").unwrap().1;
    assert_eq!(x, n("14"), "no room before 13: the next number after it");
}

#[test]
fn removing_an_uncommunicated_exhibit_closes_the_gap_among_the_uncommunicated_only() {
    let p = party("1 2 3 4");
    assert_eq!(show(&remove(&p, &"2".to_owned())), "1=1 3=2 4=3");
    let p = party("1* 2 3* 4 5");
    assert_eq!(show(&remove(&p, &"2".to_owned())), "1=1 3=3 4=4 5=5");
    assert_eq!(show(&remove(&p, &"4".to_owned())), "1=1 2=2 3=3 5=4");
    // Removing a bis keeps the others of the chain in order.
    let p = party("12* 12_bis 12_ter 13*");
    assert_eq!(
        show(&remove(&p, &"12 bis".to_owned())),
        "12=12 12 ter=12 bis 13=13"
    );
}

#[test]
fn moving_an_uncommunicated_exhibit_renumbers_around_it() {
    let p = party("1 2 3");
    assert_eq!(
        show(&move_to(&p, &"3".to_owned(), Place::Start)),
        "3=1 1=2 2=3"
    );
    let p = party("1* 2 3");
    assert_eq!(
        show(&move_to(&p, &"3".to_owned(), Place::After(n("1")))),
        "1=1 3=2 2=3"
    );
}

#[test]
fn every_sequence_of_operations_keeps_communicated_numbers_and_a_strict_order() {
    // A deterministic pseudo-random walk: insertions anywhere, removals and communications.
    let mut p: Vec<(String, Num, bool)> = Vec::new();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for step in 0..400 {
        let frozen_before: Vec<(String, Num)> = p
            .iter()
            .filter(|i| i.2)
            .map(|i| (i.0.clone(), i.1))
            .collect();
        let r = match next() % 5 {
            0 | 1 => {
                let place = match (next() % 3, p.is_empty()) {
                    (_, true) | (0, _) => Place::End,
                    (1, _) => Place::Start,
                    _ => Place::After(p[(next() % p.len() as u64) as usize].1),
                };
                insert(&p, format!("e{step}"), place)
            }
            2 => match p
                .iter()
                .filter(|i| !i.2)
                .nth(next() as usize % p.len().max(1))
            {
                Some(i) => remove(&p, &i.0.clone()),
                None => continue,
            },
            _ => {
                if let Some(i) = p.iter_mut().find(|i| !i.2) {
                    i.2 = true;
                }
                continue;
            }
        };
        apply(&mut p, &r);
        for (k, num) in &frozen_before {
            let now = p.iter().find(|i| &i.0 == k).unwrap().1;
            assert_eq!(now, *num, "step {step}: communicated {k} renumbered");
        }
        let mut nums: Vec<Num> = p.iter().map(|i| i.1).collect();
        nums.sort();
        nums.dedup();
        assert_eq!(nums.len(), p.len(), "step {step}: duplicate numbers");
        // Canonical: normalizing again changes nothing.
        let again = normalize(&sorted(&p)).unwrap();
        for (k, num) in again {
            assert_eq!(p.iter().find(|i| i.0 == k).unwrap().1, num);
        }
    }
}
