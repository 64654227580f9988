//! What the register survives (RELIABILITY.md §1.1, §1.9, §7, §8): processes killed with
//! SIGKILL in the middle of writing, a full disk, and many processes writing at once. Each
//! is checked the way SQLite checks itself: afterwards the file passes `db check`, and every
//! change is there whole or not at all.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{Reg, stderr};

/// A small deterministic generator (xorshift), so every run kills at the same moments.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Starts `cmd`, sends SIGKILL after `delay`, and says whether it finished first (with its
/// exit code) or was killed (`None`).
fn kill_after(cmd: Command, delay: Duration) -> Option<i32> {
    kill_when(cmd, || true, delay)
}

/// Starts `cmd`, waits until `started` says the work is under way (or the process ends),
/// then sends SIGKILL after `delay`; says whether it finished first (with its exit code) or
/// was killed (`None`).
fn kill_when(mut cmd: Command, started: impl Fn() -> bool, delay: Duration) -> Option<i32> {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn riskreg");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !started() && Instant::now() < deadline {
        if child.try_wait().ok().flatten().is_some() {
            break;
        }
        thread::sleep(Duration::from_millis(1));
    }
    thread::sleep(delay);
    let _ = child.kill();
    let status = child.wait().expect("wait");
    match status.signal() {
        Some(9) => None,
        _ => status.code(),
    }
}

