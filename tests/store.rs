//! Storage guarantees, tested on the library with real files (RELIABILITY.md §1–2).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use riskreg::Error;
use riskreg::clock::Clock;
use riskreg::domain::lifecycle::{Rules, is_review_due};
use riskreg::domain::{EventKind, Impact, Likelihood, RiskFields, RiskPatch, Status};
use riskreg::query::{ListSpec, Query};
use riskreg::store::{APPLICATION_ID, NewRisk, OpenMode, SCHEMA_VERSION, Stamp, Store};
use rusqlite::{Connection, ErrorCode};

fn stamp() -> Stamp {
    Stamp {
        actor: "tester".into(),
        clock: Clock::at("2026-11-24T09:00:00Z".parse().unwrap()),
    }
}

fn fields(title: &str, l: u8, i: u8) -> RiskFields {
    RiskFields::new(
        title.into(),
        Likelihood::new(l).unwrap(),
        Impact::new(i).unwrap(),
    )
}

fn new_store(dir: &Path) -> Store {
    Store::open(dir.join("reg.db"), OpenMode::Create).unwrap()
}

fn add(store: &mut Store, title: &str) -> i64 {
    store
        .write(&stamp(), |tx| {
            tx.create_risk(
                NewRisk {
                    fields: fields(title, 3, 3),
                    id: None,
                    created_at: None,
                },
                Rules::Interactive,
                EventKind::Create,
                "",
            )
        })
        .unwrap()
}

fn owner(owner: &str) -> RiskPatch {
    RiskPatch {
        owner: Some(owner.into()),
        ..RiskPatch::default()
    }
}

/// DB-DUR-1 and FK-1: the one connection constructor, for a new and an existing file.
#[test]
fn db_dur_1_every_connection_is_wal_full_sync_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reg.db");
    for mode in [OpenMode::Create, OpenMode::Existing] {
        let store = Store::open(&path, mode).unwrap();
        assert_eq!(store.pragma("journal_mode").unwrap(), "wal");
        assert_eq!(store.pragma("synchronous").unwrap(), "2", "FULL");
        assert_eq!(store.pragma("foreign_keys").unwrap(), "1");
        assert_eq!(store.pragma("busy_timeout").unwrap(), "5000");
        assert_eq!(
            store.pragma("application_id").unwrap(),
            APPLICATION_ID.to_string()
        );
    }
}

/// FK-2 (store level): the schema's foreign keys hold even when riskreg's friendly name
/// check is bypassed.
#[test]
fn fk_2_foreign_keys_hold_below_the_name_check() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path());
    assert_eq!(store.pragma("foreign_keys").unwrap(), "1");
    let raw = Connection::open(dir.path().join("reg.db")).unwrap();
    raw.pragma_update(None, "foreign_keys", true).unwrap();
    let err = raw
        .execute(
            "INSERT INTO risk (title, likelihood, impact, status, team_id, created_at, updated_at)
             VALUES ('x', 1, 1, 'open', 999, 'now', 'now')",
            [],
        )
        .unwrap_err();
    assert_eq!(
        err.sqlite_error_code(),
        Some(ErrorCode::ConstraintViolation)
    );
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    let n: i64 = raw
        .query_row("SELECT count(*) FROM risk", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

/// DB-BUSY-1: a writer that finds the lock taken waits for it (IMMEDIATE + busy timeout).
#[test]
fn db_busy_1_a_second_writer_waits_and_commits() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path());
    let path = dir.path().join("reg.db");
    let holder = thread::spawn(move || {
        let a = Connection::open(path).unwrap();
        a.execute_batch("BEGIN IMMEDIATE; INSERT INTO team (name) VALUES ('a');")
            .unwrap();
        thread::sleep(Duration::from_millis(150));
        a.execute_batch("COMMIT").unwrap();
    });
    thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    store.write(&stamp(), |tx| tx.add_team("b", "")).unwrap();
    let waited = started.elapsed();
    holder.join().unwrap();
    assert!(
        waited >= Duration::from_millis(40),
        "waited only {waited:?}"
    );
    assert_eq!(store.teams().unwrap().len(), 2);
}

