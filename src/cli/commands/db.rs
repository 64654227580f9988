//! `riskreg db path|check|backup`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::json;

use crate::cli::args::DbCommand;
use crate::cli::context::Ctx;
use crate::cli::output::emit_one;
use crate::cli::progress::Progress;
use crate::error::{Error, Result};
use crate::io::atomic::{AtomicFile, stale_temp_files};
use crate::io::import::MAX_ID;
use crate::store::{AccessLevel, Location, OpenMode, Store};
use crate::text::sanitize;

pub(crate) fn db(ctx: &Ctx, command: DbCommand) -> Result<()> {
    match command {
        DbCommand::Path => {
            let (shown, exists) = match &ctx.db {
                Location::File(path) => {
                    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                    (path.display().to_string(), path.exists())
                }
                Location::Postgres(url) => (url.redacted(), Store::exists(&ctx.db)?),
            };
            emit_one(
                ctx,
                &json!({"schema_version": 1, "path": shown, "exists": exists}),
                || format!("{}\n", sanitize(&shown)),
            )
        }
        DbCommand::Check { quick } => check(ctx, quick),
        DbCommand::Init { url } => init(ctx, url.map(|u| Location::parse(u.as_os_str()))),
        DbCommand::Copy { source, target } => copy(
            ctx,
            &Location::parse(source.as_os_str()),
            &Location::parse(target.as_os_str()),
        ),
        DbCommand::Grant {
            role,
            reader,
            editor,
            admin: _,
            teams,
        } => {
            let level = if reader {
                AccessLevel::Reader
            } else if editor {
                AccessLevel::Editor
            } else {
                AccessLevel::Admin
            };
            grant(ctx, &role, level, &teams)
        }
        DbCommand::Revoke { role } => {
            let mut store = ctx.open_existing()?;
            let had = store.revoke(&ctx.stamp(), &role)?;
            emit_one(
                ctx,
                &json!({"schema_version": 1, "role": role, "revoked": had}),
                || {
                    if had {
                        format!("role {} may no longer use the register\n", sanitize(&role))
                    } else {
                        format!("role {} had no grant on the register\n", sanitize(&role))
                    }
                },
            )
        }
        DbCommand::Backup { file, force } => {
            let store = ctx.open_existing()?;
            let target = AtomicFile::create(&file, force, "backup")?;
            store.backup_into(target.temp_path(), &ctx.stamp())?;
            target.commit()?;
            let (_, risks) = store.risk_totals()?;
            let shown = file.display().to_string();
            emit_one(
                ctx,
                &json!({"schema_version": 1, "backup": shown, "risks": risks}),
                || {
                    format!(
                        "backed up {} to {}\n",
                        crate::domain::figures::count(risks, "risk", "risks"),
                        sanitize(&shown)
                    )
                },
            )
        }
    }
}

fn grant(ctx: &Ctx, role: &str, level: AccessLevel, teams: &[String]) -> Result<()> {
    let mut store = ctx.open_existing()?;
    let teams = store.grant(&ctx.stamp(), role, level, teams)?;
    let what = match level {
        AccessLevel::Reader => "read the register".to_string(),
        AccessLevel::Admin => "change everything and grant to others".to_string(),
        AccessLevel::Editor if teams.is_empty() => {
            "change every team's risks and actions, teams, milestones and settings".to_string()
        }
        AccessLevel::Editor => format!("change the risks and actions of {}", teams.join(", ")),
    };
    emit_one(
        ctx,
        &json!({"schema_version": 1, "role": role, "level": level.as_str(), "teams": teams}),
        || format!("role {} may now {}\n", sanitize(role), sanitize(&what)),
    )
}

/// Opens (so creates) the register's schema where `url` (else --db) says.
fn init(ctx: &Ctx, url: Option<Location>) -> Result<()> {
    let location = url.unwrap_or_else(|| ctx.db.clone());
    let store = Store::open(&location, OpenMode::Create)?;
    let stats = store.stats()?;
    let shown = location.to_string();
    emit_one(
        ctx,
        &json!({"schema_version": 1, "path": shown, "register_schema": stats.schema_version, "risks": stats.risks}),
        || {
            format!(
                "{} is a riskreg register (schema version {}, {})\n",
                sanitize(&shown),
                stats.schema_version,
                crate::domain::figures::count(
                    u64::try_from(stats.risks).unwrap_or(0),
                    "risk",
                    "risks"
                )
            )
        },
    )
}

/// Copies a whole register; a new target file that the copy could not fill is removed.
fn copy(ctx: &Ctx, source: &Location, target: &Location) -> Result<()> {
    if source == target {
        return Err(Error::Usage(format!(
            "source and target are the same register ({source}); name another target"
        )));
    }
    let from = Store::open(source, OpenMode::Existing)?;
    let created = target.file().filter(|p| !p.exists()).map(Path::to_path_buf);
    let result = Store::open(target, OpenMode::Create).and_then(|mut to| {
        let mut bar = Progress::new("copying", None, ctx.term.stderr);
        let (mut done, mut table, mut last) = (0, "", 0);
        let copied = from.copy_into(&mut to, &ctx.stamp(), &mut |p| {
            if p.table != table {
                (done, table) = (done + last, p.table);
            }
            last = p.rows;
            bar.set(done + p.rows);
        });
        bar.finish();
        copied
    });
    let rows = match result {
        Ok(rows) => rows,
        Err(e) => {
            if let Some(path) = created {
                // The file was made by this copy and holds nothing of anyone's.
                let _ = std::fs::remove_file(&path);
            }
            return Err(e);
        }
    };
    let (_, risks) = from.risk_totals()?;
    let (from_shown, to_shown) = (source.to_string(), target.to_string());
    emit_one(
        ctx,
        &json!({"schema_version": 1, "source": from_shown, "target": to_shown, "risks": risks, "rows": rows}),
        || {
            format!(
                "copied {} ({rows} rows in all) from {} to {}\n",
                crate::domain::figures::count(risks, "risk", "risks"),
                sanitize(&from_shown),
                sanitize(&to_shown)
            )
        },
    )
}

