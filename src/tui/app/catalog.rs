//! Teams, milestones and incidents from the TUI: add, rename, edit, move a milestone's
//! status, delete (moving what uses it), and record an incident on the selected risk. Each
//! is one transaction through the store, as the CLI's `team`, `milestone` and `incident`
//! commands do.

use super::*;
use crate::domain::{MilestonePatch, MilestoneStatus};
use crate::tui::popups::prompt::Purpose;
use crate::tui::popups::remove::Kind;

impl App {
    /// Whether the welcome may offer the sample: nothing at all in the register yet.
    pub fn offer_sample(&self) -> bool {
        self.totals.1 == 0 && !self.has_catalog
    }

    pub(super) fn open_prompt(&mut self, prompt: Prompt) {
        self.popup = Some(Popup::Prompt(Box::new(prompt)));
    }

    /// Creates or renames what the prompt was for; the popup to show next (the form the
    /// name was asked from, or the milestone's form after adding one).
    pub(super) fn submit_prompt(&mut self, mut p: Box<Prompt>, text: &str) -> Option<Popup> {
        let stamp = self.stamp();
        let result = match &p.purpose {
            Purpose::Why(_) | Purpose::Comment(_) | Purpose::Link(..) => {
                return self.submit_work_prompt(p, text);
            }
            Purpose::Since(what) => {
                let what = *what;
                return self.submit_since(p, text, what);
            }
            Purpose::NewTeam => self.store.write(&stamp, |tx| tx.add_team(text, "")),
            Purpose::RenameTeam(old) => self.store.write(&stamp, |tx| tx.rename_team(old, text)),
            Purpose::NewMilestone => self.store.write(&stamp, |tx| {
                tx.add_milestone(text, &MilestonePatch::default())
            }),
            Purpose::FromForm(Field::Team, _) => {
                self.store.write(&stamp, |tx| tx.add_team(text, ""))
            }
            Purpose::FromForm(..) => self.store.write(&stamp, |tx| {
                tx.add_milestone(text, &MilestonePatch::default())
            }),
        };
        let name = match result {
            Ok(name) => name,
            Err(e) => {
                p.error = Some(sanitize_line(&e.to_string()).into_owned());
                return Some(Popup::Prompt(p));
            }
        };
        let shown = sanitize_line(&name).into_owned();
        match p.purpose {
            Purpose::NewTeam => {
                self.committed(None, format!("added team {shown}"));
                None
            }
            Purpose::RenameTeam(old) => {
                self.committed(
                    None,
                    format!("renamed team {} to {shown}", sanitize_line(&old)),
                );
                None
            }
            Purpose::NewMilestone => {
                self.tabs.roadmap.select(&name);
                self.committed(None, format!("added milestone {shown}"));
                let teams = self.tabs.teams.names();
                let milestone = crate::domain::Milestone {
                    name,
                    due: None,
                    team: None,
                    status: MilestoneStatus::Planned,
                    overdue: false,
                    active_risks: 0,
                };
                Some(Popup::Milestone(Box::new(MilestoneForm::new(
                    &milestone, &teams,
                ))))
            }
            Purpose::FromForm(field, mut form) => {
                form.add_name(field, &name);
                self.committed(None, format!("added {} {shown}", field.name()));
                Some(Popup::Form(form))
            }
            // Answered by submit_work_prompt or submit_since before anything was written.
            Purpose::Why(_) | Purpose::Comment(_) | Purpose::Link(..) | Purpose::Since(_) => None,
        }
    }

    pub(super) fn open_milestone_form(&mut self) {
        if let Some(m) = self.tabs.roadmap.selected() {
            let teams = self.tabs.teams.names();
            self.popup = Some(Popup::Milestone(Box::new(MilestoneForm::new(m, &teams))));
        }
    }

    pub(super) fn save_milestone(&mut self, mut form: Box<MilestoneForm>) -> Option<Popup> {
        let Some(mut patch) = form.patch() else {
            return Some(Popup::Milestone(form));
        };
        let stamp = self.stamp();
        let old = form.name.clone();
        // Marking it done asks whether it lands, once the rest is saved.
        let done_now = patch.status == Some(MilestoneStatus::Done)
            && self.store.milestones(self.today()).is_ok_and(|all| {
                all.iter()
                    .any(|m| m.name == old && m.status != MilestoneStatus::Done)
            });
        if done_now {
            patch.status = None;
        }
        match self
            .store
            .write(&stamp, |tx| tx.edit_milestone(&old, &patch))
        {
            Ok(name) => {
                self.committed(None, format!("saved milestone {}", sanitize_line(&name)));
                if done_now {
                    self.set_milestone_status(&name, MilestoneStatus::Done);
                    return self.popup.take();
                }
                None
            }
            Err(Error::Field(e)) => {
                form.fields.mark(&e.field, &e.reason);
                Some(Popup::Milestone(form))
            }
            Err(e) => {
                form.fields.error = Some(sanitize_line(&e.to_string()).into_owned());
                Some(Popup::Milestone(form))
            }
        }
    }