/// DB-BUSY-2, the negative control: a deferred transaction that reads, then writes after
/// another connection committed, fails at once with SQLITE_BUSY_SNAPSHOT despite a 5 s
/// busy timeout. This is why every write goes through Store::write (IMMEDIATE).
#[test]
fn db_busy_2_deferred_read_then_write_fails_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path());
    add(&mut store, "r");
    let b = Connection::open(dir.path().join("reg.db")).unwrap();
    b.busy_timeout(Duration::from_secs(5)).unwrap();
    b.execute_batch("BEGIN DEFERRED").unwrap();
    let _: i64 = b
        .query_row("SELECT count(*) FROM risk", [], |r| r.get(0))
        .unwrap();
    store
        .write(&stamp(), |tx| {
            tx.update_risk(1, None, &owner("a"), Rules::Interactive, "")
        })
        .unwrap();
    let started = Instant::now();
    let err = b
        .execute("UPDATE risk SET owner = 'b' WHERE id = 1", [])
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.sqlite_error_code(), Some(ErrorCode::DatabaseBusy));
    match err {
        rusqlite::Error::SqliteFailure(e, _) => {
            assert_eq!(e.extended_code, 517, "SQLITE_BUSY_SNAPSHOT")
        }
        other => panic!("unexpected error {other:?}"),
    }
    assert!(took < Duration::from_millis(100), "took {took:?}");
}

/// LU-5: with a frozen clock, two updates still get distinct, consecutive revisions.
#[test]
fn lu_5_same_instant_updates_get_consecutive_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path());
    let id = add(&mut store, "r");
    let before = store.risk(id).unwrap();
    let first = store
        .write(&stamp(), |tx| {
            tx.update_risk(id, None, &owner("a"), Rules::Interactive, "")
        })
        .unwrap();
    let second = store
        .write(&stamp(), |tx| {
            tx.update_risk(id, None, &owner("b"), Rules::Interactive, "")
        })
        .unwrap();
    assert_eq!(first.risk.revision, before.revision + 1);
    assert_eq!(second.risk.revision, before.revision + 2);
    assert_eq!(
        first.risk.updated_at, second.risk.updated_at,
        "the clock did not move"
    );
    let stale = store.write(&stamp(), |tx| {
        tx.update_risk(
            id,
            Some(before.revision + 1),
            &owner("c"),
            Rules::Interactive,
            "",
        )
    });
    assert!(
        matches!(
            stale,
            Err(Error::RevisionConflict {
                expected: 2,
                current: 3,
                ..
            })
        ),
        "{stale:?}"
    );
}

#[test]
fn an_edit_that_changes_nothing_keeps_the_revision_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path());
    let id = add(&mut store, "r");
    store
        .write(&stamp(), |tx| {
            tx.update_risk(id, None, &owner("a"), Rules::Interactive, "")
        })
        .unwrap();
    let again = store
        .write(&stamp(), |tx| {
            tx.update_risk(id, None, &owner("a"), Rules::Interactive, "")
        })
        .unwrap();
    assert!(again.changes.is_empty());
    assert_eq!(again.risk.revision, 2);
    assert_eq!(store.events(&Default::default()).unwrap().len(), 2);
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path());
    let result = store.write(&stamp(), |tx| {
        tx.add_team("kept only if the transaction commits", "")?;
        tx.update_risk(42, None, &owner("a"), Rules::Interactive, "")
    });
    assert!(matches!(result, Err(Error::NotFound(_))));
    assert!(
        store.teams().unwrap().is_empty(),
        "the whole transaction rolled back"
    );
}

fn schema_of(path: &Path) -> Vec<(String, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get::<_, String>(1)?
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Migrations: a file made by every released schema version (tests/fixtures/schema-vN.sql)
/// opens, keeps its data, and ends with exactly the current schema.sql.
#[test]
fn migration_every_earlier_version_upgrades_to_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    drop(Store::open(&fresh, OpenMode::Create).unwrap());
    let expected = schema_of(&fresh);
    for version in 1..=SCHEMA_VERSION {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/schema-v{version}.sql"));
        let sql = std::fs::read_to_string(&fixture)
            .unwrap_or_else(|e| panic!("{}: {e}", fixture.display()));
        let path = dir.path().join(format!("v{version}.db"));
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(&sql).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            conn.pragma_update(None, "user_version", version).unwrap();
            conn.execute_batch(
                "INSERT INTO team (name) VALUES ('core');
                 INSERT INTO risk (title, likelihood, impact, status, team_id, created_at, updated_at)
                 VALUES ('kept across upgrades', 4, 5, 'open', 1, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
                 INSERT INTO event (risk_id, at, actor, kind, new, revision, note)
                 VALUES (1, '2025-01-01T00:00:00Z', 'ana', 'create', 'kept across upgrades', 1, 'history kept');",
            )
            .unwrap();
        }
        let store =
            Store::open(&path, OpenMode::Existing).unwrap_or_else(|e| panic!("v{version}: {e}"));
        assert_eq!(
            store.pragma("user_version").unwrap(),
            SCHEMA_VERSION.to_string()
        );
        let risk = store.risk(1).unwrap();
        assert_eq!(risk.fields.title, "kept across upgrades");
        assert_eq!(risk.fields.team.as_deref(), Some("core"));
        let events = store.events(&Default::default()).unwrap();
        assert_eq!(events.len(), 1, "v{version}: history kept");
        assert_eq!(events[0].note, "history kept");
        assert_eq!(events[0].action_id, None);
        drop(store);
        assert_eq!(
            schema_of(&path),
            expected,
            "v{version} upgraded to a different schema than schema.sql"
        );
    }
}

