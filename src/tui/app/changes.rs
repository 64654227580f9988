//! Every change the TUI makes: the form's save (with the merge that keeps a stale edit from
//! overwriting anyone), quick keys, review, delete, undo and the sample register. Each is one
//! IMMEDIATE transaction through the store, like the CLI's.

use super::*;
use crate::domain::merge::FieldConflict;
use crate::tui::popups::risk_form::Mode;

impl App {
    /// Every team's and milestone's name, for the form's pick lists.
    pub(super) fn names(&self) -> (Vec<String>, Vec<String>) {
        (self.tabs.teams.names(), self.tabs.roadmap.names())
    }

    pub(super) fn open_add(&mut self) {
        let (teams, milestones) = self.names();
        self.popup = Some(Popup::Form(Box::new(RiskForm::for_add(
            &teams,
            &milestones,
        ))));
    }

    pub(super) fn open_edit(&mut self) {
        let Some(risk) = self.tabs.risks.selected() else {
            return;
        };
        let (teams, milestones) = self.names();
        self.popup = Some(Popup::Form(Box::new(RiskForm::for_edit(
            risk,
            &teams,
            &milestones,
        ))));
    }

    /// After one of our own commits: its `data_version` does not move for our own
    /// connection, so reload explicitly.
    pub(super) fn committed(&mut self, undo: Option<Undo>, message: String) {
        if let Some(u) = undo {
            self.undo = Some(u);
        }
        if let Ok(v) = self.store.data_version() {
            self.data_version = v;
        }
        self.reload();
        self.info(message);
    }

    /// Saves the form: a new risk, or my changes merged onto the risk as it is now.
    pub(super) fn save_form(&mut self, mut form: Box<RiskForm>) -> Option<Popup> {
        let today = self.today();
        let Some((mine, patch)) = form.validate(today, self.store.settings()) else {
            return Some(Popup::Form(form));
        };
        let stamp = self.stamp();
        match form.mode.clone() {
            Mode::Add => {
                let created = self.store.write(&stamp, |tx| {
                    tx.create_risk(
                        NewRisk {
                            fields: mine.clone(),
                            id: None,
                            created_at: None,
                        },
                        Rules::Interactive,
                        EventKind::Create,
                        "",
                    )
                });
                match created {
                    Ok(id) => {
                        self.select_after_reload(id);
                        self.committed(Some(Undo::Created { id }), format!("added risk {id}"));
                        None
                    }
                    Err(e) => {
                        refuse(&mut form, &e);
                        Some(Popup::Form(form))
                    }
                }
            }
            Mode::Edit {
                id,
                base,
                base_revision,
            } => {
                if patch.is_empty() {
                    self.info(format!("risk {id}: nothing changed"));
                    return None;
                }
                let outcome = self.store.write(&stamp, |tx| {
                    let Some(theirs) = tx.risk(id)? else {
                        return Ok(SaveOutcome::Gone);
                    };
                    let patch = if theirs.revision == base_revision {
                        patch.clone()
                    } else {
                        match merge::merge(&base, &mine, &theirs.fields) {
                            Merge::Clean(p) => *p,
                            Merge::Conflict(fields) => {
                                return Ok(SaveOutcome::Conflict(theirs, fields));
                            }
                        }
                    };
                    let before = theirs.fields.clone();
                    let edit =
                        tx.update_risk(id, Some(theirs.revision), &patch, Rules::Interactive, "")?;
                    Ok(SaveOutcome::Saved(
                        before,
                        edit.risk.revision,
                        theirs.revision != base_revision,
                    ))
                });
                match outcome {
                    Ok(SaveOutcome::Saved(before, revision, merged)) => {
                        let how = if merged {
                            " (merged with a change made meanwhile)"
                        } else {
                            ""
                        };
                        self.committed(
                            Some(Undo::Edited {
                                id,
                                before,
                                revision,
                            }),
                            format!("saved risk {id}, revision {revision}{how}"),
                        );
                        None
                    }
                    Ok(SaveOutcome::Conflict(theirs, fields)) => {
                        Some(Popup::Conflict(Box::new(Conflict {
                            id,
                            base: *base,
                            mine,
                            theirs,
                            fields,
                            form,
                        })))
                    }
                    Ok(SaveOutcome::Gone) => Some(Popup::Deleted {
                        id,
                        fields: Box::new(mine),
                    }),
                    Err(e) => {
                        refuse(&mut form, &e);
                        Some(Popup::Form(form))
                    }
                }
            }
        }
    }

