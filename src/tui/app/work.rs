//! The work around the risks from the TUI: actions (add, edit, done, dropped, any status),
//! comments, links, the "why" a status move asks for, and changes to many marked risks. Each
//! is one transaction through the store, as the CLI's `action`, `comment`, `link` and
//! `--where` commands are.

use super::*;
use crate::domain::actions::{ActionPatch, ActionStatus};
use crate::domain::{Link, validate};
use crate::ops::{self, RiskChange};
use crate::tui::popups::action_form::Mode as ActionMode;
use crate::tui::popups::prompt::Purpose;

impl App {
    /// The marked risks, by id.
    pub(super) fn marked(&self) -> Vec<i64> {
        self.tabs.risks.marked.iter().copied().collect()
    }

    /// Asks yes or no before `pending`, which carries `note`.
    pub(super) fn confirm(&mut self, pending: Pending, note: String) {
        self.popup = Some(Popup::Confirm(Box::new(Confirm { pending, note })));
    }

    pub(super) fn open_bulk_edit(&mut self) {
        let (teams, milestones) = self.names();
        self.popup = Some(Popup::BulkEdit(Box::new(BulkForm::new(
            self.marked(),
            &teams,
            &milestones,
        ))));
    }

    /// The form for a new action: on the selected risk (Risks tab) or on the selected
    /// action's risk (Actions tab).
    pub(super) fn open_add_action(&mut self) {
        let (risk, team) = if self.tab == Tab::Actions {
            let a = self.tabs.actions.selected();
            (a.map(|a| a.fields.risk), None)
        } else {
            let r = self.tabs.risks.selected();
            (r.map(|r| r.id), r.and_then(|r| r.fields.team.clone()))
        };
        let (teams, milestones) = self.names();
        self.popup = Some(Popup::ActionForm(Box::new(ActionForm::for_add(
            risk,
            team.as_deref(),
            &teams,
            &milestones,
        ))));
    }

    pub(super) fn open_edit_action(&mut self) {
        let Some(action) = self.tabs.actions.selected() else {
            return;
        };
        let (teams, milestones) = self.names();
        self.popup = Some(Popup::ActionForm(Box::new(ActionForm::for_edit(
            action,
            &teams,
            &milestones,
        ))));
    }

    /// Saves the action form; the form again (with the refusal marked) when it cannot.
    pub(super) fn save_action_form(&mut self, mut form: Box<ActionForm>) -> Option<Popup> {
        let Some((risk, patch)) = form.patch() else {
            return Some(Popup::ActionForm(form));
        };
        let stamp = self.stamp();
        let result = match form.mode {
            ActionMode::Add => self.store.write(&stamp, |tx| {
                let mut fields =
                    crate::domain::actions::ActionFields::new(risk, String::new()).patched(&patch);
                if patch.team == Some(None) {
                    fields.team = None;
                }
                tx.create_action(fields, None, "")
                    .map(|id| (id, format!("added action {id} to risk {risk}")))
            }),
            ActionMode::Edit { id, revision } => {
                if patch.is_empty() {
                    self.info(format!("action {id}: nothing changed"));
                    return None;
                }
                self.store.write(&stamp, |tx| {
                    tx.update_action(id, Some(revision), &patch, "")
                        .map(|e| (id, format!("action {id}: revision {}", e.action.revision)))
                })
            }
        };
        match result {
            Ok((id, message)) => {
                self.pending_action = Some(id);
                self.committed(None, message);
                None
            }
            Err(Error::Field(e)) => {
                form.refuse(&e.field, &e.reason);
                Some(Popup::ActionForm(form))
            }
            Err(e @ Error::RevisionConflict { .. }) => {
                self.reload();
                self.error(&e);
                None
            }
            Err(e) => {
                form.refuse("", &sanitize_line(&e.to_string()));
                Some(Popup::ActionForm(form))
            }
        }
    }

    /// Asks why before moving the selected action to `status`.
    pub(super) fn ask_action_status(&mut self, status: ActionStatus) {
        if let Some(id) = self.tabs.actions.selected_id() {
            self.open_prompt(Prompt::why(Pending::ActionStatus { id, status }));
        }
    }

    pub(super) fn open_action_status(&mut self) {
        if let Some(a) = self.tabs.actions.selected() {
            let cursor = ActionStatus::ALL
                .iter()
                .position(|s| *s == a.fields.status)
                .unwrap_or(0);
            self.popup = Some(Popup::ActionStatus { id: a.id, cursor });
        }
    }

    /// A risk status chosen in the picker: for the marked risks, or the selected one. The
    /// "why" comes next.
    pub(super) fn status_chosen(&mut self, status: Status) -> Option<Popup> {
        let ids = if self.tabs.risks.marked.is_empty() {
            self.tabs.risks.selected_id().into_iter().collect()
        } else {
            self.marked()
        };
        (!ids.is_empty())
            .then(|| Popup::Prompt(Box::new(Prompt::why(Pending::RiskStatus { ids, status }))))
    }

