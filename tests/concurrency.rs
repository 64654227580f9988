//! Several processes at once on one register (RELIABILITY.md §1.3, §1.7, §2): real
//! `riskreg` processes, not threads, so SQLite's file locks are what is being tested.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use common::{Reg, json_error};
use rusqlite::Connection;

/// Runs `processes` concurrent loops of `riskreg edit 1 --owner p{P}-{i}`.
fn hammer(reg: &Reg, processes: usize, iterations: usize) -> Vec<(usize, Option<i32>, String)> {
    thread::scope(|s| {
        let handles: Vec<_> = (0..processes)
            .map(|p| {
                s.spawn(move || {
                    let mut results = Vec::new();
                    for i in 0..iterations {
                        let out = reg
                            .std_cmd()
                            .args(["edit", "1", "--owner", &format!("p{p}-{i}")])
                            .stdout(Stdio::null())
                            .output()
                            .expect("spawn riskreg");
                        results.push((
                            p,
                            out.status.code(),
                            String::from_utf8_lossy(&out.stderr).into_owned(),
                        ));
                    }
                    results
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    })
}

fn stress(processes: usize, iterations: usize) {
    let reg = Reg::new();
    reg.add("contended risk", 3, 3, &[]);
    let rev0 = reg.count("SELECT revision FROM risk WHERE id = 1");
    let events0 = reg.count("SELECT count(*) FROM event WHERE risk_id = 1");
    let results = hammer(&reg, processes, iterations);
    for (p, code, stderr) in &results {
        assert_eq!(*code, Some(0), "process {p} failed: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("busy"),
            "busy reached the user: {stderr}"
        );
    }
    let total = (processes * iterations) as i64;
    assert_eq!(
        reg.count("SELECT revision FROM risk WHERE id = 1"),
        rev0 + total,
        "no update was lost"
    );
    assert_eq!(
        reg.count("SELECT count(*) FROM event WHERE risk_id = 1"),
        events0 + total,
        "one history row per edit"
    );
    let owner = reg.json(&["show", "1"])["owner"]
        .as_str()
        .unwrap()
        .to_string();
    let last: Vec<String> = (0..processes)
        .map(|p| format!("p{p}-{}", iterations - 1))
        .collect();
    assert!(
        last.contains(&owner),
        "final owner {owner} is one of the last writes {last:?}"
    );
    assert_eq!(reg.json(&["db", "check", "--quick"])["healthy"], true);
}

/// DB-BUSY-3 and LU-4: two processes × 500 edits of the same risk: every exit 0, revision
/// +1000, 1000 history rows.
#[test]
fn db_busy_3_two_processes_edit_one_risk() {
    stress(2, 500);
}

/// DB-BUSY-3, the 4-process variant.
#[test]
fn db_busy_3_four_processes_edit_one_risk() {
    stress(4, 500);
}

/// LU-4's negative control: reading the revision in one transaction and writing it back in
/// another (what riskreg must never do) loses updates under the same contention, so the
/// test above is sensitive to the bug it guards against.
#[test]
fn lu_4_negative_control_naive_read_then_write_loses_updates() {
    if common::sqlite_only("a naive read-then-write on raw SQLite connections") {
        return;
    }
    let reg = Reg::new();
    reg.add("contended risk", 3, 3, &[]);
    let path = reg.db.clone();
    let per_thread = 300;
    thread::scope(|s| {
        for _ in 0..2 {
            let path = path.clone();
            s.spawn(move || {
                let conn = Connection::open(&path).unwrap();
                conn.busy_timeout(Duration::from_secs(5)).unwrap();
                for _ in 0..per_thread {
                    let rev: i64 = conn
                        .query_row("SELECT revision FROM risk WHERE id = 1", [], |r| r.get(0))
                        .unwrap();
                    thread::sleep(Duration::from_micros(300));
                    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
                    conn.execute("UPDATE risk SET revision = ?1 WHERE id = 1", [rev + 1])
                        .unwrap();
                    conn.execute_batch("COMMIT").unwrap();
                }
            });
        }
    });
    let final_rev = reg.count("SELECT revision FROM risk WHERE id = 1");
    assert!(
        final_rev < 1 + 2 * per_thread,
        "the naive implementation lost no updates ({final_rev}); the stress test would not notice the bug"
    );
}

/// DB-BUSY-4: a lock held past the busy timeout makes an edit fail after ~5 s with exit 75
/// and `database_busy`, changing nothing.
#[test]
fn db_busy_4_lock_held_past_the_timeout_exits_75() {
    let reg = Reg::new();
    reg.add("r", 3, 3, &[]);
    let path = reg.db.clone();
    let pg = reg.pg.clone();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    // Another writer holds the write lock: SQLite's, or the register's advisory lock.
    let holder = thread::spawn(move || match pg {
        Some(pg) => {
            let mut client = pg.client();
            client
                .batch_execute("BEGIN; SELECT pg_advisory_xact_lock(1381123399)")
                .unwrap();
            locked_tx.send(()).unwrap();
            thread::sleep(Duration::from_secs(7));
            client.batch_execute("ROLLBACK").unwrap();
        }
        None => {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("BEGIN IMMEDIATE; UPDATE team SET name = name;")
                .unwrap();
            locked_tx.send(()).unwrap();
            thread::sleep(Duration::from_secs(7));
            conn.execute_batch("ROLLBACK").unwrap();
        }
    });
    locked_rx.recv().unwrap();
    let started = Instant::now();
    let out = reg.fails(&["edit", "1", "--owner", "x", "--format", "json"], 75);
    let took = started.elapsed();
    holder.join().unwrap();
    assert!(
        took >= Duration::from_secs(4) && took <= Duration::from_millis(6500),
        "failed after {took:?}"
    );
    assert_eq!(json_error(&out)["error"]["code"], "database_busy");
    assert_eq!(reg.count("SELECT revision FROM risk WHERE id = 1"), 1);
    assert_eq!(reg.count("SELECT count(*) FROM risk WHERE owner = 'x'"), 0);
}

/// LU-3: `--expect-revision` with a stale revision exits 75 with both revisions, and
/// changes nothing.
#[test]
fn lu_3_stale_expect_revision_is_a_conflict() {
    let reg = Reg::new();
    reg.add("r", 3, 3, &[]);
    for i in 0..7 {
        reg.ok(&["edit", "1", "--owner", &format!("o{i}")]);
    }
    assert_eq!(reg.count("SELECT revision FROM risk WHERE id = 1"), 8);
    let out = reg.fails(
        &[
            "edit",
            "1",
            "--likelihood",
            "4",
            "--expect-revision",
            "7",
            "--format",
            "json",
        ],
        75,
    );
    let err = json_error(&out);
    assert_eq!(err["error"]["code"], "revision_conflict");
    assert_eq!(err["error"]["expected"], 7);
    assert_eq!(err["error"]["current"], 8);
    assert_eq!(reg.count("SELECT likelihood FROM risk WHERE id = 1"), 3);
    assert_eq!(reg.count("SELECT revision FROM risk WHERE id = 1"), 8);
    reg.ok(&["edit", "1", "--likelihood", "4", "--expect-revision", "8"]);
    assert_eq!(reg.count("SELECT revision FROM risk WHERE id = 1"), 9);
}

/// BK-1: backups taken while another process edits are consistent snapshots: in each, the
/// risk's revision equals its number of history rows (no half-applied transaction).
#[test]
fn bk_1_backup_during_writes_is_a_consistent_snapshot() {
    let reg = Reg::new();
    reg.add("contended risk", 3, 3, &[]);
    thread::scope(|s| {
        let writer = s.spawn(|| hammer(&reg, 1, 300));
        let mut taken = 0;
        while !writer.is_finished() || taken == 0 {
            let backup = reg.path(&format!("backup-{taken}.db"));
            reg.ok(&["db", "backup", backup.to_str().unwrap()]);
            let conn = Connection::open(&backup).unwrap();
            let check: String = conn
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok");
            let revision: i64 = conn
                .query_row("SELECT revision FROM risk WHERE id = 1", [], |r| r.get(0))
                .unwrap();
            let events: i64 = conn
                .query_row("SELECT count(*) FROM event WHERE risk_id = 1", [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(
                revision, events,
                "backup {taken} caught a half-applied transaction"
            );
            taken += 1;
        }
        for (_, code, stderr) in writer.join().unwrap() {
            assert_eq!(code, Some(0), "{stderr}");
        }
        assert!(taken >= 2, "only {taken} backups overlapped the writes");
    });
}
