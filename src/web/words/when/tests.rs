use super::*;

fn at(s: &str) -> Timestamp {
    parse_instant(s).unwrap()
}

#[test]
fn a_moment_in_paris_reunion_and_martinique() {
    let t = at("2026-12-07T00:17:50Z");
    assert_eq!(
        moment(t, &zone("Europe/Paris"), "fr"),
        "7 déc. 2026 à 01:17"
    );
    assert_eq!(
        moment(t, &zone("Europe/Paris"), "en"),
        "7 Dec 2026 at 01:17"
    );
    // La Réunion is UTC+4 all year; Martinique UTC−4 all year (no summer time).
    assert_eq!(
        moment(t, &zone("Indian/Reunion"), "fr"),
        "7 déc. 2026 à 04:17"
    );
    assert_eq!(
        moment(t, &zone("America/Martinique"), "fr"),
        "6 déc. 2026 à 20:17"
    );
    let summer = at("2026-07-14T10:00:00Z");
    assert_eq!(
        moment(summer, &zone("Europe/Paris"), "fr"),
        "14 juil. 2026 à 12:00"
    );
    assert_eq!(
        moment(summer, &zone("Indian/Reunion"), "fr"),
        "14 juil. 2026 à 14:00"
    );
    assert_eq!(
        moment(summer, &zone("America/Martinique"), "fr"),
        "14 juil. 2026 à 06:00"
    );
}

#[test]
fn summer_time_edges_in_paris() {
    let paris = zone("Europe/Paris");
    // 29 March 2026: 01:00 UTC, clocks jump from 02:00 to 03:00.
    assert_eq!(
        moment(at("2026-03-29T00:59:00Z"), &paris, "fr"),
        "29 mars 2026 à 01:59"
    );
    assert_eq!(
        moment(at("2026-03-29T01:00:00Z"), &paris, "fr"),
        "29 mars 2026 à 03:00"
    );
    // 25 October 2026: 01:00 UTC, clocks go back from 03:00 to 02:00.
    assert_eq!(
        moment(at("2026-10-25T00:59:00Z"), &paris, "fr"),
        "25 oct. 2026 à 02:59"
    );
    assert_eq!(
        moment(at("2026-10-25T01:00:00Z"), &paris, "fr"),
        "25 oct. 2026 à 02:00"
    );
    // Réunion does not move on those days.
    let reunion = zone("Indian/Reunion");
    assert_eq!(
        moment(at("2026-03-29T01:00:00Z"), &reunion, "fr"),
        "29 mars 2026 à 05:00"
    );
}

#[test]
fn an_offset_in_the_input_is_the_same_instant() {
    let paris = zone("Europe/Paris");
    assert_eq!(
        moment(at("2026-12-07T01:17:50+01:00"), &paris, "fr"),
        moment(at("2026-12-07T00:17:50Z"), &paris, "fr")
    );
    assert!(parse_instant("2026-12-07").is_none());
    assert!(parse_instant("garbage").is_none());
}

#[test]
fn recent_moments() {
    let paris = zone("Europe/Paris");
    let now = at("2026-12-07T17:30:00Z"); // 18:30 in Paris
    assert_eq!(
        recent(at("2026-12-07T17:29:30Z"), now, &paris, "fr"),
        "à l’instant"
    );
    assert_eq!(
        recent(at("2026-12-07T17:25:00Z"), now, &paris, "fr"),
        "il y a 5 min"
    );
    assert_eq!(
        recent(at("2026-12-07T17:25:00Z"), now, &paris, "en"),
        "5 min ago"
    );
    assert_eq!(
        recent(at("2026-12-07T08:12:00Z"), now, &paris, "fr"),
        "aujourd’hui à 09:12"
    );
    assert_eq!(
        recent(at("2026-12-06T17:02:00Z"), now, &paris, "fr"),
        "hier à 18:02"
    );
    assert_eq!(
        recent(at("2026-12-06T17:02:00Z"), now, &paris, "en"),
        "yesterday at 18:02"
    );
    assert_eq!(
        recent(at("2026-12-01T17:02:00Z"), now, &paris, "fr"),
        "1 déc. 2026 à 18:02"
    );
    // "Yesterday" is the firm's yesterday: 23:30 UTC on the 6th is already the 7th in Paris.
    assert_eq!(
        recent(at("2026-12-06T23:30:00Z"), now, &paris, "fr"),
        "aujourd’hui à 00:30"
    );
    // A future moment is written in full.
    assert_eq!(
        recent(at("2026-12-08T17:02:00Z"), now, &paris, "fr"),
        "8 déc. 2026 à 18:02"
    );
}

#[test]
fn days_and_appointments() {
    let d = parse_day("2027-01-15").unwrap();
    assert_eq!(day_long(d, "fr"), "vendredi 15 janvier 2027");
    assert_eq!(day_long(d, "en"), "Friday 15 January 2027");
    assert_eq!(
        day(parse_day("2026-12-20").unwrap(), "fr"),
        "20 décembre 2026"
    );
    let paris = zone("Europe/Paris");
    let t = at("2026-12-15T13:30:00Z");
    assert_eq!(
        appointment(t, &paris, "fr"),
        "mardi 15 décembre 2026, 14 h 30"
    );
    assert_eq!(
        appointment(t, &paris, "en"),
        "Tuesday 15 December 2026, 14:30"
    );
    assert_eq!(iso(t), "2026-12-15T13:30:00Z");
    assert_eq!(full(t, &paris, "fr"), "15 déc. 2026 à 14:30 (Europe/Paris)");
}

#[test]
fn days_start_at_the_firm_midnight() {
    let d = parse_day("2026-12-07").unwrap();
    let paris = day_start(d, &zone("Europe/Paris")).unwrap();
    assert_eq!(
        iso(Timestamp::from_second(paris).unwrap()),
        "2026-12-06T23:00:00Z"
    );
    let reunion = day_start(d, &zone("Indian/Reunion")).unwrap();
    assert_eq!(
        iso(Timestamp::from_second(reunion).unwrap()),
        "2026-12-06T20:00:00Z"
    );
    let martinique = day_start(d, &zone("America/Martinique")).unwrap();
    assert_eq!(
        iso(Timestamp::from_second(martinique).unwrap()),
        "2026-12-07T04:00:00Z"
    );
}

#[test]
fn zones_are_checked_and_default_to_paris() {
    for z in ZONES {
        assert!(is_zone(z), "{z}");
    }
    assert!(!is_zone("Mars/Olympus"));
    assert!(!is_zone(""));
    let t = at("2026-12-07T00:17:50Z");
    assert_eq!(moment(t, &zone(""), "fr"), "7 déc. 2026 à 01:17");
    assert_eq!(
        moment(t, &zone("Mars/Olympus"), "fr"),
        "7 déc. 2026 à 01:17"
    );
}