/// `db check` passes: integrity, foreign keys, no id counter near its limit, and no stale
/// temporary file beside the register.
fn assert_healthy(reg: &Reg, db: &Path) {
    let out = reg
        .cmd()
        .args(["--db", db.to_str().unwrap(), "db", "check"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "db check after a kill: {} {}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
}

/// The names and definitions of every index, to prove an interrupted bulk import (which
/// drops the indexes of an empty register and rebuilds them at the end, in one transaction)
/// never leaves a register without them.
fn indexes(reg: &Reg, db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )
        .unwrap();
    let names = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap();
    drop(stmt);
    let _ = reg;
    names
}

/// SIGKILL at random moments of `add` and `edit`: every change is whole (a risk and its
/// create event, an edit and its history row) or absent, and the file is healthy.
#[test]
fn kill_9_writers_leave_whole_changes() {
    let reg = Reg::new();
    reg.add("edited", 3, 3, &[]);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut killed = 0;
    for i in 0..40 {
        let mut cmd = reg.std_cmd();
        if i % 2 == 0 {
            cmd.args(["add", &format!("k{i}"), "-l", "2", "-i", "2"]);
        } else {
            cmd.args(["edit", "1", "--owner", &format!("o{i}")]);
        }
        if kill_after(cmd, Duration::from_millis(rng.below(40))).is_none() {
            killed += 1;
        }
        assert_eq!(
            reg.count("SELECT count(*) FROM risk"),
            reg.count("SELECT count(*) FROM event WHERE kind = 'create'"),
            "a risk without its create event, or the reverse"
        );
        assert_eq!(
            reg.count("SELECT revision FROM risk WHERE id = 1"),
            reg.count("SELECT count(*) FROM event WHERE risk_id = 1"),
            "an edit without its history row, or the reverse"
        );
    }
    assert_healthy(&reg, &reg.db);
    assert!(killed > 5, "the kills landed while riskreg ran ({killed})");
}

/// SIGKILL during imports, into an empty register (the bulk path that rebuilds indexes at
/// the end) and into one with risks: all rows or none, indexes intact, file healthy.
#[test]
fn kill_9_imports_are_all_or_nothing() {
    let reg = Reg::new();
    let data = reg.write("data.csv", common::dataset_csv(3_000));
    let expected_indexes = {
        let probe = reg.path("probe.db");
        reg.ok(&[
            "--db",
            probe.to_str().unwrap(),
            "add",
            "x",
            "-l",
            "1",
            "-i",
            "1",
        ]);
        indexes(&reg, &probe)
    };
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut outcomes = [0usize; 2];
    for i in 0..16 {
        let db = reg.path(&format!("imp{i}.db"));
        if i % 2 == 1 {
            reg.ok(&[
                "--db",
                db.to_str().unwrap(),
                "add",
                "already",
                "-l",
                "1",
                "-i",
                "1",
            ]);
        }
        let before = if db.exists() {
            reg.count_in(&db, "SELECT count(*) FROM risk")
        } else {
            0
        };
        let mut cmd = reg.std_cmd();
        cmd.args([
            "--db",
            db.to_str().unwrap(),
            "import",
            data.to_str().unwrap(),
        ]);
        let finished = kill_after(cmd, Duration::from_millis(10 + rng.below(250)));
        outcomes[usize::from(finished.is_some())] += 1;
        if !db.exists() || std::fs::metadata(&db).unwrap().len() == 0 {
            assert_eq!(before, 0);
            continue;
        }
        let after = reg.count_in(&db, "SELECT count(*) FROM risk");
        // The file's row 1 updates the risk already there, so a whole import ends at 3,000.
        assert!(
            after == before || after == 3_000,
            "import {i}: {before} → {after} risks (killed: {})",
            finished.is_none()
        );
        let have = indexes(&reg, &db);
        if reg.count_in(
            &db,
            "SELECT count(*) FROM sqlite_schema WHERE name = 'risk'",
        ) == 1
        {
            assert_eq!(
                have, expected_indexes,
                "import {i} left the indexes changed"
            );
        }
        assert_healthy(&reg, &db);
    }
    assert!(
        outcomes[0] > 2,
        "some imports were killed midway: {outcomes:?}"
    );
}

/// SIGKILL during exports (CSV and XLSX): the target is absent or complete, never partial;
/// what the killed export left is cleared by the next export into the directory (a
/// workbook's spool files are unnamed, so they go with the process); the register is
/// untouched and healthy.
#[test]
fn kill_9_exports_leave_no_partial_file() {
    let reg = Reg::new();
    let data = reg.write("data.csv", common::dataset_csv(4_000));
    reg.ok(&["import", data.to_str().unwrap()]);
    let out_dir = reg.path("out");
    std::fs::create_dir(&out_dir).unwrap();
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut killed = 0;
    for i in 0..12 {
        // CSV and XLSX by turns: a workbook also spools rows to files of its own.
        let ext = if i % 2 == 0 { "csv" } else { "xlsx" };
        let target = out_dir.join(format!("e{i}.{ext}"));
        let mut cmd = reg.std_cmd();
        cmd.args(["export", "--all", "-o", target.to_str().unwrap()]);
        // Kill once the export has begun writing its temporary file (a new one: killed
        // exports before it left theirs).
        let temps = || {
            std::fs::read_dir(&out_dir).map_or(0, |d| {
                d.flatten()
                    .filter(|e| {
                        e.file_name()
                            .to_string_lossy()
                            .starts_with(".riskreg-export-")
                    })
                    .count()
            })
        };
        let before = temps();
        let writing = || temps() > before;
        if kill_when(cmd, writing, Duration::from_millis(rng.below(20))).is_none() {
            killed += 1;
        }
        if target.exists() && ext == "csv" {
            let mut reader = csv::Reader::from_path(&target).unwrap();
            assert_eq!(reader.records().count(), 4_000, "a complete export");
        } else if target.exists() {
            let mut book = calamine::open_workbook_auto(&target).unwrap();
            let risks = calamine::Reader::worksheet_range(&mut book, "Risks").unwrap();
            assert_eq!(risks.height(), 4_001, "a complete workbook");
        }
    }
    assert!(killed > 2, "some exports were killed midway ({killed})");
    // Age what was left, as if the next export came a while later.
    let old = std::time::SystemTime::now() - Duration::from_secs(60);
    for entry in std::fs::read_dir(&out_dir).unwrap().flatten() {
        if entry.file_name().to_string_lossy().starts_with(".riskreg-") {
            std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
    }
    reg.ok(&["export", "-o", out_dir.join("next.csv").to_str().unwrap()]);
    let left: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "leftovers: {left:?}");
    assert_healthy(&reg, &reg.db);
}

/// SIGKILL while a command creates a new register: afterwards there is no file, an empty
/// private one, or a whole register, and the next command works on it.
#[test]
fn kill_9_during_first_time_creation() {
    use std::os::unix::fs::PermissionsExt;
    let reg = Reg::new();
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    for i in 0..16 {
        let db = reg.path(&format!("new{i}.db"));
        let mut cmd = reg.std_cmd();
        cmd.args([
            "--db",
            db.to_str().unwrap(),
            "add",
            "first",
            "-l",
            "1",
            "-i",
            "1",
        ]);
        kill_after(cmd, Duration::from_millis(rng.below(25)));
        if db.exists() {
            let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "new{i}.db");
        }
        reg.ok(&[
            "--db",
            db.to_str().unwrap(),
            "add",
            "second",
            "-l",
            "1",
            "-i",
            "1",
        ]);
        let n = reg.count_in(&db, "SELECT count(*) FROM risk");
        assert!(n == 1 || n == 2, "new{i}.db holds {n} risks");
        assert_healthy(&reg, &db);
    }
}

