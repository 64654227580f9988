//! Keys while a popup has the focus: each popup's own file says what its keys mean; here the
//! app does what they ask (store writes, reloads) and decides whether the popup stays open.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::*;
use crate::domain::MilestoneStatus;
use crate::domain::actions::ActionStatus;
use crate::tui::popups::pickers::{self, Pick};
use crate::tui::popups::{
    action_form, bulk_form, confirm, export, incident_form, milestone_form, prompt, remove,
    risk_form,
};

impl App {
    pub(super) fn popup_action(&mut self, action: Action) {
        if action == Action::Tick {
            self.poll_changes();
            return;
        }
        let Some(popup) = self.popup.take() else {
            return;
        };
        let key = match &action {
            Action::Input(k) => *k,
            // Only keys reach a popup (mouse input is ignored while one is open).
            _ => {
                self.popup = Some(popup);
                return;
            }
        };
        self.popup = self.popup_key(popup, key);
    }

    /// What `key` does to `popup`; the popup to show next.
    fn popup_key(&mut self, popup: Popup, key: KeyEvent) -> Option<Popup> {
        let code = key.code;
        match popup {
            Popup::Help { scroll } | Popup::Detail { scroll } => {
                let scrolled = match code {
                    KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
                    KeyCode::PageDown => scroll.saturating_add(10),
                    KeyCode::PageUp => scroll.saturating_sub(10),
                    KeyCode::Char('q') => {
                        self.quit = true;
                        return None;
                    }
                    KeyCode::Esc | KeyCode::Enter | KeyCode::Char('?') => return None,
                    _ => scroll,
                };
                Some(match popup {
                    Popup::Help { .. } => Popup::Help { scroll: scrolled },
                    _ => Popup::Detail { scroll: scrolled },
                })
            }
            Popup::Welcome => match code {
                KeyCode::Char('a') => {
                    self.open_add();
                    self.popup.take()
                }
                KeyCode::Char('s' | 'S') if self.offer_sample() => {
                    self.load_sample();
                    None
                }
                KeyCode::Char('q') => {
                    self.quit = true;
                    None
                }
                KeyCode::Esc | KeyCode::Enter => None,
                _ => Some(Popup::Welcome),
            },
            Popup::Form(mut form) => match form.handle_key(key) {
                risk_form::Step::Continue => {
                    if form.fields.error.is_some() {
                        form.validate(self.today(), self.store.settings());
                    }
                    Some(Popup::Form(form))
                }
                risk_form::Step::Cancel => None,
                risk_form::Step::Save => self.save_form(form),
                risk_form::Step::New(field) => {
                    Some(Popup::Prompt(Box::new(Prompt::from_form(field, form))))
                }
            },
            Popup::Sort { cursor } => match pickers::pick_key(key, cursor, SORTS.len()) {
                Pick::Move(cursor) => Some(Popup::Sort { cursor }),
                Pick::Apply(i) => {
                    self.sort = SORTS.get(i).map_or(SortKey::Score, |(k, _)| *k);
                    self.request_rows();
                    None
                }
                Pick::Cancel => None,
                Pick::Stay => Some(Popup::Sort { cursor }),
            },
            Popup::Status { cursor } => match pickers::pick_key(key, cursor, Status::ALL.len()) {
                Pick::Move(cursor) => Some(Popup::Status { cursor }),
                Pick::Apply(i) => self.status_chosen(Status::ALL[i]),
                Pick::Cancel => None,
                Pick::Stay => Some(Popup::Status { cursor }),
            },
            Popup::ActionStatus { id, cursor } => {
                match pickers::pick_key(key, cursor, ActionStatus::ALL.len()) {
                    Pick::Move(cursor) => Some(Popup::ActionStatus { id, cursor }),
                    Pick::Apply(i) => Some(Popup::Prompt(Box::new(Prompt::why(
                        Pending::ActionStatus {
                            id,
                            status: ActionStatus::ALL[i],
                        },
                    )))),
                    Pick::Cancel => None,
                    Pick::Stay => Some(Popup::ActionStatus { id, cursor }),
                }
            }
            Popup::Confirm(c) => match c.handle_key(key) {
                confirm::Step::Yes => {
                    self.apply_pending(c.pending, &c.note);
                    self.popup.take()
                }
                confirm::Step::Keep => {
                    if let Pending::MilestoneDone { name, .. } = &c.pending {
                        self.finish_milestone(name, true);
                    }
                    None
                }
                confirm::Step::No => {
                    self.info("nothing was changed");
                    None
                }
                confirm::Step::Stay => Some(Popup::Confirm(c)),
            },
            Popup::BulkEdit(mut b) => match b.handle_key(key) {
                bulk_form::Step::Continue => Some(Popup::BulkEdit(b)),
                bulk_form::Step::Cancel => None,
                bulk_form::Step::Save => match b.patch() {
                    Some(patch) => Some(Popup::Confirm(Box::new(Confirm {
                        pending: Pending::Edit {
                            ids: b.ids.clone(),
                            patch: Box::new(patch),
                        },
                        note: String::new(),
                    }))),
                    None => Some(Popup::BulkEdit(b)),
                },
            },
            Popup::ActionForm(mut f) => match f.handle_key(key) {
                action_form::Step::Continue => Some(Popup::ActionForm(f)),
                action_form::Step::Cancel => None,
                action_form::Step::Save => self.save_action_form(f),
            },
            Popup::MilestoneStatus { name, cursor } => {
                match pickers::pick_key(key, cursor, MilestoneStatus::ALL.len()) {
                    Pick::Move(cursor) => Some(Popup::MilestoneStatus { name, cursor }),
                    Pick::Apply(i) => {
                        self.set_milestone_status(&name, MilestoneStatus::ALL[i]);
                        self.popup.take()
                    }
                    Pick::Cancel => None,
                    Pick::Stay => Some(Popup::MilestoneStatus { name, cursor }),
                }
            }
            Popup::ConfirmDelete { id, title } => match code {
                KeyCode::Char('y' | 'Y') => {
                    self.delete(id);
                    None
                }
                KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => None,
                // Any other key (Enter included) keeps the question on screen: only y deletes
                // and only n or Esc keeps.
                _ => Some(Popup::ConfirmDelete { id, title }),
            },
            Popup::Export(mut prompt) => {
                let spec = self.spec();
                let today = self.today();
                match (prompt.handle_key(key), spec) {
                    (export::Step::Continue, _) => Some(Popup::Export(prompt)),
                    (export::Step::Cancel, _) => None,
                    (
                        export::Step::Write {
                            path,
                            format,
                            force,
                        },
                        Ok(spec),
                    ) => {
                        // On a loader lane: a large workbook takes seconds, and the keys and
                        // the screen stay live meanwhile.
                        self.info(format!(
                            "writing {}…",
                            sanitize_line(&path.display().to_string())
                        ));
                        self.send(Request::Export {
                            spec,
                            today,
                            path,
                            format,
                            force,
                        });
                        None
                    }
                    (export::Step::Write { .. }, Err(e)) => {
                        self.error(&e);
                        None
                    }
                }
            }
            Popup::Conflict(conflict) => match code {
                KeyCode::Char('m' | 'M') => self.resolve_conflict(*conflict, true),
                KeyCode::Char('t' | 'T') => self.resolve_conflict(*conflict, false),
                KeyCode::Esc => Some(Popup::Form(conflict.form)),
                _ => Some(Popup::Conflict(conflict)),
            },
            Popup::Deleted { id, fields } => match code {
                KeyCode::Char('r' | 'R') => {
                    self.recreate(id, *fields);
                    None
                }
                KeyCode::Esc | KeyCode::Char('d' | 'D' | 'q') => {
                    self.info(format!("risk {id} stays deleted; your edit was discarded"));
                    None
                }
                _ => Some(Popup::Deleted { id, fields }),
            },
            Popup::Prompt(mut p) => match p.handle_key(key) {
                prompt::Step::Continue => Some(Popup::Prompt(p)),
                prompt::Step::Cancel => match p.purpose {
                    prompt::Purpose::FromForm(_, form) => Some(Popup::Form(form)),
                    _ => None,
                },
                prompt::Step::Submit(text) => self.submit_prompt(p, &text),
            },
            Popup::Milestone(mut m) => match m.handle_key(key) {
                milestone_form::Step::Continue => Some(Popup::Milestone(m)),
                milestone_form::Step::Cancel => None,
                milestone_form::Step::Save => self.save_milestone(m),
            },
            Popup::Incident(mut i) => match i.handle_key(key) {
                incident_form::Step::Continue => Some(Popup::Incident(i)),
                incident_form::Step::Cancel => None,
                incident_form::Step::Save => self.save_incident(i),
            },
            Popup::Remove(mut r) => match r.handle_key(key) {
                remove::Step::Continue => Some(Popup::Remove(r)),
                remove::Step::Cancel => None,
                remove::Step::Remove(target) => {
                    self.remove(&r, target.as_deref());
                    None
                }
            },
        }
    }
}