    /// "Keep mine" or "keep theirs" for the conflicting fields; my other changes apply.
    pub(super) fn resolve_conflict(&mut self, c: Conflict, keep_mine: bool) -> Option<Popup> {
        let patch = merge::resolve(&c.base, &c.mine, &c.theirs.fields, keep_mine);
        let id = c.id;
        if patch.is_empty() {
            self.info(format!("kept their version of risk {id}"));
            self.reload();
            return None;
        }
        let stamp = self.stamp();
        let expected = c.theirs.revision;
        let result = self.store.write(&stamp, |tx| {
            tx.update_risk(
                id,
                Some(expected),
                &patch,
                Rules::Interactive,
                "conflict resolved",
            )
        });
        match result {
            Ok(edit) => {
                let side = if keep_mine { "yours" } else { "theirs" };
                self.committed(
                    Some(Undo::Edited {
                        id,
                        before: c.theirs.fields.clone(),
                        revision: edit.risk.revision,
                    }),
                    format!(
                        "saved risk {id}, revision {} (kept {side} where both changed)",
                        edit.risk.revision
                    ),
                );
                None
            }
            Err(e) => {
                self.error(&e);
                self.reload();
                None
            }
        }
    }

    pub(super) fn recreate(&mut self, id: i64, fields: RiskFields) {
        let stamp = self.stamp();
        let result = self.store.write(&stamp, |tx| {
            tx.create_risk(
                NewRisk {
                    fields,
                    id: Some(id),
                    created_at: None,
                },
                Rules::Restore,
                EventKind::Create,
                "recreated after it was deleted during an edit",
            )
        });
        match result {
            Ok(id) => self.committed(Some(Undo::Created { id }), format!("recreated risk {id}")),
            Err(e) => self.error(&e),
        }
    }

