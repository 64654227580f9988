//! Teams and milestones: the names risks are owned by and planned against.
//!
//! Names are unique ignoring ASCII case (SQLite's NOCASE); a risk refers to a team or
//! milestone by id, so renaming one never touches the risks.

use std::borrow::Cow;
use std::collections::HashMap;

use jiff::civil::Date;

use super::db::args;
use super::{Edit, Store, Tx};
use crate::domain::actions::ActionPatch;
use crate::domain::lifecycle::Rules;
use crate::domain::{
    FieldError, Milestone, MilestonePatch, MilestoneStatus, RiskPatch, Team, milestone_overdue,
    validate,
};
use crate::error::{Error, Result};
use crate::suggest;

/// Team and milestone ids by folded name, loaded once per transaction (an import resolves
/// the same twenty names a hundred thousand times).
#[derive(Debug, Default)]
pub struct NameCache {
    teams: HashMap<String, (i64, String)>,
    milestones: HashMap<String, (i64, String)>,
}

pub(super) fn fold(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Team,
    Milestone,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Milestone => "milestone",
        }
    }
}

impl Tx<'_> {
    fn names(&mut self) -> Result<&mut NameCache> {
        if self.names.is_none() {
            let mut cache = NameCache::default();
            for (sql, map) in [
                ("SELECT id, name FROM team", &mut cache.teams),
                ("SELECT id, name FROM milestone", &mut cache.milestones),
            ] {
                self.db().each(sql, &[], |r| {
                    let (id, name): (i64, String) = (r.get(0)?, r.get(1)?);
                    map.insert(fold(&name).into_owned(), (id, name));
                    Ok(())
                })?;
            }
            self.names = Some(cache);
        }
        self.names
            .as_mut()
            .ok_or_else(|| Error::Internal("name cache missing".into()))
    }

    fn map(&mut self, kind: Kind) -> Result<&mut HashMap<String, (i64, String)>> {
        let names = self.names()?;
        Ok(match kind {
            Kind::Team => &mut names.teams,
            Kind::Milestone => &mut names.milestones,
        })
    }

    fn lookup(&mut self, kind: Kind, name: &str) -> Result<Option<(i64, String)>> {
        Ok(self.map(kind)?.get(fold(name).as_ref()).cloned())
    }

    /// The id and canonical spelling of an existing name, or an error that suggests the
    /// closest name and the command that creates it.
    fn require(&mut self, kind: Kind, name: &str) -> Result<(i64, String)> {
        if let Some(found) = self.lookup(kind, name)? {
            return Ok(found);
        }
        let map = self.map(kind)?;
        let hint = suggest::did_you_mean(name, map.values().map(|(_, n)| n.as_str()));
        let noun = kind.noun();
        Err(FieldError::new(
            noun,
            name,
            format!(
                "no such {noun}{hint}{} create it with: riskreg {noun} add {}",
                if hint.is_empty() { ";" } else { " Or" },
                shell_quote(name)
            ),
        )
        .into())
    }

    pub(super) fn resolve_team(&mut self, name: Option<&str>) -> Result<Option<(i64, String)>> {
        name.map(|n| self.require(Kind::Team, n)).transpose()
    }

    pub(super) fn resolve_milestone(
        &mut self,
        name: Option<&str>,
    ) -> Result<Option<(i64, String)>> {
        name.map(|n| self.require(Kind::Milestone, n)).transpose()
    }

    fn insert(&mut self, kind: Kind, name: &str) -> Result<(i64, String)> {
        let sql = match kind {
            Kind::Team => "INSERT INTO team (name) VALUES (?1)",
            Kind::Milestone => "INSERT INTO milestone (name) VALUES (?1)",
        };
        let entry = (self.db().insert(sql, &args![name])?, name.to_string());
        self.map(kind)?
            .insert(fold(name).into_owned(), entry.clone());
        Ok(entry)
    }

    fn ensure(&mut self, kind: Kind, name: &str) -> Result<(String, bool)> {
        if let Some((_, canonical)) = self.lookup(kind, name)? {
            return Ok((canonical, false));
        }
        let name = validate::name(kind.noun(), name, validate::NAME_MAX)?;
        let (_, canonical) = self.insert(kind, &name)?;
        Ok((canonical, true))
    }

    /// The canonical name of a team, creating it if missing; `true` when created.
    pub fn ensure_team(&mut self, name: &str) -> Result<(String, bool)> {
        self.ensure(Kind::Team, name)
    }

    /// The canonical name of a milestone, creating it if missing; `true` when created.
    pub fn ensure_milestone(&mut self, name: &str) -> Result<(String, bool)> {
        self.ensure(Kind::Milestone, name)
    }

    fn refuse_duplicate(&mut self, kind: Kind, name: &str, except: Option<i64>) -> Result<()> {
        match self.lookup(kind, name)? {
            Some((id, existing)) if Some(id) != except => Err(Error::Refused {
                code: "already_exists",
                message: format!(
                    "a {} named '{existing}' already exists (names ignore case)",
                    kind.noun()
                ),
            }),
            _ => Ok(()),
        }
    }

    pub fn add_team(&mut self, name: &str, description: &str) -> Result<String> {
        let name = validate::name("team", name, validate::NAME_MAX)?;
        let description = validate::line("description", description, validate::LINE_MAX)?;
        self.refuse_duplicate(Kind::Team, &name, None)?;
        let (id, _) = self.insert(Kind::Team, &name)?;
        self.db().execute(
            "UPDATE team SET description = ?1 WHERE id = ?2",
            &args![description, id],
        )?;
        Ok(name)
    }

    pub fn rename_team(&mut self, old: &str, new: &str) -> Result<String> {
        self.rename(Kind::Team, old, new)
    }

    pub fn rename_milestone(&mut self, old: &str, new: &str) -> Result<String> {
        self.rename(Kind::Milestone, old, new)
    }

    fn rename(&mut self, kind: Kind, old: &str, new: &str) -> Result<String> {
        let (id, old_name) = self.require(kind, old)?;
        let new = validate::name(kind.noun(), new, validate::NAME_MAX)?;
        self.refuse_duplicate(kind, &new, Some(id))?;
        let sql = match kind {
            Kind::Team => "UPDATE team SET name = ?1 WHERE id = ?2",
            Kind::Milestone => "UPDATE milestone SET name = ?1 WHERE id = ?2",
        };
        self.db().execute(sql, &args![new, id])?;
        let map = self.map(kind)?;
        map.remove(fold(&old_name).as_ref());
        map.insert(fold(&new).into_owned(), (id, new.clone()));
        Ok(new)
    }

    /// Deletes a team. One that risks or milestones use is refused unless `reassign_to` names
    /// the team that takes them over (each moved risk records the change).
    pub fn delete_team(&mut self, name: &str, reassign_to: Option<&str>) -> Result<usize> {
        let (id, canonical) = self.require(Kind::Team, name)?;
        let risks = self.risk_ids_where("team_id", id)?;
        let actions = self.action_ids_where("team_id", id)?;
        let milestones: i64 = self.db().value(
            "SELECT count(*) FROM milestone WHERE team_id = ?1",
            &args![id],
        )?;
        let target = self.reassignment(
            Kind::Team,
            id,
            &canonical,
            reassign_to,
            (risks.len(), actions.len()),
            milestones,
        )?;
        if let Some((target_id, target_name)) = target {
            let patch = RiskPatch {
                team: Some(Some(target_name.clone())),
                ..RiskPatch::default()
            };
            let note = format!("team '{canonical}' deleted");
            for risk in &risks {
                self.update_risk(*risk, None, &patch, Rules::Import, &note)?;
            }
            let patch = ActionPatch {
                team: Some(Some(target_name)),
                ..ActionPatch::default()
            };
            for action in &actions {
                self.update_action(*action, None, &patch, &note)?;
            }
            self.db().execute(
                "UPDATE milestone SET team_id = ?1 WHERE team_id = ?2",
                &args![target_id, id],
            )?;
        }
        self.db()
            .execute("DELETE FROM team WHERE id = ?1", &args![id])?;
        self.map(Kind::Team)?.remove(fold(&canonical).as_ref());
        Ok(risks.len())
    }

    /// Deletes a milestone, as [`Tx::delete_team`] does a team.
    pub fn delete_milestone(&mut self, name: &str, reassign_to: Option<&str>) -> Result<usize> {
        let (id, canonical) = self.require(Kind::Milestone, name)?;
        let risks = self.risk_ids_where("milestone_id", id)?;
        let actions = self.action_ids_where("milestone_id", id)?;
        if let Some((_, target_name)) = self.reassignment(
            Kind::Milestone,
            id,
            &canonical,
            reassign_to,
            (risks.len(), actions.len()),
            0,
        )? {
            let patch = RiskPatch {
                milestone: Some(Some(target_name.clone())),
                ..RiskPatch::default()
            };
            let note = format!("milestone '{canonical}' deleted");
            for risk in &risks {
                self.update_risk(*risk, None, &patch, Rules::Import, &note)?;
            }
            let patch = ActionPatch {
                milestone: Some(Some(target_name)),
                ..ActionPatch::default()
            };
            for action in &actions {
                self.update_action(*action, None, &patch, &note)?;
            }
        }
        self.db()
            .execute("DELETE FROM milestone WHERE id = ?1", &args![id])?;
        self.map(Kind::Milestone)?.remove(fold(&canonical).as_ref());
        Ok(risks.len())
    }

    fn reassignment(
        &mut self,
        kind: Kind,
        id: i64,
        canonical: &str,
        reassign_to: Option<&str>,
        (risks, actions): (usize, usize),
        milestones: i64,
    ) -> Result<Option<(i64, String)>> {
        let noun = kind.noun();
        match reassign_to {
            None if risks == 0 && actions == 0 && milestones == 0 => Ok(None),
            None => {
                let mut uses = Vec::new();
                if risks > 0 || actions == 0 {
                    uses.push(format!("{risks} risk{}", if risks == 1 { "" } else { "s" }));
                }
                if actions > 0 {
                    uses.push(format!(
                        "{actions} action{}",
                        if actions == 1 { "" } else { "s" }
                    ));
                }
                if milestones > 0 {
                    uses.push(format!(
                        "{milestones} milestone{}",
                        if milestones == 1 { "" } else { "s" }
                    ));
                }
                Err(Error::Refused {
                    code: "in_use",
                    message: format!(
                        "{noun} '{canonical}' is used by {}; pass --reassign-to {} to move them to another {noun} first",
                        uses.join(" and "),
                        noun.to_uppercase()
                    ),
                })
            }
            Some(target) => {
                let found = self.require(kind, target)?;
                if found.0 == id {
                    return Err(Error::Usage(format!(
                        "--reassign-to names the {noun} being deleted ('{canonical}'); name another {noun}"
                    )));
                }
                Ok(Some(found))
            }
        }
    }

    pub fn add_milestone(&mut self, name: &str, patch: &MilestonePatch) -> Result<String> {
        let name = validate::name("milestone", name, validate::NAME_MAX)?;
        self.refuse_duplicate(Kind::Milestone, &name, None)?;
        self.insert(Kind::Milestone, &name)?;
        self.edit_milestone(&name, patch)
    }

    /// Changes a milestone's name, due date, team or status; returns its (new) name.
    pub fn edit_milestone(&mut self, name: &str, patch: &MilestonePatch) -> Result<String> {
        let (id, mut canonical) = self.require(Kind::Milestone, name)?;
        if let Some(new) = &patch.name {
            canonical = self.rename(Kind::Milestone, &canonical, new)?;
        }
        if let Some(due) = patch.due {
            self.db().execute(
                "UPDATE milestone SET due = ?1 WHERE id = ?2",
                &args![due.map(|d| d.to_string()), id],
            )?;
            if let Some(bulk) = self.bulk.as_mut() {
                bulk.forget_dues();
            }
        }
        if let Some(team) = &patch.team {
            let team_id = self.resolve_team(team.as_deref())?.map(|(id, _)| id);
            self.db().execute(
                "UPDATE milestone SET team_id = ?1 WHERE id = ?2",
                &args![team_id, id],
            )?;
        }
        if let Some(status) = patch.status {
            self.db().execute(
                "UPDATE milestone SET status = ?1 WHERE id = ?2",
                &args![status.as_str(), id],
            )?;
        }
        Ok(canonical)
    }

    /// Changes a milestone like [`Tx::edit_milestone`]; when that marks it done (it was not),
    /// the milestone lands unless `keep_estimates`: see [`Tx::land_milestone`]. Returns its
    /// name and the risks that changed.
    pub fn finish_milestone(
        &mut self,
        name: &str,
        patch: &MilestonePatch,
        keep_estimates: bool,
    ) -> Result<(String, Vec<Edit>)> {
        let (id, _) = self.require(Kind::Milestone, name)?;
        let was_done: bool = self.db().value(
            "SELECT status = 'done' FROM milestone WHERE id = ?1",
            &args![id],
        )?;
        let canonical = self.edit_milestone(name, patch)?;
        let lands = patch.status == Some(MilestoneStatus::Done) && !was_done && !keep_estimates;
        let landed = if lands {
            self.land_milestone(&canonical)?
        } else {
            Vec::new()
        };
        Ok((canonical, landed))
    }

    /// A milestone lands: each of its risks (closed ones aside) takes its target estimates
    /// and target likelihood and impact as its current ones, and its targets are cleared,
    /// one history event per field with the note "milestone M landed".
    pub fn land_milestone(&mut self, name: &str) -> Result<Vec<Edit>> {
        let (id, canonical) = self.require(Kind::Milestone, name)?;
        let ids = self.db().ids(
            "SELECT id FROM risk WHERE milestone_id = ?1 AND status <> 'closed' ORDER BY id",
            &args![id],
        )?;
        let note = format!("milestone {canonical} landed");
        let mut edits = Vec::new();
        for risk in ids {
            let Some(current) = self.risk(risk)? else {
                continue;
            };
            let patch = crate::domain::merge::landing(&current.fields);
            if patch.is_empty() {
                continue;
            }
            let edit = self.update_risk(risk, None, &patch, Rules::Restore, &note)?;
            if !edit.changes.is_empty() {
                edits.push(edit);
            }
        }
        Ok(edits)
    }
}

