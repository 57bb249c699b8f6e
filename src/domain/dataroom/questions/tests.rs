//! Unit tests of the data room: who sees which question, what a published line carries,
//! the status transitions, the journal (ids only), and the view-only rule of downloads.

use super::*;
use crate::domain::access::{self};
use crate::domain::dataroom::question_views;
use crate::domain::firms::setup::tests_support;
use crate::domain::{dataroom::view_only, documents as d};
use crate::ids::SpaceId;
use crate::store::accounts::Account;
use crate::store::journal;

type Box_ = tests_support::TestFirm;

fn setup() -> Box_ {
    tests_support::firm("Vendeur")
}

fn space(b: &Box_, template: &str) -> SpaceId {
    tests_support::space(b, "Projet SENTINEL", template)
}

fn member(b: &Box_, space: SpaceId, email: &str, profile: Profile) -> Account {
    tests_support::member(b, space, email, email, profile)
}

fn texts(lines: &[question_views::QuestionLine]) -> Vec<&str> {
    lines.iter().map(|l| l.text.as_str()).collect()
}

#[test]
fn each_bidder_sees_his_own_questions_and_published_ones_without_their_author() {
    let b = setup();
    let id = space(&b, "data_room");
    let a1 = member(&b, id, "a@bidder-one.example", Profile::Lecteur);
    let a2 = member(&b, id, "b@bidder-two.example", Profile::Lecteur);
    let s1 = access::space(&b.core, &a1, id).unwrap();
    let s2 = access::space(&b.core, &a2, id).unwrap();
    let q1 = ask(&b.core, &s1, "Quid des baux ?", None).unwrap();
    let q2 = ask(&b.core, &s2, "Litiges prud'homaux ?", None).unwrap();
    let v1 = question_views::view(&b.core, &s1).unwrap();
    let v2 = question_views::view(&b.core, &s2).unwrap();
    assert_eq!(texts(&v1.questions), ["Quid des baux ?"]);
    assert_eq!(texts(&v2.questions), ["Litiges prud'homaux ?"]);
    assert!(v1.published.is_empty() && v2.published.is_empty());
    // Nothing tells a bidder how many questions the others asked.
    assert!(v1.questions[0].number.is_none() && v1.counts.is_none());

    let admin = access::space(&b.core, &b.admin, id).unwrap();
    let va = question_views::view(&b.core, &admin).unwrap();
    assert_eq!(va.questions.len(), 2);
    assert_eq!(
        va.questions[0].author.as_ref().unwrap().email,
        "a@bidder-one.example"
    );
    let m = admin.manage().unwrap();
    let st = decide(
        &b.core,
        &m,
        q1,
        Decision::Answer {
            text: "Voir l'annexe 4.".into(),
            publish: true,
        },
    )
    .unwrap();
    assert_eq!(st, Status::Published);
    decide(
        &b.core,
        &m,
        q2,
        Decision::Answer {
            text: "Aucun.".into(),
            publish: false,
        },
    )
    .unwrap();
    let v2 = question_views::view(&b.core, &s2).unwrap();
    assert_eq!(texts(&v2.published), ["Quid des baux ?"]);
    let p = &v2.published[0];
    assert!(p.author.is_none() && p.asked_at.is_none() && !p.mine);
    assert_eq!(p.answer.as_ref().unwrap().text, "Voir l'annexe 4.");
    let json = serde_json::to_string(&v2).unwrap();
    assert!(!json.contains("bidder-one"), "{json}");
    // B's private answer stays B's.
    let v1 = question_views::view(&b.core, &s1).unwrap();
    assert_eq!(texts(&v1.questions), ["Quid des baux ?"]);
    assert!(!serde_json::to_string(&v1).unwrap().contains("Aucun."));
    // The journal holds ids only.
    let entries = journal::entries(&b.core.store, id, admin.key()).unwrap();
    let log: Vec<String> = entries
        .iter()
        .map(|e| format!("{} {}", e.action, e.target))
        .collect();
    assert!(log.contains(&format!("question_asked question:{q1}")));
    assert!(log.contains(&format!("question_published question:{q1}")));
    assert!(log.contains(&format!("question_answered question:{q2}")));
    assert!(
        !log.iter()
            .any(|l| l.contains("baux") || l.contains("Aucun"))
    );
}

