use super::*;

fn mb(name: Option<&str>, email: &str) -> Mailbox {
    Mailbox {
        name: name.map(str::to_owned),
        email: email.to_owned(),
    }
}

#[test]
fn names_and_lists_as_pasted() {
    assert_eq!(
        list(r#"Jean Martin <jean@x.fr>; "Dupont, Marie" <marie@y.fr>"#).unwrap(),
        vec![
            mb(Some("Jean Martin"), "jean@x.fr"),
            mb(Some("Dupont, Marie"), "marie@y.fr")
        ]
    );
    // Outlook: unquoted "Last, First", `;` between, names in single quotes.
    assert_eq!(
        list("Martin, Jean <jean@x.fr>; 'Marie Dupont' <marie@y.fr>;").unwrap(),
        vec![
            mb(Some("Martin, Jean"), "jean@x.fr"),
            mb(Some("Marie Dupont"), "marie@y.fr")
        ]
    );
    // Thunderbird: commas between, a quoted comma, escapes, lines.
    assert_eq!(
        list("\"Martin, \\\"Jean\\\"\" <jean@x.fr>,\nmarie@y.fr,\r\n<paul@z.be>").unwrap(),
        vec![
            mb(Some("Martin, \"Jean\""), "jean@x.fr"),
            mb(None, "marie@y.fr"),
            mb(None, "paul@z.be")
        ]
    );
    // Bare addresses separated by spaces, as before.
    assert_eq!(list("a@x.fr  b@y.fr").unwrap().len(), 2);
}

#[test]
fn comments_groups_and_idn() {
    assert_eq!(
        list("jean@x.fr (Jean Martin), Marie (cabinet) <marie@y.fr>").unwrap(),
        vec![
            mb(Some("Jean Martin"), "jean@x.fr"),
            mb(Some("Marie"), "marie@y.fr")
        ]
    );
    assert_eq!(
        list("Équipe: a@x.fr, Bob <b@x.fr>; c@y.fr, Personne:;").unwrap(),
        vec![
            mb(None, "a@x.fr"),
            mb(Some("Bob"), "b@x.fr"),
            mb(None, "c@y.fr")
        ]
    );
    assert_eq!(
        one("Zoé <zoé@société-générale.fr>").unwrap(),
        mb(Some("Zoé"), "zoé@société-générale.fr")
    );
    // A name that only repeats the address is no name.
    assert_eq!(
        one("'jean@x.fr' <jean@x.fr>").unwrap(),
        mb(None, "jean@x.fr")
    );
}

#[test]
fn duplicates_removed_in_order() {
    assert_eq!(
        list("a@x.fr, B@x.fr;\nb@X.fr  Jean <A@X.FR>; c@y.be").unwrap(),
        vec![mb(None, "a@x.fr"), mb(None, "B@x.fr"), mb(None, "c@y.be")]
    );
}

#[test]
fn bad_entries_are_named_by_position() {
    assert_eq!(list(" , ;\n"), Err(AddrError::Empty));
    assert_eq!(list("a@x.fr, nope"), Err(AddrError::Entry(2)));
    assert_eq!(
        list("a@x.fr; Jean <jean@x>; b@y.fr"),
        Err(AddrError::Entry(2))
    );
    for bad in [
        "Jean <jean@x.fr",
        "Jean <jean@x.fr> b@y.fr",
        "\"Jean <jean@x.fr>",
        "jean@x.fr (Jean",
        "jean@x.fr)",
        "jean@-x.fr",
        "jean@x..fr",
        "jean@x_y.fr",
        "jean martin@x.fr",
        "<jean@x.fr\r\nBcc: e@v.il>",
        "Jean <>",
    ] {
        assert_eq!(list(bad), Err(AddrError::Entry(1)), "{bad:?}");
    }
    assert_eq!(
        list("a@x.fr; b@y.fr; Jean <zz>").map_err(|e| e.message("n° {n} faux")),
        Err("n° 3 faux".to_owned())
    );
}

#[test]
fn single_address_fields() {
    assert_eq!(
        one("Jean <jean@x.fr>").unwrap().name.as_deref(),
        Some("Jean")
    );
    assert_eq!(one("jean@x.fr; JEAN@x.fr").unwrap().email, "jean@x.fr");
    assert_eq!(one("a@x.fr; b@y.fr"), Err(AddrError::NotOne));
    assert_eq!(
        check_one("a@x.fr, b@y.fr", "email").unwrap_err().key,
        "error_address_one"
    );
    assert_eq!(
        check_one("nope", "email").unwrap_err().key,
        "error_email_invalid"
    );
    assert_eq!(check_one(" ", "email").unwrap_err().key, "error_required");
}

#[test]
fn hidden_characters_in_a_name_are_dropped() {
    // A name that would disguise the page is not kept; the address still is.
    assert_eq!(
        one("Jean\u{202E} <jean@x.fr>").unwrap(),
        mb(None, "jean@x.fr")
    );
}