    /// Applies a one-field change to the selected risk, at the revision on screen.
    pub(super) fn quick_edit(
        &mut self,
        patch: RiskPatch,
        what: &str,
        note: &str,
    ) -> std::result::Result<(), Error> {
        let Some(risk) = self.tabs.risks.selected() else {
            return Ok(());
        };
        let (id, revision, before) = (risk.id, risk.revision, risk.fields.clone());
        let stamp = self.stamp();
        let edit = self.store.write(&stamp, |tx| {
            tx.update_risk(id, Some(revision), &patch, Rules::Interactive, note)
        });
        match edit {
            Ok(edit) if edit.changes.is_empty() => {
                self.info(format!("risk {id}: {what} unchanged"));
                Ok(())
            }
            Ok(edit) => {
                let r = edit.risk.revision;
                self.committed(
                    Some(Undo::Edited {
                        id,
                        before,
                        revision: r,
                    }),
                    format!("risk {id}: {what} (revision {r})"),
                );
                Ok(())
            }
            Err(Error::RevisionConflict { .. }) => {
                self.reload();
                self.message = Some(Message {
                    kind: MessageKind::Error,
                    text: format!(
                        "risk {id} was changed by someone else; reloaded — check it and try again"
                    ),
                });
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    pub(super) fn bump(&mut self, action: &Action) {
        let Some(risk) = self.tabs.risks.selected() else {
            return;
        };
        let f = &risk.fields;
        let mut patch = RiskPatch::default();
        let what = match action {
            Action::RaiseLikelihood | Action::LowerLikelihood => {
                let l = if *action == Action::RaiseLikelihood {
                    f.likelihood.raised()
                } else {
                    f.likelihood.lowered()
                };
                patch.likelihood = Some(l);
                format!("likelihood {l}")
            }
            Action::RaiseImpact | Action::LowerImpact => {
                let i = if *action == Action::RaiseImpact {
                    f.impact.raised()
                } else {
                    f.impact.lowered()
                };
                patch.impact = Some(i);
                format!("impact {i}")
            }
            _ => return,
        };
        if let Err(e) = self.quick_edit(patch, &what, "") {
            self.error(&e);
        }
    }

    /// Moves the selected risk to `status`, with `note` (the why) in its history. Accepting
    /// needs an approver and an end date, so the form opens for them when they are missing.
    pub(super) fn move_status(&mut self, status: Status, note: &str) {
        let patch = RiskPatch {
            status: Some(status),
            ..RiskPatch::default()
        };
        match self.quick_edit(patch, &format!("status {status}"), note) {
            Ok(()) => {}
            Err(Error::Field(e))
                if status == Status::Accepted
                    && matches!(e.field.as_str(), "approver" | "accepted_until") =>
            {
                self.open_edit();
                if let Some(Popup::Form(form)) = &mut self.popup {
                    form.set_value(Field::Status, status.as_str());
                    form.mark(&e);
                    form.focus_field(Field::from_name(&e.field).unwrap_or(Field::Approver));
                }
            }
            Err(e) => self.error(&e),
        }
    }

    pub(super) fn review(&mut self) {
        let Some(risk) = self.tabs.risks.selected() else {
            return;
        };
        let (id, before) = (risk.id, risk.fields.clone());
        let stamp = self.stamp();
        match self.store.write(&stamp, |tx| tx.review_risk(id, "")) {
            Ok(r) => {
                let next = r
                    .fields
                    .next_review
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                self.committed(
                    Some(Undo::Edited {
                        id,
                        before,
                        revision: r.revision,
                    }),
                    format!("reviewed risk {id}; next review {next}"),
                );
            }
            Err(e) => self.error(&e),
        }
    }

    pub(super) fn delete(&mut self, id: i64) {
        let stamp = self.stamp();
        let deleted = self.store.write(&stamp, |tx| {
            let actions = tx.actions_of(id)?;
            tx.delete_risk(id, "").map(|risk| (risk, actions))
        });
        match deleted {
            Ok((risk, actions)) => self.committed(
                Some(Undo::Deleted { risk, actions }),
                format!("deleted risk {id} (u undoes)"),
            ),
            Err(e) => self.error(&e),
        }
    }

    /// Takes back this session's last change, recorded in history like any change. Refused
    /// when someone else changed the risk since.
    pub(super) fn undo(&mut self) {
        let Some(undo) = self.undo.take() else {
            self.info("nothing to undo in this session");
            return;
        };
        let stamp = self.stamp();
        let note = "undo";
        let result = match &undo {
            Undo::Created { id } => self.store.write(&stamp, |tx| {
                let id = *id;
                match tx.risk_revision(id)? {
                    Some(1) => tx
                        .delete_risk(id, note)
                        .map(|_| format!("undid: removed risk {id}")),
                    Some(r) => Err(Error::RevisionConflict {
                        entity: "risk",
                        id,
                        expected: 1,
                        current: r,
                    }),
                    None => Err(Error::NotFound(format!("risk {id} is already gone"))),
                }
            }),
            Undo::Edited {
                id,
                before,
                revision,
            } => self.store.write(&stamp, |tx| {
                tx.update_risk(
                    *id,
                    Some(*revision),
                    &merge::patch_restoring(before),
                    Rules::Restore,
                    note,
                )
                .map(|e| {
                    if e.changes.is_empty() {
                        format!("nothing to undo: risk {id} is already as it was")
                    } else {
                        format!(
                            "undid: risk {id} back as it was (revision {})",
                            e.risk.revision
                        )
                    }
                })
            }),
            Undo::Deleted { risk, actions } => self.store.write(&stamp, |tx| {
                let id = tx.create_risk(
                    NewRisk {
                        fields: risk.fields.clone(),
                        id: Some(risk.id),
                        created_at: Some(risk.created_at.clone()),
                    },
                    Rules::Restore,
                    EventKind::Create,
                    note,
                )?;
                for a in actions {
                    tx.create_action(a.fields.clone(), Some(a.id), note)?;
                }
                Ok(format!(
                    "undid: risk {id} restored{}",
                    match actions.len() {
                        0 => String::new(),
                        n => format!(
                            " with its {}",
                            crate::domain::figures::count(n as u64, "action", "actions")
                        ),
                    }
                ))
            }),
        };
        match result {
            Ok(message) => {
                if let Undo::Deleted { risk, .. } = &undo {
                    self.select_after_reload(risk.id);
                }
                self.committed(None, message);
            }
            Err(Error::RevisionConflict { id, .. }) => {
                self.message = Some(Message {
                    kind: MessageKind::Error,
                    text: format!("cannot undo: risk {id} was changed since (see its history)"),
                });
            }
            Err(e) => self.error(&e),
        }
    }

    /// Makes the next rows that arrive select risk `id`.
    pub(super) fn select_after_reload(&mut self, id: i64) {
        self.pending_select = Some(id);
    }

    pub(super) fn load_sample(&mut self) {
        let stamp = self.stamp();
        match crate::ops::load_sample(&mut self.store, &stamp) {
            Ok(loaded) => self.committed(None, format!("loaded the sample register: {loaded}")),
            Err(e) => self.error(&e),
        }
    }

    /// The path the store was opened from (for the status line).
    pub fn path_label(&self) -> String {
        sanitize_line(&self.store.location().to_string()).into_owned()
    }
}

enum SaveOutcome {
    Saved(RiskFields, i64, bool),
    Conflict(Risk, Vec<FieldConflict>),
    Gone,
}

/// Shows why the store refused a save, next to the field when it names one.
fn refuse(form: &mut RiskForm, e: &Error) {
    match e {
        Error::Field(fe) => form.mark(fe),
        other => form.fields.error = Some(sanitize_line(&other.to_string()).into_owned()),
    }
}