#[test]
fn statuses_move_only_where_they_can() {
    let b = setup();
    let id = space(&b, "data_room");
    let a1 = member(&b, id, "a@bidder-one.example", Profile::Contributeur);
    let s1 = access::space(&b.core, &a1, id).unwrap();
    assert!(matches!(
        ask(&b.core, &s1, "  ", None),
        Err(QaError::Invalid(_))
    ));
    let q = ask(&b.core, &s1, "Q ?", None).unwrap();
    let admin = access::space(&b.core, &b.admin, id).unwrap();
    let m = admin.manage().unwrap();
    let refused = |d: Decision| match decide(&b.core, &m, q, d) {
        Err(QaError::Refused(k)) => k,
        other => panic!("{other:?}"),
    };
    assert_eq!(refused(Decision::Publish), "error_question_no_answer");
    assert_eq!(refused(Decision::Unpublish), "error_question_not_published");
    assert_eq!(refused(Decision::Reopen), "error_question_not_closed");
    assert_eq!(
        decide(&b.core, &m, q, Decision::Close).unwrap(),
        Status::Closed
    );
    assert_eq!(
        decide(&b.core, &m, q, Decision::Reopen).unwrap(),
        Status::Open
    );
    let answer = Decision::Answer {
        text: "R.".into(),
        publish: false,
    };
    assert_eq!(decide(&b.core, &m, q, answer).unwrap(), Status::Answered);
    assert_eq!(
        decide(&b.core, &m, q, Decision::Publish).unwrap(),
        Status::Published
    );
    assert_eq!(
        decide(&b.core, &m, q, Decision::Unpublish).unwrap(),
        Status::Answered
    );
    assert!(matches!(
        decide(&b.core, &m, QuestionId::random(), Decision::Close),
        Err(QaError::NotFound)
    ));
    // A space without the module has no questions.
    let other = space(&b, "dossier");
    let so = access::space(&b.core, &b.admin, other).unwrap();
    assert!(matches!(
        ask(&b.core, &so, "Q ?", None),
        Err(QaError::NotFound)
    ));
    assert!(set_enabled(&b.core, &so.manage().unwrap(), true).unwrap());
    let so = access::space(&b.core, &b.admin, other).unwrap();
    assert!(ask(&b.core, &so, "Q ?", None).is_ok());
}

#[test]
fn view_only_refuses_originals_to_all_but_managers_and_the_owner() {
    let b = setup();
    let id = space(&b, "data_room");
    let reader = member(&b, id, "lecteur@bidder.example", Profile::Lecteur);
    let contrib = member(&b, id, "contrib@bidder.example", Profile::Contributeur);
    let admin = access::space(&b.core, &b.admin, id).unwrap();
    let (doc, _) = d::upload(
        &b.core,
        &admin.upload().unwrap(),
        None,
        "a.pdf",
        &b"%PDF-"[..],
    )
    .unwrap();
    let sc = access::space(&b.core, &contrib, id).unwrap();
    let (own, _) = d::upload(
        &b.core,
        &sc.upload().unwrap(),
        None,
        "offre.pdf",
        &b"%PDF-"[..],
    )
    .unwrap();
    let opens = |who: &Account, doc| {
        let s = access::space(&b.core, who, id).unwrap();
        !matches!(
            d::open(&b.core, &s, doc, None, false),
            Err(d::DocError::ViewOnly)
        )
    };
    assert!(opens(&reader, doc));
    view_only::set_document(&b.core, &admin.manage().unwrap(), doc, true).unwrap();
    assert!(!opens(&reader, doc) && !opens(&contrib, doc) && opens(&b.admin, doc));
    view_only::set_space(&b.core, &admin.manage().unwrap(), true).unwrap();
    // The whole space: the contributor still has his own file, not the reader.
    assert!(opens(&contrib, own) && !opens(&reader, own));
    view_only::set_space(&b.core, &admin.manage().unwrap(), false).unwrap();
    assert!(opens(&reader, own) && !opens(&reader, doc));
    let actions: Vec<String> = journal::entries(&b.core.store, id, admin.key())
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.target))
        .collect();
    assert!(actions.contains(&format!("view_only_set document:{doc}")));
    assert!(actions.contains(&"view_only_cleared space".to_owned()));
}
