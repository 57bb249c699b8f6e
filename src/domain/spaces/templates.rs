//! Space templates: what a new space is for, its folders, its modules, the profile its
//! invitees get, and whether members see each other.

use crate::domain::access::Profile;

pub use crate::model::Modules;

#[derive(Debug)]
pub struct Template {
    /// Stable id, stored in spaces; the name and description are the locale keys
    /// `template_{id}` and `template_{id}_desc`.
    pub id: &'static str,
    pub invitee: Profile,
    pub members_see_each_other: bool,
    /// Folders created with the space: (French, English).
    pub folders: &'static [(&'static str, &'static str)],
    pub modules: Modules,
}

const fn m(
    messages: bool,
    documents: bool,
    agenda: bool,
    requests: bool,
    asides: bool,
    exhibits: bool,
) -> Modules {
    Modules {
        messages,
        documents,
        agenda,
        requests,
        asides,
        exhibits,
        questions: false,
    }
}

pub const TEMPLATES: &[Template] = &[
    Template {
        id: "client",
        invitee: Profile::Contributeur,
        members_see_each_other: true,
        folders: &[
            ("Documents du client", "Client's documents"),
            ("Documents du cabinet", "Firm's documents"),
        ],
        modules: m(true, true, true, true, false, false),
    },
    Template {
        id: "dossier",
        invitee: Profile::Contributeur,
        members_see_each_other: true,
        folders: &[
            ("Pièces", "Exhibits"),
            ("Correspondance", "Correspondence"),
            ("Actes", "Deeds"),
        ],
        modules: m(true, true, true, true, false, true),
    },
    Template {
        id: "collecte",
        invitee: Profile::Deposant,
        members_see_each_other: false,
        folders: &[("Dépôts", "Deposits")],
        modules: m(false, true, false, true, false, false),
    },
    Template {
        id: "data_room",
        invitee: Profile::Lecteur,
        members_see_each_other: false,
        folders: &[("Data room", "Data room")],
        modules: Modules {
            questions: true,
            ..m(true, true, false, false, false, false)
        },
    },
    Template {
        id: "mediation",
        invitee: Profile::Contributeur,
        members_see_each_other: true,
        folders: &[("Salle commune", "Shared room")],
        modules: m(true, true, true, false, true, false),
    },
    Template {
        id: "arbitrage",
        invitee: Profile::Contributeur,
        members_see_each_other: true,
        folders: &[("Pièces", "Exhibits"), ("Procédure", "Procedure")],
        modules: m(true, true, true, false, false, true),
    },
    Template {
        id: "processus_collaboratif",
        invitee: Profile::Contributeur,
        members_see_each_other: true,
        folders: &[("Documents partagés", "Shared documents")],
        modules: m(true, true, true, false, true, false),
    },
    Template {
        id: "formation",
        invitee: Profile::Lecteur,
        members_see_each_other: false,
        folders: &[("Supports", "Materials")],
        modules: m(true, true, true, false, false, false),
    },
    Template {
        id: "irp",
        invitee: Profile::Contributeur,
        members_see_each_other: true,
        folders: &[("Documents", "Documents"), ("Procès-verbaux", "Minutes")],
        modules: m(true, true, true, false, false, false),
    },
];

pub fn by_id(id: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.id == id)
}

/// The French name of the built-in folder called `name` in any language, if there is one:
/// the key by which a folder made with its space is shown in each reader's language.
pub fn builtin_folder(name: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .flat_map(|t| t.folders.iter())
        .find(|(fr, en)| *fr == name || *en == name)
        .map(|(fr, _)| *fr)
}

/// The built-in folder whose French name is `fr`, in `lang` (`None`: no such folder, e.g.
/// one a later version dropped; the record's own name is shown then).
pub fn folder_in(fr: &str, lang: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .flat_map(|t| t.folders.iter())
        .find(|(f, _)| *f == fr)
        .map(|(f, en)| if lang == "en" { *en } else { *f })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_named_and_described_in_every_language() {
        let i = crate::web::i18n::I18n::load().unwrap();
        for lang in crate::web::i18n::LANGS {
            for t in TEMPLATES {
                for key in [
                    format!("template_{}", t.id),
                    format!("template_{}_desc", t.id),
                ] {
                    assert!(i.strings(lang).contains_key(&key), "{lang}: {key}");
                }
            }
        }
        assert_eq!(TEMPLATES.len(), 9);
    }

    #[test]
    fn a_built_in_folder_is_found_by_either_name_and_named_in_each_language() {
        assert_eq!(builtin_folder("Pièces"), Some("Pièces"));
        assert_eq!(builtin_folder("Exhibits"), Some("Pièces"));
        assert_eq!(
            builtin_folder("Client's documents"),
            Some("Documents du client")
        );
        assert_eq!(builtin_folder("Courriers Smith"), None);
        assert_eq!(folder_in("Pièces", "en"), Some("Exhibits"));
        assert_eq!(folder_in("Pièces", "fr"), Some("Pièces"));
        assert_eq!(folder_in("Dossier disparu", "en"), None);
        // One French name never stands for two English ones (the key must be unambiguous).
        for t in TEMPLATES {
            for (fr, en) in t.folders {
                assert_eq!(folder_in(fr, "en"), Some(*en), "{fr}");
                assert_eq!(builtin_folder(en), Some(*fr), "{en}");
            }
        }
    }
}