    /// Moves a milestone to `status`; marking one done asks first whether it lands.
    pub(super) fn set_milestone_status(&mut self, name: &str, status: MilestoneStatus) {
        let today = self.today();
        let current = match self.store.milestones(today) {
            Ok(all) => all.into_iter().find(|m| m.name.eq_ignore_ascii_case(name)),
            Err(e) => {
                self.error(&e);
                return;
            }
        };
        if status == MilestoneStatus::Done
            && let Some(m) = current
            && m.status != MilestoneStatus::Done
        {
            let risks = u64::try_from(m.active_risks).unwrap_or(0);
            self.confirm(
                Pending::MilestoneDone {
                    name: name.to_string(),
                    risks,
                },
                String::new(),
            );
            return;
        }
        let patch = MilestonePatch {
            status: Some(status),
            ..MilestonePatch::default()
        };
        let stamp = self.stamp();
        match self
            .store
            .write(&stamp, |tx| tx.edit_milestone(name, &patch))
        {
            Ok(name) => self.committed(
                None,
                format!("milestone {} is {status}", sanitize_line(&name)),
            ),
            Err(e) => self.error(&e),
        }
    }

    /// Marks a milestone done; unless `keep_estimates`, it lands.
    pub(super) fn finish_milestone(&mut self, name: &str, keep_estimates: bool) {
        let patch = MilestonePatch {
            status: Some(MilestoneStatus::Done),
            ..MilestonePatch::default()
        };
        let stamp = self.stamp();
        match self.store.write(&stamp, |tx| {
            tx.finish_milestone(name, &patch, keep_estimates)
        }) {
            Ok((name, landed)) => {
                let how = if keep_estimates {
                    "its risks keep their estimates".to_string()
                } else {
                    format!(
                        "it landed: {} took their targets",
                        crate::domain::figures::count(landed.len() as u64, "risk", "risks")
                    )
                };
                self.committed(
                    None,
                    format!("milestone {} is done; {how}", sanitize_line(&name)),
                );
            }
            Err(e) => self.error(&e),
        }
    }

    pub(super) fn open_remove_team(&mut self) {
        let Some(name) = self.tabs.teams.selected().map(str::to_string) else {
            return;
        };
        let active = self
            .tabs
            .teams
            .rows
            .iter()
            .find(|t| t.team.as_deref() == Some(name.as_str()))
            .map_or(0, |t| t.active());
        let targets = self
            .tabs
            .teams
            .names()
            .into_iter()
            .filter(|n| *n != name)
            .collect();
        self.popup = Some(Popup::Remove(Box::new(Remove {
            kind: Kind::Team,
            name,
            active_risks: active,
            targets,
            index: 0,
        })));
    }

    pub(super) fn open_remove_milestone(&mut self) {
        let Some(m) = self.tabs.roadmap.selected() else {
            return;
        };
        let name = m.name.clone();
        let active = u64::try_from(m.active_risks).unwrap_or(0);
        let targets = self
            .tabs
            .roadmap
            .names()
            .into_iter()
            .filter(|n| *n != name)
            .collect();
        self.popup = Some(Popup::Remove(Box::new(Remove {
            kind: Kind::Milestone,
            name,
            active_risks: active,
            targets,
            index: 0,
        })));
    }

    /// Deletes the team or milestone, moving what uses it to `target`.
    pub(super) fn remove(&mut self, r: &Remove, target: Option<&str>) {
        let stamp = self.stamp();
        let name = r.name.clone();
        let result = self.store.write(&stamp, |tx| match r.kind {
            Kind::Team => tx.delete_team(&name, target),
            Kind::Milestone => tx.delete_milestone(&name, target),
        });
        match result {
            Ok(moved) => {
                let moved = match target {
                    Some(t) if moved > 0 => format!(
                        "; {} moved to {}",
                        crate::domain::figures::count(
                            u64::try_from(moved).unwrap_or(0),
                            "risk",
                            "risks"
                        ),
                        sanitize_line(t)
                    ),
                    _ => String::new(),
                };
                self.committed(
                    None,
                    format!("deleted {} {}{moved}", r.kind.noun(), sanitize_line(&name)),
                );
            }
            Err(e) => self.error(&e),
        }
    }

    pub(super) fn open_incident(&mut self) {
        if let Some(id) = self.tabs.risks.selected_id() {
            let today = self.today();
            self.popup = Some(Popup::Incident(Box::new(IncidentForm::new(id, today))));
        }
    }

    pub(super) fn save_incident(&mut self, mut form: Box<IncidentForm>) -> Option<Popup> {
        let new = form.incident()?;
        let stamp = self.stamp();
        let risk = form.risk;
        match self
            .store
            .write(&stamp, |tx| tx.add_incident(&new, &[risk]))
        {
            Ok(id) => {
                self.committed(None, format!("recorded incident {id} on risk {risk}"));
                None
            }
            Err(e) => {
                form.fields.error = Some(sanitize_line(&e.to_string()).into_owned());
                Some(Popup::Incident(form))
            }
        }
    }
}
