//! Files riskreg creates are private and appear whole (RELIABILITY.md §1.7, §7); damaged or
//! foreign files are refused cleanly (§1.6).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

use common::{Reg, json_error, stderr};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs riskreg under `umask 022`, as most shells are.
fn with_umask_022(reg: &Reg, args: &str) -> std::process::Output {
    let mut c = reg.std_cmd();
    let mut sh = std::process::Command::new("sh");
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    c = sh;
    c.args(["-c", &format!("umask 022; exec {} {args}", common::BIN)]);
    c.output().unwrap()
}

/// FS-1: a new register is 0600, its -wal and -shm too, and the default data directory 0700.
#[test]
fn fs_1_new_registers_are_private() {
    let reg = Reg::new();
    let out = with_umask_022(&reg, "add first -l 1 -i 1");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode(&reg.db), 0o600);
    // Keep a connection open so the WAL files stay, and write through it.
    let conn = reg.conn();
    conn.execute("UPDATE risk SET owner = 'x'", []).unwrap();
    let out = with_umask_022(&reg, "edit 1 --owner y");
    assert!(out.status.success(), "{}", stderr(&out));
    for suffix in ["-wal", "-shm"] {
        let side = reg.db.with_file_name(format!("reg.db{suffix}"));
        assert_eq!(mode(&side), 0o600, "{suffix}");
    }
    drop(conn);

    let home = Reg::new();
    let mut c = std::process::Command::new("sh");
    common::isolate(&mut c, home.dir.path());
    let out = c
        .args([
            "-c",
            &format!("umask 022; exec {} add first -l 1 -i 1", common::BIN),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = home.dir.path().join("data/riskreg");
    assert_eq!(mode(&dir), 0o700, "the data directory");
    assert_eq!(mode(&dir.join("riskreg.db")), 0o600);
}

/// FS-3: an export never replaces a file unless forced, and a forced one is a new file
/// renamed into place, with no temporary file left.
#[test]
fn fs_3_exports_replace_only_when_forced_and_atomically() {
    let reg = Reg::new();
    reg.add("r", 2, 2, &[]);
    let target = reg.write("report.csv", "the manager's copy");
    let inode = std::fs::metadata(&target).unwrap().ino();
    let out = reg.fails(&["export", "-o", target.to_str().unwrap()], 73);
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&target).unwrap(), b"the manager's copy");
    reg.ok(&["export", "-o", target.to_str().unwrap(), "--force"]);
    assert!(std::fs::read_to_string(&target).unwrap().contains("\"r\""));
    assert_ne!(
        std::fs::metadata(&target).unwrap().ino(),
        inode,
        "renamed into place, not rewritten"
    );
    let leftovers: Vec<_> = std::fs::read_dir(reg.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".riskreg-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // As JSON (the file's name agrees with --format, which also makes the error JSON).
    let json = reg.write("report.json", "[]");
    let out = reg.fails(
        &["export", "-o", json.to_str().unwrap(), "--format", "json"],
        73,
    );
    assert_eq!(json_error(&out)["error"]["code"], "output_exists");
    assert_eq!(std::fs::read(&json).unwrap(), b"[]");
}

/// FS-7: a backup is private even under umask 022.
#[test]
fn fs_7_backups_are_private() {
    let reg = Reg::new();
    reg.add("r", 2, 2, &[]);
    let backup = reg.path("b.db");
    let out = with_umask_022(&reg, &format!("db backup {}", backup.display()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode(&backup), 0o600);
}

/// BK-2: a backup never overwrites unless forced; forced, it replaces atomically and is a
/// complete register on its own.
#[test]
fn bk_2_backups_replace_only_when_forced() {
    let reg = Reg::new();
    reg.add("r", 2, 2, &[]);
    let backup = reg.write("b.db", "an older backup");
    reg.fails(&["db", "backup", backup.to_str().unwrap()], 73);
    assert_eq!(std::fs::read(&backup).unwrap(), b"an older backup");
    let inode = std::fs::metadata(&backup).unwrap().ino();
    reg.ok(&["db", "backup", backup.to_str().unwrap(), "--force"]);
    assert_ne!(std::fs::metadata(&backup).unwrap().ino(), inode);
    let copy = Reg::new();
    std::fs::copy(&backup, &copy.db).unwrap();
    assert_eq!(
        copy.json(&["list"])[0]["title"],
        "r",
        "the backup alone is a working register"
    );
    assert!(!std::fs::read_dir(reg.dir.path()).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".riskreg-")
    }));
}

