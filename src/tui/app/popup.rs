//! Keys while a popup has the focus: each popup decides what its keys do and whether it
//! stays open.

use ratatui::crossterm::event::KeyCode;

use super::*;
use crate::tui::popups::export::{self, Step};

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
            Action::Input(k) => Some(k.code),
            _ => None,
        };
        self.popup = match popup {
            Popup::Help | Popup::Detail => match action {
                Action::Quit => {
                    self.quit = true;
                    None
                }
                Action::Close | Action::Help | Action::Choose => None,
                _ => Some(popup),
            },
            Popup::Welcome => match key {
                Some(KeyCode::Char('a')) => {
                    self.open_add();
                    return;
                }
                Some(KeyCode::Char('s' | 'S')) => {
                    self.load_sample();
                    None
                }
                Some(KeyCode::Char('q')) => {
                    self.quit = true;
                    None
                }
                Some(KeyCode::Esc | KeyCode::Enter) => None,
                _ => Some(Popup::Welcome),
            },
            Popup::Form(mut form) => {
                let Action::Input(k) = action else {
                    self.popup = Some(Popup::Form(form));
                    return;
                };
                match form.handle_key(k) {
                    Outcome::Continue => {
                        let today = self.today();
                        if form.error.is_some() {
                            form.validate(today, self.store.settings());
                        }
                        Some(Popup::Form(form))
                    }
                    Outcome::Cancel => None,
                    Outcome::Save => self.save_form(form),
                }
            }
            Popup::Sort { cursor } => match key {
                Some(KeyCode::Up | KeyCode::Char('k')) => Some(Popup::Sort {
                    cursor: cursor.saturating_sub(1),
                }),
                Some(KeyCode::Down | KeyCode::Char('j')) => Some(Popup::Sort {
                    cursor: (cursor + 1).min(SORTS.len() - 1),
                }),
                Some(KeyCode::Enter) => {
                    self.sort = SORTS.get(cursor).map_or(SortKey::Score, |(k, _)| *k);
                    self.request_rows();
                    None
                }
                Some(KeyCode::Esc | KeyCode::Char('q')) => None,
                _ => Some(Popup::Sort { cursor }),
            },
            Popup::Status { cursor } => match key {
                Some(KeyCode::Up | KeyCode::Char('k')) => Some(Popup::Status {
                    cursor: cursor.saturating_sub(1),
                }),
                Some(KeyCode::Down | KeyCode::Char('j')) => Some(Popup::Status {
                    cursor: (cursor + 1).min(Status::ALL.len() - 1),
                }),
                Some(KeyCode::Enter) => {
                    self.move_status(Status::ALL[cursor.min(Status::ALL.len() - 1)]);
                    return;
                }
                Some(KeyCode::Esc | KeyCode::Char('q')) => None,
                _ => Some(Popup::Status { cursor }),
            },
            Popup::ConfirmDelete { id, title } => match key {
                Some(KeyCode::Char('y' | 'Y')) => {
                    self.delete(id);
                    None
                }
                Some(KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc | KeyCode::Enter) => None,
                _ => Some(Popup::ConfirmDelete { id, title }),
            },
            Popup::Export(mut prompt) => {
                let Action::Input(k) = action else {
                    self.popup = Some(Popup::Export(prompt));
                    return;
                };
                let spec = self.spec();
                let today = self.today();
                match (prompt.handle_key(k), spec) {
                    (Step::Continue, _) => Some(Popup::Export(prompt)),
                    (Step::Cancel, _) => None,
                    (
                        Step::Write {
                            path,
                            format,
                            force,
                        },
                        Ok(spec),
                    ) => match export::write(&self.store, &spec, today, &path, format, force) {
                        Ok(n) => {
                            self.info(format!(
                                "wrote {n} risks to {}",
                                sanitize_line(&path.display().to_string())
                            ));
                            None
                        }
                        Err(e) => {
                            prompt.fail(&e);
                            Some(Popup::Export(prompt))
                        }
                    },
                    (Step::Write { .. }, Err(e)) => {
                        self.error(&e);
                        None
                    }
                }
            }
            Popup::Conflict(conflict) => match key {
                Some(KeyCode::Char('m' | 'M')) => self.resolve_conflict(*conflict, true),
                Some(KeyCode::Char('t' | 'T')) => self.resolve_conflict(*conflict, false),
                Some(KeyCode::Esc) => Some(Popup::Form(conflict.form)),
                _ => Some(Popup::Conflict(conflict)),
            },
            Popup::Deleted { id, fields } => match key {
                Some(KeyCode::Char('r' | 'R')) => {
                    self.recreate(id, *fields);
                    None
                }
                Some(KeyCode::Esc | KeyCode::Char('d' | 'D' | 'q')) => {
                    self.info(format!("risk {id} stays deleted; your edit was discarded"));
                    None
                }
                _ => Some(Popup::Deleted { id, fields }),
            },
        };
    }
}