/// Version 5 kept a risk's open actions in its row; version 6 keeps them beside it. An
/// upgraded register still knows each risk's open and overdue actions.
#[test]
fn migration_v5_open_actions_move_beside_the_risk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v5.sql"),
            )
            .unwrap(),
        )
        .unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.pragma_update(None, "user_version", 5).unwrap();
        conn.execute_batch(
            "INSERT INTO risk (title, likelihood, impact, status, created_at, updated_at)
             VALUES ('with work', 4, 5, 'open', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
                    ('without', 2, 2, 'open', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
             INSERT INTO action (risk_id, title, status, due, effective_due, kind, created_at, updated_at)
             VALUES (1, 'late', 'todo', '2026-01-01', '2026-01-01', 'short-term', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
                    (1, 'later', 'doing', '2027-01-01', '2027-01-01', 'short-term', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
                    (1, 'done', 'done', '2025-01-01', '2025-01-01', 'short-term', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
        )
        .unwrap();
    }
    let mut store = Store::open(&path, OpenMode::Existing).unwrap();
    store.set_today(jiff::civil::date(2026, 11, 24));
    let risk = store.risk(1).unwrap();
    assert_eq!(
        (risk.actions.open, risk.actions.overdue),
        (2, 1),
        "{:?}",
        risk.actions
    );
    assert_eq!(risk.actions.next_due, Some(jiff::civil::date(2026, 1, 1)));
    assert_eq!(store.risk(2).unwrap().actions.open, 0);
    // The triggers keep them beside the risk from now on.
    store
        .write(&stamp(), |tx| {
            let a = tx.action(1)?.unwrap();
            let patch = riskreg::domain::actions::ActionPatch {
                status: Some(riskreg::domain::actions::ActionStatus::Done),
                ..Default::default()
            };
            tx.update_action(a.id, None, &patch, "")
        })
        .unwrap();
    assert_eq!(store.risk(1).unwrap().actions.open, 1);
}

/// The fixture of the current version is schema.sql itself: editing schema.sql without
/// freezing the old one and adding an upgrade step fails here.
#[test]
fn migration_current_fixture_is_schema_sql() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = std::fs::read_to_string(root.join("schema.sql")).unwrap();
    let fixture =
        std::fs::read_to_string(root.join(format!("tests/fixtures/schema-v{SCHEMA_VERSION}.sql")))
            .unwrap();
    assert_eq!(
        schema, fixture,
        "schema.sql changed: bump SCHEMA_VERSION, add an upgrade step and a new fixture"
    );
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn migration_a_newer_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reg.db");
    drop(new_store(dir.path()));
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let before = bytes(&path);
    let err = Store::open(&path, OpenMode::Existing)
        .err()
        .expect("refused");
    assert!(matches!(err, Error::NotOurs { .. }), "{err:?}");
    assert!(err.to_string().contains("newer riskreg"), "{err}");
    assert_eq!(err.exit_code(), 65);
    assert_eq!(bytes(&path), before);
}

/// IC-4 (library level): a valid SQLite file that is not ours is refused, untouched.
#[test]
fn ic_4_a_foreign_sqlite_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    let before = bytes(&path);
    let err = Store::open(&path, OpenMode::Existing)
        .err()
        .expect("refused");
    assert_eq!(err.code(), "not_a_risk_db");
    assert!(err.to_string().contains("other.db"), "{err}");
    assert_eq!(bytes(&path), before);
    let journal = Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0))
        .unwrap();
    assert_eq!(journal, "delete", "riskreg did not switch it to WAL");
}

#[test]
fn ids_are_never_reused_after_a_delete() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path());
    add(&mut store, "a");
    let b = add(&mut store, "b");
    store.write(&stamp(), |tx| tx.delete_risk(b, "")).unwrap();
    assert_eq!(add(&mut store, "c"), b + 1);
    let kinds: Vec<EventKind> = store
        .events(&Default::default())
        .unwrap()
        .iter()
        .map(|e| e.kind)
        .collect();
    assert!(
        kinds.contains(&EventKind::Delete),
        "the delete is in history"
    );
}