/// How a full disk is made for the commands of a script: a small private tmpfs in a mount
/// namespace of its own (as root, or as a user where user namespaces are allowed), else a
/// file-size limit (`ulimit -f`, with SIGXFSZ ignored so writes fail with EFBIG).
enum FullDisk {
    Tmpfs(Vec<&'static str>),
    FileSizeLimit,
}

fn full_disk() -> FullDisk {
    for prefix in [vec!["unshare", "-m"], vec!["unshare", "-Urm"]] {
        let ok = Command::new(prefix[0])
            .args(&prefix[1..])
            .args(["sh", "-c", "mount -t tmpfs -o size=64k none /mnt 2>/dev/null || mount -t tmpfs -o size=64k none /tmp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return FullDisk::Tmpfs(prefix);
        }
    }
    eprintln!("note: no mount namespace here; a full disk is simulated with a file-size limit");
    FullDisk::FileSizeLimit
}

/// Runs `script` (POSIX sh) with `$MNT` a directory on a small disk, `$BIN` riskreg, and a
/// function `full FREE CMD…` that runs CMD with only FREE bytes left on that disk, then
/// gives the space back. Returns stdout.
fn on_a_small_disk(reg: &Reg, script: &str) -> String {
    let mnt = reg.path("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let (runner, prelude) = match full_disk() {
        FullDisk::Tmpfs(prefix) => (
            prefix,
            format!(
                "mount -t tmpfs -o size=6m,mode=0700 none '{m}' || exit 99
full() {{ free=$1; shift
  cat /dev/zero > \"$MNT/.fill\" 2>/dev/null; truncate -s -\"$free\" \"$MNT/.fill\"
  \"$@\"; rc=$?; rm -f \"$MNT/.fill\"; return $rc; }}
",
                m = mnt.display()
            ),
        ),
        FullDisk::FileSizeLimit => (
            Vec::new(),
            "full() { free=$1; shift
  ( trap '' XFSZ; ulimit -f $(( (free + 1023) / 512 + 1 )); \"$@\" ); }
"
            .to_string(),
        ),
    };
    let mut cmd = match runner.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg("sh");
            c
        }
        None => Command::new("sh"),
    };
    common::isolate(&mut cmd, reg.dir.path());
    let out = cmd
        .env("MNT", &mnt)
        .env("BIN", common::BIN)
        .env("HOST", reg.dir.path())
        .args(["-c", &format!("{prelude}\n{script}")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the script failed ({:?}): {}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// FULL-1: add, import, export (CSV and XLSX), split export and backup on a full disk, with
/// nothing to spare and with a little: each fails with exit 74 (or, given enough room,
/// succeeds whole), leaves no partial file or temporary file (the workbook writer's spool
/// files included), and the register is as it was.
#[test]
fn full_1_a_full_disk_fails_cleanly_and_changes_nothing() {
    let reg = Reg::new();
    let data = reg.write("data.csv", common::dataset_csv(300));
    reg.ok(&["import", data.to_str().unwrap()]);
    reg.write("big.csv", {
        let mut s = String::from("title,likelihood,impact,description\n");
        for i in 0..2_000 {
            s.push_str(&format!("imported {i},2,3,{}\n", "long text ".repeat(40)));
        }
        s
    });
    let script = r#"
snapshot() { "$BIN" --db "$MNT/reg.db" export --all --format json 2>/dev/null | md5sum | cut -c1-32; }
leftovers() { ls -A "$MNT" "$MNT/split" 2>/dev/null | grep -c '^\.riskreg-\|^\.tmp'; }
for free in 0 24576 65536 262144; do
  for op in add import export xlsx split backup; do
    rm -rf "$MNT"/* "$MNT"/.riskreg-* 2>/dev/null
    cp -p "$HOST/reg.db" "$MNT/reg.db"
    before=$(snapshot)
    case $op in
      add)    full $free "$BIN" --db "$MNT/reg.db" add "on a full disk" -l 1 -i 1 >/dev/null 2>"$HOST/err" ;;
      import) full $free "$BIN" --db "$MNT/reg.db" import "$HOST/big.csv" >/dev/null 2>"$HOST/err" ;;
      export) full $free "$BIN" --db "$MNT/reg.db" export --all -o "$MNT/out.csv" 2>"$HOST/err" ;;
      xlsx)   full $free "$BIN" --db "$MNT/reg.db" export --all -o "$MNT/out.xlsx" 2>"$HOST/err" ;;
      split)  full $free "$BIN" --db "$MNT/reg.db" export --all --split-by team --output-dir "$MNT/split" >/dev/null 2>"$HOST/err" ;;
      backup) full $free "$BIN" --db "$MNT/reg.db" db backup "$MNT/b.db" >/dev/null 2>"$HOST/err" ;;
    esac
    rc=$?
    after=$(snapshot)
    left=$(leftovers)
    files=$(ls "$MNT/split" 2>/dev/null | wc -l)
    "$BIN" --db "$MNT/reg.db" db check >/dev/null 2>&1; check=$?
    echo "op=$op free=$free rc=$rc same=$([ "$before" = "$after" ] && echo 1 || echo 0) left=$left split_files=$files out=$([ -e "$MNT/out.csv" ] || [ -e "$MNT/out.xlsx" ] && echo 1 || echo 0) backup=$([ -e "$MNT/b.db" ] && echo 1 || echo 0) check=$check err=$(head -c 200 "$HOST/err" | tr '\n' ' ')"
  done
done
"#;
    std::fs::copy(&reg.db, reg.path("reg.db.copy")).unwrap();
    let report = on_a_small_disk(&reg, script);
    eprintln!("{report}");
    let mut failures = 0;
    for line in report.lines().filter(|l| l.starts_with("op=")) {
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(&format!("{name}=")))
                .unwrap_or("")
                .to_string()
        };
        let (op, rc) = (field("op"), field("rc"));
        assert!(rc == "0" || rc == "74", "{line}");
        assert_eq!(field("left"), "0", "temporary files left: {line}");
        assert_eq!(field("check"), "0", "db check after: {line}");
        if rc == "74" {
            failures += 1;
            assert!(field("err").starts_with("riskreg:"), "{line}");
            assert_eq!(field("same"), "1", "the register changed: {line}");
            assert_eq!(field("split_files"), "0", "a partial split export: {line}");
            assert_eq!(field("out"), "0", "a partial export: {line}");
            assert_eq!(field("backup"), "0", "a partial backup: {line}");
        } else if op == "add" || op == "import" {
            assert_eq!(field("same"), "0", "a success that wrote nothing: {line}");
        }
    }
    assert!(
        report.lines().filter(|l| l.starts_with("op=")).count() == 24,
        "{report}"
    );
    assert!(failures >= 10, "the disk was full often enough:\n{report}");
    for op in ["add", "import", "export", "xlsx", "split", "backup"] {
        assert!(
            report
                .lines()
                .any(|l| l.starts_with(&format!("op={op} ")) && l.contains(" rc=74 ")),
            "{op} never met a full disk:\n{report}"
        );
    }
}

/// LOAD-1: twelve processes add, edit, review, delete and import at once while four others
/// read, for a few seconds. Every acknowledged change is in the register exactly once (each
/// add once, each import's rows once, each delete gone with one delete event, each edit and
/// review in the history), nothing refused left a trace, and the file is healthy.
#[test]
fn load_1_mixed_concurrent_writers_lose_and_duplicate_nothing() {
    let reg = Reg::new();
    for i in 0..20 {
        reg.add(&format!("seed {i}"), 3, 3, &[]);
    }
    let started = Instant::now();
    let run_for = Duration::from_secs(6);
    let (writes, reads): (Vec<Vec<Outcome>>, Vec<usize>) = thread::scope(|s| {
        let writers: Vec<_> = (0..12)
            .map(|p| {
                let reg = &reg;
                s.spawn(move || writer(reg, p, started, run_for))
            })
            .collect();
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let reg = &reg;
                s.spawn(move || {
                    let mut n = 0;
                    while started.elapsed() < run_for {
                        let out = reg.output(&["list", "--all", "--format", "json"]);
                        assert!(out.status.success(), "a reader failed: {}", stderr(&out));
                        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        (
            writers.into_iter().map(|h| h.join().unwrap()).collect(),
            readers.into_iter().map(|h| h.join().unwrap()).collect(),
        )
    });
    let titles = reg.titles(&["--all"]);
    let history = reg.json(&["history"]);
    let events = history.as_array().unwrap();
    let count_events =
        |pred: &dyn Fn(&serde_json::Value) -> bool| events.iter().filter(|e| pred(e)).count();
    let deleted: Vec<&str> = writes
        .iter()
        .flatten()
        .filter(|(what, code)| what.starts_with("delete ") && *code == Some(0))
        .map(|(what, _)| what.splitn(3, ' ').nth(2).unwrap())
        .collect();
    let mut acknowledged = 0;
    for (what, code) in writes.iter().flatten() {
        let mut words = what.split(' ');
        let (op, tag) = (words.next().unwrap(), words.next().unwrap());
        let titled = |t: &str| titles.iter().filter(|x| **x == t).count();
        if *code != Some(0) {
            // Refused (the lock held past the busy timeout): then it wrote nothing.
            assert_eq!(*code, Some(75), "{what} exited {code:?}");
            assert_eq!(
                count_events(&|e| e["note"] == tag || e["new"] == tag),
                0,
                "{what}"
            );
            continue;
        }
        acknowledged += 1;
        match op {
            "add" => {
                let title = format!("add {tag}");
                let expected = usize::from(!deleted.contains(&title.as_str()));
                assert_eq!(titled(&title), expected, "{what}");
            }
            "import" => {
                assert_eq!(titled(&format!("import {tag} a")), 1, "{what}");
                assert_eq!(titled(&format!("import {tag} b")), 1, "{what}");
            }
            "edit" => assert_eq!(
                count_events(&|e| e["field"] == "owner" && e["new"] == tag),
                1,
                "{what}"
            ),
            "review" => assert_eq!(
                count_events(&|e| e["kind"] == "review" && e["note"] == tag),
                1,
                "{what}"
            ),
            "delete" => {
                let victim = what.splitn(3, ' ').nth(2).unwrap();
                assert_eq!(titled(victim), 0, "{what}: deleted, yet listed");
                assert_eq!(
                    count_events(&|e| e["kind"] == "delete" && e["note"] == tag),
                    1,
                    "{what}"
                );
            }
            _ => unreachable!(),
        }
    }
    assert!(
        acknowledged > 80,
        "only {acknowledged} writes in {run_for:?}"
    );
    assert!(reads.iter().sum::<usize>() > 20, "readers read: {reads:?}");
    // Revisions and history agree for every risk: no half-applied change.
    let mismatched: i64 = reg.count(
        "SELECT count(*) FROM risk r WHERE r.revision <>
           (SELECT count(DISTINCT e.revision) FROM event e WHERE e.risk_id = r.id)",
    );
    assert_eq!(mismatched, 0);
    assert_healthy(&reg, &reg.db);
}

/// What a LOAD-1 writer did ("add p3-7", …) and how riskreg exited.
type Outcome = (String, Option<i32>);

/// One writer of LOAD-1: a mix of every kind of change, each tagged so it can be found.
fn writer(reg: &Reg, p: usize, started: Instant, run_for: Duration) -> Vec<Outcome> {
    let mut done = Vec::new();
    let mut mine: Vec<(i64, String)> = Vec::new();
    let mut i = 0;
    while started.elapsed() < run_for {
        i += 1;
        let tag = format!("p{p}-{i}");
        let seed = 1 + (p * 7 + i) % 20;
        let (args, what): (Vec<String>, String) = match (p + i) % 5 {
            0 => {
                let title = format!("add {tag}");
                let out = reg.output(&["add", &title, "-l", "2", "-i", "2"]);
                if let Ok(id) = String::from_utf8_lossy(&out.stdout).trim().parse::<i64>() {
                    mine.push((id, title));
                }
                done.push((format!("add {tag}"), out.status.code()));
                continue;
            }
            1 => (
                vec![
                    "edit".into(),
                    seed.to_string(),
                    "--owner".into(),
                    tag.clone(),
                ],
                format!("edit {tag}"),
            ),
            2 => (
                vec![
                    "review".into(),
                    seed.to_string(),
                    "--note".into(),
                    tag.clone(),
                ],
                format!("review {tag}"),
            ),
            3 => {
                let file = reg.path(&format!("{tag}.csv"));
                std::fs::write(
                    &file,
                    format!("title,likelihood,impact\nimport {tag} a,1,2\nimport {tag} b,2,1\n"),
                )
                .unwrap();
                (
                    vec!["import".into(), file.display().to_string()],
                    format!("import {tag}"),
                )
            }
            _ => match mine.pop() {
                Some((id, title)) => (
                    vec![
                        "delete".into(),
                        id.to_string(),
                        "--yes".into(),
                        "--note".into(),
                        tag.clone(),
                    ],
                    format!("delete {tag} {title}"),
                ),
                None => continue,
            },
        };
        let out = reg
            .std_cmd()
            .args(&args)
            .stdout(Stdio::null())
            .output()
            .unwrap();
        done.push((what, out.status.code()));
    }
    done
}