/// IC-4 (CLI): a SQLite file that is not a register is refused, named, and left as it was.
#[test]
fn ic_4_foreign_files_are_refused_and_untouched() {
    let reg = Reg::new();
    let foreign = reg.path("notes.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE notes (t TEXT)")
        .unwrap();
    let text = reg.write("notes.txt", "just text, not a database at all, long enough to have a header .....................................................................................");
    for file in [&foreign, &text] {
        let before = std::fs::read(file).unwrap();
        let out = reg.fails(&["--db", file.to_str().unwrap(), "list"], 65);
        let message = stderr(&out);
        assert!(
            message.contains(file.file_name().unwrap().to_str().unwrap())
                && message.contains("not a riskreg register"),
            "{message}"
        );
        reg.fails(
            &[
                "--db",
                file.to_str().unwrap(),
                "add",
                "x",
                "-l",
                "1",
                "-i",
                "1",
            ],
            65,
        );
        assert_eq!(
            std::fs::read(file).unwrap(),
            before,
            "{} was changed",
            file.display()
        );
    }
}

/// IC-2: a loop over 500 copies of a register, each with 64 random bytes overwritten past
/// the first page. Every command ends cleanly: success, or a clear error with exit 65 (or
/// 74 for I/O, 1 for a record that is no longer there) — never a panic (101), never a hang.
#[test]
fn ic_2_corrupted_copies_never_panic_or_hang() {
    let reg = Reg::new();
    let data = reg.write("data.csv", common::dataset_csv(400));
    reg.ok(&["import", data.to_str().unwrap()]);
    let pristine = std::fs::read(&reg.db).unwrap();
    assert!(
        pristine.len() > 32 * 4096,
        "a register of {} bytes",
        pristine.len()
    );
    let mut seed: u64 = 0x5eed_1234_abcd_ef01;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut failures = 0;
    let copy = Reg::new();
    for iteration in 0..500 {
        let mut bytes = pristine.clone();
        let offset = 4096 + (next() as usize) % (bytes.len() - 4096 - 64);
        for b in &mut bytes[offset..offset + 64] {
            *b = next() as u8;
        }
        std::fs::write(&copy.db, &bytes).unwrap();
        for args in [
            vec!["list", "--all"],
            vec!["show", "1"],
            vec!["db", "check"],
            vec!["export", "--all", "--format", "csv"],
        ] {
            let out = copy
                .cmd()
                .args(&args)
                .timeout(Duration::from_secs(10))
                .output()
                .unwrap();
            let code = out.status.code();
            assert!(
                code.is_some(),
                "iteration {iteration} {args:?}: killed (hang or signal)"
            );
            assert!(
                matches!(code, Some(0 | 1 | 65 | 74)),
                "iteration {iteration} {args:?} exited {code:?}: {}",
                stderr(&out)
            );
            if code != Some(0) {
                failures += 1;
                let message = stderr(&out);
                assert!(
                    message.starts_with("riskreg: ") && message.lines().count() == 1,
                    "iteration {iteration} {args:?}: {message:?}"
                );
            }
        }
        let _ = std::fs::remove_file(copy.db.with_file_name("reg.db-wal"));
        let _ = std::fs::remove_file(copy.db.with_file_name("reg.db-shm"));
    }
    assert!(
        failures > 100,
        "the corruption was noticed only {failures} times; the test is not exercising much"
    );
}
