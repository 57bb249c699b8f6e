//! Ordered schema migrations, each applied in its own write transaction.
//!
//! The schema version is the number of migrations applied. A migration is never edited once
//! released; a change of schema is a new entry at the end of [`MIGRATIONS`].

use redb::{TableHandle, WriteTransaction};

use crate::store::{Store, StoreError, db, meta, tables};

pub struct Migration {
    pub name: &'static str,
    pub apply: fn(&WriteTransaction) -> Result<(), StoreError>,
}

/// Applied in order; version N means the first N have run.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "create the initial tables",
        apply: create_initial_tables,
    },
    Migration {
        name: "create the outbox tables",
        apply: create_outbox_tables,
    },
    Migration {
        name: "create the space, membership, invitation and session index tables",
        apply: create_space_tables,
    },
    Migration {
        name: "create the sign-in tables (throttling, one-time secrets, journal, API tokens)",
        apply: create_signin_tables,
    },
    Migration {
        name: "create the document tables (folders, documents, receipts)",
        apply: create_document_tables,
    },
    Migration {
        name: "create the space journal table",
        apply: create_journal_table,
    },
    Migration {
        name: "create the message tables (messages, read positions)",
        apply: create_message_tables,
    },
    Migration {
        name: "create the request tables (requests, status tracks, reminders sent)",
        apply: create_request_tables,
    },
    Migration {
        name: "create the agenda tables (events, reminders sent, calendar feeds)",
        apply: create_agenda_tables,
    },
    Migration {
        name: "create the firm template and firm journal tables",
        apply: create_firm_tables,
    },
    Migration {
        name: "create the resumable upload tables (uploads, upload index)",
        apply: create_upload_tables,
    },
    Migration {
        name: "create the search index tables",
        apply: create_search_tables,
    },
    Migration {
        name: "create the blob reference index (filled at the next start)",
        apply: create_blob_refs_table,
    },
    Migration {
        name: "create the firm logo table",
        apply: create_logo_table,
    },
    Migration {
        name: "create the aside and confidentiality undertaking tables",
        apply: create_aside_tables,
    },
    Migration {
        name: "create the data room tables (questions, view-only marks)",
        apply: create_data_room_tables,
    },
    Migration {
        name: "create the drop-box tables (boxes, links, deposits, visits, limits)",
        apply: create_deposit_tables,
    },
    Migration {
        name: "create the secure mail tables (registry, items, secrets, files)",
        apply: create_secure_mail_tables,
    },
    Migration {
        name: "create the invitation index by space (filled at the next start)",
        apply: create_invite_index_table,
    },
    Migration {
        name: "create the exhibit tables (cases, exhibits, communications, their files)",
        apply: create_exhibit_tables,
    },
    Migration {
        name: "create the co-piloting proposal table",
        apply: create_copilot_table,
    },
    Migration {
        name: "create the app password table (SMTP submission gateway)",
        apply: create_app_password_table,
    },
    Migration {
        name: "create the search index by token (filled in the background)",
        apply: create_search_token_table,
    },
];

/// The schema version this binary writes.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

fn create(txn: &WriteTransaction, list: &[crate::store::Table]) -> Result<(), StoreError> {
    for t in list {
        txn.open_table(*t).map_err(db)?;
        let table = t.name();
        log::debug!("table {table} ready");
    }
    Ok(())
}

fn create_initial_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(
        txn,
        &[
            META,
            FIRMS,
            FIRM_PROFILES,
            ACCOUNTS,
            ACCOUNT_EMAILS,
            SESSIONS,
        ],
    )
}

fn create_outbox_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(txn, &[OUTBOX, OUTBOX_DUE, NOTIFY_PENDING])
}

fn create_signin_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(txn, &[THROTTLE, SIGNIN_SECRETS, SIGNIN_JOURNAL, API_TOKENS])
}

fn create_document_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(txn, &[FOLDERS, DOCUMENTS, DOCUMENT_SPACES, RECEIPTS])
}

fn create_journal_table(txn: &WriteTransaction) -> Result<(), StoreError> {
    create(txn, &[tables::JOURNAL])
}

fn create_message_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(txn, &[MESSAGES, READS])
}

fn create_request_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(txn, &[REQUESTS, REQUEST_TRACKS, REQUEST_REMINDERS])
}

fn create_agenda_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(txn, &[EVENTS, EVENT_REMINDERS, CALENDAR_FEEDS])
}