/// `name` quoted for a POSIX shell when it needs it.
fn shell_quote(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', r"'\''"))
    }
}

impl Store {
    /// Every team, by name, with its active risks and milestones.
    pub fn teams(&self) -> Result<Vec<Team>> {
        self.db().all(
            "SELECT t.name, t.description,
                    (SELECT count(*) FROM risk r WHERE r.team_id = t.id AND r.status IN ('open', 'mitigating', 'accepted')),
                    (SELECT count(*) FROM milestone m WHERE m.team_id = t.id)
             FROM team t ORDER BY t.name COLLATE NOCASE",
            &[],
            |r| {
                Ok(Team {
                    name: r.get(0)?,
                    description: r.get(1)?,
                    active_risks: r.get(2)?,
                    milestones: r.get(3)?,
                })
            },
        )
    }

    /// Every milestone by due date (none last), with its active risks.
    pub fn milestones(&self, today: Date) -> Result<Vec<Milestone>> {
        self.db().all(
            "SELECT m.name, m.due, t.name, m.status,
                    (SELECT count(*) FROM risk r WHERE r.milestone_id = m.id AND r.status IN ('open', 'mitigating', 'accepted'))
             FROM milestone m LEFT JOIN team t ON t.id = m.team_id
             ORDER BY m.due ASC NULLS LAST, m.name COLLATE NOCASE",
            &[],
            |r| {
            let due: Option<String> = r.get(1)?;
            let due = due
                .map(|d| d.parse::<Date>())
                .transpose()
                .map_err(|_| Error::Corrupt {
                    message: "a milestone has an unreadable due date; run `riskreg db check`"
                        .into(),
                })?;
            let status_text: String = r.get(3)?;
            let status = MilestoneStatus::parse(&status_text).map_err(|_| Error::Corrupt {
                message: format!("a milestone has an unknown status {status_text:?}"),
            })?;
            Ok(Milestone {
                name: r.get(0)?,
                due,
                team: r.get(2)?,
                status,
                overdue: milestone_overdue(due, status, today),
                active_risks: r.get(4)?,
            })
            },
        )
    }

    /// One milestone by name (ignoring case), if it exists.
    pub fn milestone(&self, name: &str, today: Date) -> Result<Option<Milestone>> {
        Ok(self
            .milestones(today)?
            .into_iter()
            .find(|m| m.name.eq_ignore_ascii_case(name)))
    }

    /// Whether a team of this name exists, and its canonical spelling.
    pub fn team_name(&self, name: &str) -> Result<Option<String>> {
        self.db()
            .first("SELECT name FROM team WHERE name = ?1", &args![name], |r| {
                r.get(0)
            })
    }
}
