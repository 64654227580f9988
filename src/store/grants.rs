//! Who may change what in a register in PostgreSQL: `db grant` and `db revoke` set a role's
//! privileges and its row in `access`, and every change checks here first, so a refused one
//! says which risk and which team (row-level security would refuse it anyway, silently). An
//! SQLite register is guarded by its file's permissions instead.

use std::collections::HashSet;

use super::catalog::fold;
use super::db::{Db, args};
use super::{Stamp, Store, Tx};
use crate::error::{Error, Result};

/// What a role may do with the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessLevel {
    /// Read everything, change nothing.
    Reader,
    /// Change the risks and actions of its teams (all teams when none are named), and, with
    /// every team, the teams, milestones, incidents and settings.
    Editor,
    /// Everything an editor of every team may, and granting to others.
    Admin,
}

impl AccessLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Reader => "reader",
            AccessLevel::Editor => "editor",
            AccessLevel::Admin => "admin",
        }
    }
}

/// What the session's role may change, read once per transaction.
#[derive(Clone, Debug)]
pub(super) struct Access {
    role: String,
    /// The owner, an admin, or an editor of every team.
    every_team: bool,
    /// The teams an editor is limited to, as the register spells them.
    teams: Vec<String>,
    /// A reader, or a role with no grant at all.
    read_only: bool,
}

impl Access {
    fn may_edit(&self, team: Option<&str>) -> bool {
        self.every_team || team.is_some_and(|t| self.teams.iter().any(|mine| fold(mine) == fold(t)))
    }

    /// Why `what` (of `team`) may not be changed by this role: one line, exit 77.
    fn refusal(&self, what: &str, team: Option<&str>) -> Error {
        let role = &self.role;
        let of = team.map_or_else(|| "of no team".to_string(), |t| format!("of team {t}"));
        Error::PermissionDenied(if self.read_only {
            format!(
                "cannot change {what} ({of}): role {role} may only read this register; ask its admin (`riskreg db grant {role} --editor`)"
            )
        } else {
            format!(
                "cannot change {what} ({of}): role {role} changes only the risks and actions of {}; ask the register's admin (`riskreg db grant {role} --editor --team …`)",
                self.teams.join(", ")
            )
        })
    }
}

impl Tx<'_> {
    /// Refuses a change to `what`, a risk or action of `team`, that the session's role may
    /// not make (exit 77). Every change is allowed on SQLite.
    pub(super) fn require_may_edit(&mut self, what: &str, team: Option<&str>) -> Result<()> {
        if matches!(self.db(), Db::Sqlite(_)) {
            return Ok(());
        }
        if self.access.is_none() {
            self.access = Some(read_access(self.db())?);
        }
        match &self.access {
            Some(access) if !access.may_edit(team) => Err(access.refusal(what, team)),
            _ => Ok(()),
        }
    }
}