fn create_firm_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(txn, &[FIRM_TEMPLATES, FIRM_JOURNAL])
}

fn create_upload_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(txn, &[UPLOADS, UPLOAD_INDEX])
}

fn create_space_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(
        txn,
        &[
            SPACE_KEYS,
            SPACES,
            ACCOUNT_SPACES,
            SPACE_MEMBERS,
            INVITES,
            ACCOUNT_SESSIONS,
        ],
    )
}

fn create_logo_table(txn: &WriteTransaction) -> Result<(), StoreError> {
    create(txn, &[tables::FIRM_LOGOS])
}

fn create_aside_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(
        txn,
        &[ASIDE_KEYS, ASIDES, UNDERTAKINGS, UNDERTAKING_ACCEPTANCES],
    )
}

fn create_data_room_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    create(txn, &[tables::QUESTIONS, tables::VIEW_ONLY])
}

fn create_secure_mail_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(
        txn,
        &[
            SECURE_MAILS,
            SECURE_MAIL_ITEMS,
            SECURE_MAIL_SECRETS,
            SECURE_MAIL_BLOBS,
        ],
    )
}

fn create_deposit_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(
        txn,
        &[
            DEPOSIT_BOXES,
            DEPOSIT_LINKS,
            DEPOSITS,
            DEPOSIT_CONTENTS,
            DEPOSIT_VISITS,
            DEPOSIT_QUOTAS,
        ],
    )
}

fn create_search_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    create(txn, &[tables::SEARCH, tables::SEARCH_STATE])
}

fn create_blob_refs_table(txn: &WriteTransaction) -> Result<(), StoreError> {
    crate::store::documents::create_blob_refs(txn)
}

fn create_invite_index_table(txn: &WriteTransaction) -> Result<(), StoreError> {
    crate::store::spaces::invites::create_index(txn)
}

fn create_exhibit_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    use tables::*;
    create(
        txn,
        &[EXHIBIT_CASES, EXHIBITS, COMMUNICATIONS, EXHIBIT_BLOBS],
    )
}

fn create_copilot_table(txn: &WriteTransaction) -> Result<(), StoreError> {
    create(txn, &[tables::COPILOT_PROPOSALS])
}

fn create_app_password_table(txn: &WriteTransaction) -> Result<(), StoreError> {
    create(txn, &[tables::APP_PASSWORDS])
}

fn create_search_token_table(txn: &WriteTransaction) -> Result<(), StoreError> {
    create(txn, &[tables::SEARCH_TOKENS])
}

/// Brings the database to [`latest`], or refuses a newer one.
pub fn run(store: &Store) -> Result<(), StoreError> {
    let current = meta::schema_version(store)?;
    if current > latest() {
        return Err(StoreError::TooNew {
            found: current,
            supported: latest(),
        });
    }
    for (i, m) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as u32 + 1;
        let txn = store.db().begin_write().map_err(db)?;
        (m.apply)(&txn)?;
        meta::set_schema_version_in(store, &txn, version)?;
        txn.commit().map_err(db)?;
        let what = m.name;
        log::info!("schema migrated to version {version} ({what})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Keyring, MasterKey};
    use redb::ReadableDatabase;
    use std::sync::Arc;

    #[test]
    fn a_newer_schema_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.redb");
        let keys = Arc::new(Keyring::new(&MasterKey::generate()));
        let store = Store::open(&path, keys.clone()).unwrap();
        assert_eq!(meta::schema_version(&store).unwrap(), latest());
        meta::force_schema_version(&store, latest() + 1).unwrap();
        drop(store);
        let err = Store::open(&path, keys).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { .. }));
        assert!(err.to_string().contains("newer Huis Clos"));
    }

    #[test]
    fn every_table_is_created_by_some_migration() {
        let (_t, store) = crate::store::testing::temp_store();
        let txn = store.db().begin_read().unwrap();
        let existing: Vec<String> = txn
            .list_tables()
            .unwrap()
            .map(|t| t.name().to_owned())
            .collect();
        for t in tables::ALL {
            assert!(
                existing.iter().any(|e| e == t.name()),
                "{} has no migration",
                t.name()
            );
        }
    }

    #[test]
    fn reopening_runs_nothing_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.redb");
        let keys = Arc::new(Keyring::new(&MasterKey::generate()));
        drop(Store::open(&path, keys.clone()).unwrap());
        let store = Store::open(&path, keys).unwrap();
        assert_eq!(meta::schema_version(&store).unwrap(), latest());
    }
}
