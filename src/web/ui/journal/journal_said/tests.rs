//! Unit tests of the journal's sentences: every action of the space and firm journals, with
//! every shape of target the code writes, reads as a whole sentence in every language.

use super::*;

fn said(key: &str, variant: &str, values: Vec<(&'static str, Value)>) -> Said {
    Said {
        key: key.into(),
        variant: variant.into(),
        values,
    }
}

#[test]
fn placeholders_are_filled_once_and_a_typed_name_is_never_read_for_them() {
    let got = fill("{who} a déposé {document}.", |n| match n {
        "who" => Some("{document}".into()),
        "document" => Some("« a.pdf »".into()),
        _ => None,
    });
    assert_eq!(got, "{document} a déposé « a.pdf ».");
    assert_eq!(fill("{missing} {x y} {", |_| None), "… {x y} {");
}

#[test]
fn a_line_reads_as_a_sentence_in_each_language() {
    let i = I18n::load().unwrap();
    let s = said(
        "journal_said_uploaded",
        "",
        vec![
            ("who", Value::Name("Jeanne".into())),
            ("document", Value::Title("document", "contrat.pdf".into())),
            ("version", Value::Plain("2".into())),
        ],
    );
    assert_eq!(
        sentence(&i, "fr", &s),
        "Jeanne a déposé «\u{a0}contrat.pdf\u{a0}» (version 2)."
    );
    assert_eq!(
        sentence(&i, "en", &s),
        "Jeanne uploaded “contrat.pdf” (version 2)."
    );
    let gone = said(
        "journal_said_deleted",
        "",
        vec![
            ("who", Value::Name("Jeanne".into())),
            ("document", Value::Word("journal_gone_document".into())),
        ],
    );
    assert!(sentence(&i, "en", &gone).contains("an erased document"));
}

/// Names every id, except `gone` (a thing since erased).
struct Fake;

impl crate::domain::journal::said::Lookup for Fake {
    fn name(&mut self, kind: &str, id: &str) -> Result<Option<String>, crate::store::StoreError> {
        Ok((!id.contains("gone")).then(|| format!("Name of {kind}")))
    }
}

/// Every action with the targets the code writes for it (see the `journal::append`
/// callers); ids start with RAWID, which no sentence may show.
const SAMPLES: &[(&str, &[&str])] = &[
    (
        "space_created",
        &[
            "template:dossier",
            "template:dossier duplicate_of:RAWIDs",
            "template:client firm_template:RAWIDt",
        ],
    ),
    ("invited", &["invite:RAWID0123456789 profile:lecteur"]),
    ("invite_revoked", &["invite:RAWID0123456789"]),
    (
        "member_added",
        &[
            "account:RAWIDb profile:contributeur",
            "account:RAWIDa profile:lecteur",
            "account:RAWIDb",
        ],
    ),
    ("member_removed", &["account:RAWIDb", "account:RAWIDgone"]),
    ("profile_changed", &["account:RAWIDb profile:lecteur"]),
    ("uploaded", &["document:RAWIDd:v1"]),
    ("opened", &["document:RAWIDd:v2"]),
    ("downloaded", &["document:RAWIDgone:v1"]),
    ("deleted", &["document:RAWIDd"]),
    ("restored", &["document:RAWIDd"]),
    ("message_posted", &["message:RAWIDm"]),
    ("message_read", &["messages:3-7", "messages:4-4"]),
    ("folder_created", &["folder:RAWIDf"]),
    ("folder_renamed", &["folder:RAWIDf"]),
    ("folder_deleted", &["folder:RAWIDgone"]),
    ("renamed", &["document:RAWIDd"]),
    ("moved", &["document:RAWIDd folder:RAWIDf"]),
    ("version_restored", &["document:RAWIDd:v1:v3"]),
    ("purged", &["document:RAWIDgone"]),
    ("copilot_added", &["firm:RAWIDf account:RAWIDb"]),
    ("copilot_removed", &["firm:RAWIDf"]),
    ("copilot_proposed", &["proposal:RAWIDp"]),
    ("copilot_withdrawn", &["proposal:RAWIDp"]),
    ("copilot_lapsed", &["proposal:RAWIDp"]),
    ("copilot_left", &["firm:RAWIDf"]),
    ("request_created", &["request:RAWIDr"]),
    ("request_changed", &["request:RAWIDr"]),
    ("request_deleted", &["request:RAWIDgone"]),
    (
        "request_received",
        &["request:RAWIDr", "request:RAWIDr account:RAWIDb"],
    ),
    (
        "request_accepted",
        &["request:RAWIDr", "request:RAWIDr account:RAWIDb"],
    ),
    (
        "request_refused",
        &["request:RAWIDr", "request:RAWIDr account:RAWIDb"],
    ),
    ("event_created", &["event:RAWIDe"]),
    ("event_changed", &["event:RAWIDe"]),
    ("event_deleted", &["event:RAWIDgone"]),
    (
        "settings_changed",
        &[
            "title modules:messages,documents,exhibits members_visible:yes invitee:lecteur",
            "modules:none members_visible:no",
            "questions:on",
            "questions:off",
        ],
    ),
    ("archived", &[""]),
    ("unarchived", &[""]),
    ("retention_set", &["date:2027-01-15"]),
    ("retention_cleared", &[""]),
    ("retention_notice", &["date:2027-01-15 recipients:2"]),
    ("duplicated", &["space:RAWIDs"]),
    ("template_saved", &["firm_template:RAWIDt"]),
    ("deposit_filed", &["deposit:RAWIDx documents:3"]),
    (
        "aside_created",
        &["aside:RAWIDx", "aside:RAWIDx space:RAWIDs"],
    ),
    ("aside_member_added", &["aside:RAWIDx account:RAWIDb"]),
    ("aside_member_removed", &["aside:RAWIDx account:RAWIDb"]),
    ("aside_posted", &["aside:RAWIDx"]),
    ("aside_uploaded", &["aside:RAWIDx"]),
    ("aside_copied", &["aside:RAWIDx to:aside:RAWIDy"]),
    (
        "copied_out",
        &[
            "document:RAWIDd:v2 to:aside:RAWIDx document:RAWIDn",
            "message:RAWIDm to:shared message:RAWIDn",
        ],
    ),
    (
        "copied_in",
        &[
            "document:RAWIDd from:aside:RAWIDx",
            "document:RAWIDd",
            "message:RAWIDm",
        ],
    ),
    ("undertaking_set", &["sha256:0123456789abcdef0123"]),
    ("undertaking_removed", &[""]),
    ("undertaking_accepted", &["sha256:0123456789abcdef0123"]),
    ("question_asked", &["question:RAWIDq"]),
    ("question_answered", &["question:RAWIDq"]),
    ("question_published", &["question:RAWIDq"]),
    ("question_unpublished", &["question:RAWIDq"]),
    ("question_closed", &["question:RAWIDq"]),
    ("question_reopened", &["question:RAWIDq"]),
    ("view_only_set", &["document:RAWIDd", "space"]),
    ("view_only_cleared", &["document:RAWIDd", "space"]),
    ("opened_watermarked", &["document:RAWIDd:v2 view:HC-7Q2X"]),
    (
        "case_changed",
        &[
            "details",
            "order",
            "party:1 added",
            "party:1 changed",
            "party:1 moved",
            "party:gone removed",
            "party:1 members:2",
        ],
    ),
    ("exhibit_added", &["exhibit:RAWIDx party:1"]),
    ("exhibit_changed", &["exhibit:RAWIDx party:1"]),
    ("exhibit_removed", &["exhibit:RAWIDgone party:1"]),
    (
        "exhibits_communicated",
        &["communication:RAWIDc party:1 exhibits:4 bordereau:RAWIDh"],
    ),
    (
        "exhibits_acknowledged",
        &[
            "communication:RAWIDc recipient:party:1 bordereau:RAWIDh",
            "communication:RAWIDc recipient:tribunal bordereau:RAWIDh",
        ],
    ),
    (
        "exhibits_reminded",
        &["communication:RAWIDc recipients:3 mailed:2"],
    ),
    ("evidence_exported", &["communication:RAWIDc", "space"]),
];

#[test]
fn every_action_of_the_journal_reads_as_a_whole_sentence_in_every_language() {
    let i = I18n::load().unwrap();
    for action in crate::domain::journal::ACTIONS {
        let Some((_, targets)) = SAMPLES.iter().find(|(a, _)| a == action) else {
            panic!("no sample target for the journal action {action}");
        };
        for target in *targets {
            let said =
                crate::domain::journal::said::read(&mut Fake, "Jeanne", "RAWIDa", action, target)
                    .unwrap();
            let base = i.strings("fr").contains_key(&said.key);
            assert!(base, "{action}: no sentence {}", said.key);
            for lang in crate::web::i18n::LANGS {
                if !said.variant.is_empty() {
                    let key = format!("{}_{}", said.key, said.variant);
                    assert!(i.strings(lang).contains_key(&key), "{lang}: {key}");
                }
                let text = sentence(&i, lang, &said);
                assert!(
                    text.starts_with("Jeanne "),
                    "{lang} {action} {target}: {text}"
                );
                assert!(text.ends_with('.'), "{lang} {action} {target}: {text}");
                for bad in ["…", "{", "}", "RAWID", "journal_", "_"] {
                    assert!(!text.contains(bad), "{lang} {action} {target}: {text}");
                }
            }
        }
    }
}

/// The firm journal's actions (`firm_journal_<action>` labels) and their targets.
const FIRM_SAMPLES: &[(&str, &[&str])] = &[
    (
        "space_deleted",
        &[
            "space:0123456789abcdef0123456789abcdef template:dossier reason:manual",
            "space:0123456789abcdef0123456789abcdef template:client reason:retention",
        ],
    ),
    (
        "firm_template_saved",
        &["firm_template:0123456789abcdef0123456789abcdef"],
    ),
    (
        "firm_template_deleted",
        &["firm_template:0123456789abcdef0123456789abcdef"],
    ),
    (
        "secure_mail_sent",
        &["mail:0123456789abcdef0123456789abcdef"],
    ),
    (
        "secure_mail_notified",
        &["mail:0123456789abcdef0123456789abcdef recipient:1"],
    ),
    (
        "secure_mail_code_sent",
        &["mail:0123456789abcdef0123456789abcdef recipient:2"],
    ),
    (
        "secure_mail_opened",
        &["mail:0123456789abcdef0123456789abcdef recipient:1"],
    ),
    (
        "secure_mail_failed",
        &["mail:0123456789abcdef0123456789abcdef recipient:1"],
    ),
    (
        "secure_mail_locked",
        &["mail:0123456789abcdef0123456789abcdef recipient:1"],
    ),
    (
        "secure_mail_downloaded",
        &[
            "mail:0123456789abcdef0123456789abcdef recipient:1 file:0123456789abcdef0123456789abcdef",
        ],
    ),
    (
        "secure_mail_replied",
        &["mail:0123456789abcdef0123456789abcdef recipient:1"],
    ),
    (
        "secure_mail_revoked",
        &["mail:0123456789abcdef0123456789abcdef"],
    ),
    (
        "secure_mail_expired",
        &["mail:0123456789abcdef0123456789abcdef"],
    ),
    (
        "deposit_received",
        &["deposit:0123456789abcdef0123456789abcdef files:2 bytes:2048"],
    ),
    (
        "deposit_moved",
        &[
            "deposit:0123456789abcdef0123456789abcdef space:0123456789abcdef0123456789abcdef documents:2",
        ],
    ),
    (
        "deposit_deleted",
        &["deposit:0123456789abcdef0123456789abcdef files:1"],
    ),
    ("deposit_box_opened", &["deposit_box"]),
    ("deposit_box_closed", &["deposit_box"]),
    ("deposit_link_renewed", &["deposit_box"]),
    ("deposit_limits_changed", &["deposit_box"]),
    (
        "copilot_proposed",
        &["space:0123456789abcdef0123456789abcdef proposal:0123456789abcdef0123456789abcdef"],
    ),
    (
        "copilot_accepted",
        &[
            "space:0123456789abcdef0123456789abcdef proposal:0123456789abcdef0123456789abcdef firm:RAWIDf",
        ],
    ),
    (
        "copilot_declined",
        &[
            "space:0123456789abcdef0123456789abcdef proposal:0123456789abcdef0123456789abcdef account:RAWIDb",
        ],
    ),
    (
        "copilot_withdrawn",
        &["space:0123456789abcdef0123456789abcdef proposal:0123456789abcdef0123456789abcdef"],
    ),
    (
        "copilot_lapsed",
        &["space:0123456789abcdef0123456789abcdef proposal:0123456789abcdef0123456789abcdef"],
    ),
    (
        "copilot_ended",
        &["space:0123456789abcdef0123456789abcdef firm:RAWIDf"],
    ),
];

#[test]
fn every_action_of_the_firm_journal_reads_as_a_whole_sentence() {
    let i = I18n::load().unwrap();
    let not_actions = ["title", "hint", "empty", "system"];
    for key in i.strings("fr").keys() {
        let Some(action) = key.strip_prefix("firm_journal_") else {
            continue;
        };
        if not_actions.contains(&action) || action.starts_with("said_") {
            continue;
        }
        let Some((_, targets)) = FIRM_SAMPLES.iter().find(|(a, _)| *a == action) else {
            panic!("no sample target for the firm journal action {action}");
        };
        for target in *targets {
            let mut said =
                crate::domain::journal::said::read(&mut Fake, "Jeanne", "", action, target)
                    .unwrap();
            said.key = format!("firm_journal_said_{action}");
            for lang in crate::web::i18n::LANGS {
                let base = i.strings(lang).contains_key(&said.key);
                assert!(base, "{lang}: no {}", said.key);
                let text = sentence(&i, lang, &said);
                assert!(text.ends_with('.'), "{lang} {action} {target}: {text}");
                for bad in ["…", "{", "}", "journal_", "_"] {
                    assert!(!text.contains(bad), "{lang} {action} {target}: {text}");
                }
                // Ids stay references (the start of the id), never whole.
                assert!(
                    !text.contains("0123456789abcdef"),
                    "{lang} {action}: {text}"
                );
            }
        }
    }
}

#[test]
fn the_shape_of_a_target_picks_the_sentence() {
    let read = |action: &str, target: &str| {
        crate::domain::journal::said::read(&mut Fake, "Jeanne", "RAWIDa", action, target).unwrap()
    };
    assert_eq!(
        read("member_added", "account:RAWIDa profile:lecteur").variant,
        "joined"
    );
    assert_eq!(
        read("member_added", "account:RAWIDb profile:lecteur").variant,
        ""
    );
    assert_eq!(read("member_added", "account:RAWIDb").variant, "aside");
    assert_eq!(read("member_added", "account:RAWIDa").variant, "aside");
    assert_eq!(
        read("case_changed", "party:2 removed").variant,
        "party_removed"
    );
    assert_eq!(read("view_only_set", "space").variant, "space");
    let v = read("version_restored", "document:RAWIDd:v1:v3").values;
    assert!(v.contains(&(
        "document",
        Value::Title("document", "Name of document".into())
    )));
    assert!(v.contains(&("version", Value::Plain("1".into()))));
    assert!(v.contains(&("latest", Value::Plain("3".into()))));
    let gone = read("purged", "document:RAWIDgone").values;
    assert!(gone.contains(&("document", Value::Word("journal_gone_document".into()))));
}

#[test]
fn variants_counts_dates_and_lists() {
    let i = I18n::load().unwrap();
    let who = ("who", Value::Name("Jeanne".into()));
    let joined = said(
        "journal_said_member_added",
        "joined",
        vec![
            who.clone(),
            ("profile", Value::Word("profile_lecteur".into())),
        ],
    );
    assert_eq!(
        sentence(&i, "en", &joined),
        "Jeanne joined the space as Reader."
    );
    let filed = |n| {
        said(
            "journal_said_deposit_filed",
            "",
            vec![who.clone(), ("documents", Value::Count(n, "documents"))],
        )
    };
    assert!(sentence(&i, "fr", &filed(1)).ends_with(" 1 document."));
    assert!(sentence(&i, "fr", &filed(3)).ends_with(" 3 documents."));
    assert!(sentence(&i, "en", &filed(0)).ends_with(" 0 documents."));
    let retention = said(
        "journal_said_retention_set",
        "",
        vec![who.clone(), ("date", Value::Date("2027-01-15".into()))],
    );
    assert!(sentence(&i, "fr", &retention).contains("15/01/2027"));
    assert!(sentence(&i, "en", &retention).contains("2027-01-15"));
    let changes = Value::List(vec![
        said("journal_change_title", "", vec![]),
        said(
            "journal_change_modules",
            "",
            vec![(
                "modules",
                Value::Words(vec![
                    "space_module_messages".into(),
                    "space_nav_exhibits".into(),
                ]),
            )],
        ),
    ]);
    let settings = said(
        "journal_said_settings_changed",
        "",
        vec![who, ("changes", changes)],
    );
    assert_eq!(
        sentence(&i, "en", &settings),
        "Jeanne changed the settings: title, modules (Messages, Exhibits)."
    );
    // An action this version has no sentence for reads as its label, or its word.
    let unknown = said("journal_said_no_such_action", "x", vec![]);
    assert_eq!(sentence(&i, "en", &unknown), "no_such_action");
}