/// The SQL behind `is:review-due` and the Rust rule the TUI and report use agree.
#[test]
fn review_due_in_sql_matches_the_domain_rule() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path());
    let today = stamp().clock.today;
    let dates = [
        None,
        Some(jiff::civil::date(2026, 11, 23)),
        Some(today),
        Some(jiff::civil::date(2026, 11, 25)),
    ];
    store
        .write(&stamp(), |tx| {
            for status in Status::ALL {
                for next in dates {
                    for until in dates {
                        for approver in ["", "cto"] {
                            let mut f = fields("r", 2, 2);
                            f.status = status;
                            f.next_review = next.or(Some(jiff::civil::date(2027, 1, 1)));
                            f.accepted_until = until;
                            f.approver = approver.into();
                            tx.create_risk(
                                NewRisk {
                                    fields: f,
                                    id: None,
                                    created_at: None,
                                },
                                // Every state, incomplete acceptances included (as a
                                // register from before they were refused may hold).
                                Rules::Restore,
                                EventKind::Import,
                                "",
                            )?;
                        }
                    }
                }
            }
            Ok(())
        })
        .unwrap();
    let all = store
        .list_risks(
            &ListSpec {
                all: true,
                ..ListSpec::default()
            },
            today,
        )
        .unwrap();
    let expected: Vec<i64> = all
        .iter()
        .filter(|r| is_review_due(&r.fields, today))
        .map(|r| r.id)
        .collect();
    let spec = ListSpec {
        query: Query::parse("is:review-due").unwrap(),
        all: true,
        ..ListSpec::default()
    };
    let mut got: Vec<i64> = store
        .list_risks(&spec, today)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    got.sort_unstable();
    let mut expected = expected;
    expected.sort_unstable();
    assert!(!expected.is_empty() && expected.len() < all.len());
    assert_eq!(got, expected);
}

/// Renaming a team or moving a milestone's due date never rewrites risks' revisions, but the
/// priority order follows the new due date.
#[test]
fn milestone_due_changes_reorder_risks_without_touching_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = new_store(dir.path());
    store
        .write(&stamp(), |tx| {
            for (name, due) in [("early", "2027-01-01"), ("late", "2027-06-01")] {
                tx.add_milestone(
                    name,
                    &riskreg::domain::MilestonePatch {
                        due: Some(Some(due.parse().unwrap())),
                        ..Default::default()
                    },
                )?;
            }
            for m in ["late", "early"] {
                let mut f = fields(m, 3, 3);
                f.milestone = Some(m.into());
                tx.create_risk(
                    NewRisk {
                        fields: f,
                        id: None,
                        created_at: None,
                    },
                    Rules::Interactive,
                    EventKind::Create,
                    "",
                )?;
            }
            Ok(())
        })
        .unwrap();
    let order = |store: &Store| -> Vec<String> {
        store
            .list_risks(&ListSpec::default(), stamp().clock.today)
            .unwrap()
            .into_iter()
            .map(|r| r.fields.title)
            .collect()
    };
    assert_eq!(order(&store), ["early", "late"]);
    store
        .write(&stamp(), |tx| {
            tx.edit_milestone(
                "early",
                &riskreg::domain::MilestonePatch {
                    due: Some(Some("2028-01-01".parse().unwrap())),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(order(&store), ["late", "early"]);
    assert!(
        store
            .list_risks(&ListSpec::default(), stamp().clock.today)
            .unwrap()
            .iter()
            .all(|r| r.revision == 1)
    );
}

/// A bulk import into an empty register builds its indexes once at the end: afterwards the
/// schema is exactly a fresh register's, and an import that fails leaves it untouched too.
#[test]
fn bulk_import_rebuilds_the_exact_indexes_and_a_failed_one_keeps_them() {
    use riskreg::io::import::{ImportOptions, InputFormat, import};
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    drop(Store::open(&fresh, OpenMode::Create).unwrap());
    let expected = schema_of(&fresh);
    for (name, csv, ok) in [
        (
            "good.db",
            "title,likelihood,impact,team\nA,1,2,core\nB,3,4,core\n",
            true,
        ),
        ("bad.db", "title,likelihood,impact\nA,1,2\nB,9,4\n", false),
    ] {
        let path = dir.path().join(name);
        let mut store = Store::open(&path, OpenMode::Create).unwrap();
        let result = import(
            &mut store,
            &stamp(),
            csv.as_bytes(),
            Some(InputFormat::Csv),
            &ImportOptions::default(),
            &mut |_| {},
        );
        assert_eq!(result.is_ok(), ok, "{name}: {result:?}");
        drop(store);
        assert_eq!(schema_of(&path), expected, "{name}");
        let conn = Connection::open(&path).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT id FROM risk ORDER BY score DESC, impact DESC, due_order",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("risk_priority"), "{plan}");
    }
}