fn read_access(db: Db<'_>) -> Result<Access> {
    let (role, owner): (String, bool) = db
        .first(
            "SELECT session_user::text, pg_has_role(session_user,
                 (SELECT relowner FROM pg_class WHERE oid = 'risk'::regclass), 'MEMBER')",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .ok_or_else(|| Error::Internal("no session user".into()))?;
    let rows: Vec<(String, Option<String>)> = db.all(
        "SELECT a.level, t.name FROM access a LEFT JOIN team t ON t.id = a.team_id
         WHERE a.role = session_user ORDER BY t.name",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let editor = |level: &str| level == "editor" || level == "admin";
    let every_team = owner || rows.iter().any(|(l, t)| editor(l) && t.is_none());
    Ok(Access {
        role,
        every_team,
        teams: rows
            .iter()
            .filter(|(l, _)| editor(l))
            .filter_map(|(_, t)| t.clone())
            .collect(),
        read_only: !owner && !rows.iter().any(|(l, _)| editor(l)),
    })
}

/// `name` as an SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The tables an editor of some teams changes (row-level security keeps it to them).
const TEAM_TABLES: &str = "risk, action, risk_actions, incident, incident_risk";
/// What an editor of every team changes besides.
const CATALOG_TABLES: &str = "team, milestone, setting";

impl Store {
    /// Gives `role` (which must exist on the server) a level of access, replacing what it
    /// had; an editor limited to `teams`. Returns the teams as the register spells them.
    pub fn grant(
        &mut self,
        stamp: &Stamp,
        role: &str,
        level: AccessLevel,
        teams: &[String],
    ) -> Result<Vec<String>> {
        self.refuse_grants_on_sqlite()?;
        self.write(stamp, |tx| {
            let db = tx.db();
            require_role(db, role)?;
            let mut names = Vec::new();
            let mut seen = HashSet::new();
            for team in teams {
                if let Some((id, name)) = tx.resolve_team(Some(team))?
                    && seen.insert(id)
                {
                    names.push((id, name));
                }
            }
            let db = tx.db();
            revoke_all(db, role)?;
            let level_text = level.as_str();
            if names.is_empty() {
                db.execute(
                    "INSERT INTO access (role, level, team_id) VALUES (?1, ?2, NULL)",
                    &args![role, level_text],
                )?;
            }
            for (id, _) in &names {
                db.execute(
                    "INSERT INTO access (role, level, team_id) VALUES (?1, ?2, ?3)",
                    &args![role, level_text, id],
                )?;
            }
            let schema = ident(&db.value::<String>("SELECT current_schema()::text", &[])?);
            let who = ident(role);
            // An admin may pass on what it holds.
            let to = match level {
                AccessLevel::Admin => format!("{who} WITH GRANT OPTION"),
                _ => who,
            };
            let mut sql = format!(
                "GRANT USAGE ON SCHEMA {schema} TO {to};
                 GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {to};
                 GRANT SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {to};"
            );
            if level != AccessLevel::Reader {
                sql.push_str(&format!(
                    "GRANT INSERT, UPDATE, DELETE ON {TEAM_TABLES} TO {to};
                     GRANT INSERT ON event TO {to};
                     GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {to};"
                ));
                if names.is_empty() {
                    sql.push_str(&format!(
                        "GRANT INSERT, UPDATE, DELETE ON {CATALOG_TABLES} TO {to};"
                    ));
                }
            }
            if level == AccessLevel::Admin {
                sql.push_str(&format!("GRANT INSERT, UPDATE, DELETE ON access TO {to};"));
            }
            db.batch(&sql)?;
            Ok(names.into_iter().map(|(_, n)| n).collect())
        })
    }

    /// Takes every grant from `role`; returns whether it had one.
    pub fn revoke(&mut self, stamp: &Stamp, role: &str) -> Result<bool> {
        self.refuse_grants_on_sqlite()?;
        self.write(stamp, |tx| {
            let db = tx.db();
            require_role(db, role)?;
            revoke_all(db, role)
        })
    }

    fn refuse_grants_on_sqlite(&self) -> Result<()> {
        match self.db() {
            Db::Sqlite(_) => Err(Error::Usage(format!(
                "{} is an SQLite register: who may read or change it is its file's permissions (chmod); grants are for a register in PostgreSQL",
                self.location
            ))),
            Db::Postgres(_) => Ok(()),
        }
    }
}

fn require_role(db: Db<'_>, role: &str) -> Result<()> {
    let exists = db.first(
        "SELECT 1 FROM pg_roles WHERE rolname = ?1",
        &args![role],
        |_| Ok(()),
    )?;
    if exists.is_some() {
        return Ok(());
    }
    Err(Error::NotFound(format!(
        "no role {:?} on this server; create it first (CREATE ROLE {} LOGIN PASSWORD '…', as a role that may create roles)",
        crate::text::echo(role),
        ident(role)
    )))
}

/// Removes `role`'s row in `access` and every privilege on the register (and what it passed
/// on); whether it had any. Privileges someone else granted (an admin can take back only
/// its own grants) are refused by name.
fn revoke_all(db: Db<'_>, role: &str) -> Result<bool> {
    let had = db.execute("DELETE FROM access WHERE role = ?1", &args![role])? > 0;
    let schema = ident(&db.value::<String>("SELECT current_schema()::text", &[])?);
    let who = ident(role);
    db.batch(&format!(
        "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who} CASCADE;
         REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {who} CASCADE;
         REVOKE USAGE ON SCHEMA {schema} FROM {who} CASCADE;"
    ))?;
    let kept: bool = db.value(
        "SELECT has_table_privilege(?1::name, 'risk', 'SELECT') AND NOT pg_has_role(?1::name,
             (SELECT relowner FROM pg_class WHERE oid = 'risk'::regclass), 'MEMBER')",
        &args![role],
    )?;
    if kept {
        return Err(Error::PermissionDenied(format!(
            "role {} keeps privileges another role granted it; the register's owner can take them back (`riskreg db revoke` as the owner)",
            crate::text::echo(role)
        )));
    }
    Ok(had)
}