    /// A prompt about the work (a why, a comment, a link) was answered; the popup to show
    /// next (the prompt again, with the refusal, when the text will not do).
    pub(super) fn submit_work_prompt(&mut self, mut p: Box<Prompt>, text: &str) -> Option<Popup> {
        let outcome = match &p.purpose {
            Purpose::Why(pending) => validate::note(text)
                .map_err(Error::from)
                .map(|note| self.after_why(pending.clone(), note)),
            Purpose::Comment(id) => {
                let id = *id;
                validate::comment(text)
                    .map_err(Error::from)
                    .and_then(|text| {
                        let stamp = self.stamp();
                        self.store.write(&stamp, |tx| tx.comment(id, None, &text))
                    })
                    .map(|_| {
                        self.committed(None, format!("commented on risk {id}"));
                        None
                    })
            }
            Purpose::Link(id, _) => {
                let id = *id;
                self.change_link(id, text).map(|message| {
                    self.committed(None, message);
                    None
                })
            }
            _ => Ok(None),
        };
        match outcome {
            Ok(next) => next,
            Err(e) => {
                p.error = Some(sanitize_line(&e.to_string()).into_owned());
                Some(Popup::Prompt(p))
            }
        }
    }

    /// After the why: a change to many asks yes or no first; one is made at once.
    fn after_why(&mut self, pending: Pending, note: String) -> Option<Popup> {
        if pending.count() > 1 {
            self.confirm(pending, note);
            return self.popup.take();
        }
        self.apply_pending(pending, &note);
        self.popup.take()
    }

    /// Adds a link (`URL [label]`) to risk `id`, or removes one (`-URL`).
    fn change_link(&mut self, id: i64, text: &str) -> Result<String> {
        let text = text.trim();
        let (patch, what) = if let Some(url) = text.strip_prefix('-') {
            let url = url.trim().to_string();
            (
                RiskPatch {
                    remove_links: vec![url.clone()],
                    ..RiskPatch::default()
                },
                format!("removed link {} from risk {id}", sanitize_line(&url)),
            )
        } else {
            let links: Vec<Link> = validate::links(text)?;
            let Some(link) = links.into_iter().next() else {
                return Err(Error::from(validate::FieldError::new(
                    "link",
                    text,
                    "is empty; give an http(s) URL or a ticket key such as PLAT-1234",
                )));
            };
            let what = format!("linked {} to risk {id}", sanitize_line(&link.url));
            (
                RiskPatch {
                    add_links: vec![link],
                    ..RiskPatch::default()
                },
                what,
            )
        };
        let stamp = self.stamp();
        self.store
            .write(&stamp, |tx| tx.change_links(id, None, &patch, ""))?;
        Ok(what)
    }

    /// Makes a change the person confirmed (or gave the why of).
    pub(super) fn apply_pending(&mut self, pending: Pending, note: &str) {
        match pending {
            Pending::RiskStatus { ids, status } if ids.len() == 1 => {
                self.move_status(status, note);
            }
            Pending::ActionStatus { id, status } => {
                let patch = ActionPatch {
                    status: Some(status),
                    ..ActionPatch::default()
                };
                let stamp = self.stamp();
                match self
                    .store
                    .write(&stamp, |tx| tx.update_action(id, None, &patch, note))
                {
                    Ok(e) => self.committed(
                        None,
                        format!("action {id}: {status} (revision {})", e.action.revision),
                    ),
                    Err(e) => self.error(&e),
                }
            }
            Pending::RiskStatus { ids, status } => {
                let patch = RiskPatch {
                    status: Some(status),
                    ..RiskPatch::default()
                };
                self.change_many(&ids, RiskChange::Edit(&patch), note);
            }
            Pending::Review { ids } => self.change_many(&ids, RiskChange::Review, note),
            Pending::Delete { ids } => self.change_many(&ids, RiskChange::Delete, note),
            Pending::Edit { ids, patch } => {
                self.change_many(&ids, RiskChange::Edit(&patch), note);
            }
            Pending::MilestoneDone { name, .. } => self.finish_milestone(&name, false),
        }
    }

    /// One transaction over every marked risk: all change, or none does.
    fn change_many(&mut self, ids: &[i64], change: RiskChange<'_>, note: &str) {
        let stamp = self.stamp();
        match ops::change_risks(&mut self.store, &stamp, ids, change, note, true) {
            Ok(outcome) => {
                self.tabs.risks.marked.clear();
                // The session's undo is for one risk's change; a change to many is undone
                // risk by risk from their history.
                self.undo = None;
                self.committed(
                    None,
                    format!(
                        "changed {} of {} marked risks",
                        outcome.changed(),
                        outcome.count
                    ),
                );
            }
            Err(e) => {
                self.error(&e);
                self.message = self.message.take().map(|mut m| {
                    m.text = format!("{} — nothing was changed", m.text);
                    m
                });
            }
        }
    }
}