fn check(ctx: &Ctx, quick: bool) -> Result<()> {
    let store = ctx.open_existing()?;
    let report = store.check(quick)?;
    if !report.is_healthy() {
        let findings: Vec<String> = report
            .integrity
            .iter()
            .filter(|l| *l != "ok")
            .chain(&report.foreign_keys)
            .flat_map(|finding| finding.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("***"))
            .take(10)
            .map(str::to_string)
            .collect();
        return Err(Error::Corrupt {
            message: format!(
                "{} failed its check: {}; restore from a backup",
                store.location(),
                findings.join("; ")
            ),
        });
    }
    let stats = store.stats()?;
    let warnings = store.location().file().map(warnings).unwrap_or_default();
    let problems = problems(&store)?;
    let path = store.location().to_string();
    let value = json!({
        "schema_version": 1,
        "path": path,
        "healthy": problems.is_empty(),
        "integrity": report.integrity,
        "foreign_keys": report.foreign_keys,
        "stats": stats,
        "problems": problems,
        "warnings": warnings,
    });
    emit_one(ctx, &value, || {
        let mut s = format!("path          {}\n", sanitize(&path));
        s.push_str(&format!("schema        version {}\n", stats.schema_version));
        s.push_str(&format!("journal       {}\n", stats.journal_mode));
        s.push_str(&format!(
            "integrity     ok{}\n",
            if quick { " (quick check)" } else { "" }
        ));
        s.push_str("foreign keys  ok\n");
        s.push_str(&format!(
            "contents      {} risks ({} active), {} teams, {} milestones, {} events, {} KiB\n",
            stats.risks,
            stats.active_risks,
            stats.teams,
            stats.milestones,
            stats.events,
            stats.bytes / 1024
        ));
        for p in &problems {
            s.push_str(&format!("problem: {}\n", sanitize(p)));
        }
        for w in &warnings {
            s.push_str(&format!("warning: {}\n", sanitize(w)));
        }
        s
    })?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Refused {
            code: crate::cli::CHECK_FAILED,
            message: format!(
                "db check found {} problem{} (listed above)",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            ),
        })
    }
}

/// An id counter past this (2^62, half of what ids can hold) is near its limit: imports
/// bring ids up to [`MAX_ID`], so only an older riskreg could have pushed it there.
const COUNTER_WARNING: i64 = 1 << 62;

/// What is wrong though the file is intact, each one a reason for `db check` to fail:
/// temporary files left by a killed export or backup, and an id counter so close to its
/// limit that new risks could not be created.
fn problems(store: &crate::store::Store) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (table, seq) in store.id_counters()? {
        if seq > COUNTER_WARNING {
            out.push(format!(
                "the {table} id counter is at {seq}, far beyond the largest id an import may bring ({MAX_ID}); only {} more {table} ids remain before new ones cannot be created",
                i64::MAX - seq
            ));
        }
    }
    if let Some(dir) = store.location().file().and_then(Path::parent) {
        for path in stale_temp_files(dir) {
            out.push(format!(
                "stale temporary file {} (left by an interrupted export or backup); delete it, or run another export into that directory",
                path.display()
            ));
        }
    }
    Ok(out)
}

/// Things worth knowing that are not corruption: loose permissions and a network filesystem
/// (where SQLite's locking cannot be trusted).
fn warnings(db: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(meta) = std::fs::metadata(db)
        && meta.permissions().mode() & 0o077 != 0
    {
        out.push(format!(
            "database is readable by group/others (mode {:o}); run: chmod 600 {}",
            meta.permissions().mode() & 0o777,
            db.display()
        ));
    }
    if let Some(fs) = network_filesystem(db) {
        out.push(format!(
            "the register is on a {fs} filesystem; SQLite's locking is unreliable there, so keep it on a local disk"
        ));
    }
    out
}

fn network_filesystem(path: &Path) -> Option<String> {
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    let mut best: Option<(usize, String)> = None;
    for line in mounts.lines() {
        let mut parts = line.split_whitespace();
        let (Some(_), Some(mount), Some(fstype)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let mount = mount.replace("\\040", " ");
        if path.starts_with(&mount) && best.as_ref().is_none_or(|(len, _)| mount.len() > *len) {
            best = Some((mount.len(), fstype.to_string()));
        }
    }
    let (_, fstype) = best?;
    let network = [
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "sshfs",
    ];
    (network.contains(&fstype.as_str()) || fstype.starts_with("fuse")).then_some(fstype)
}
