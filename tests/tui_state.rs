//! The TUI's state transitions, without a terminal: every action on an app over a real
//! temporary register, checked against the register itself (through the CLI or SQL).
//! Also DV-1..3 (other processes' commits) and LU-1, LU-2, LU-6 (stale edits).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use common::Reg;
use common::tui::{act, app_on, chars, ids, key, key_with, sample_reg, screen};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use riskreg::tui::Action;
use riskreg::tui::app::{Message, MessageKind, Popup};
use riskreg::tui::tabs::Tab;

fn title_of(reg: &Reg, id: i64) -> String {
    reg.json(&["show", &id.to_string()])["title"]
        .as_str()
        .unwrap()
        .to_string()
}

fn field(reg: &Reg, id: i64, name: &str) -> serde_json::Value {
    reg.json(&["show", &id.to_string()])[name].clone()
}

#[test]
fn the_list_is_the_cli_priority_order() {
    let reg = sample_reg();
    let app = app_on(&reg, 120, 40);
    let cli: Vec<i64> = reg
        .json(&["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids(&app), cli);
    assert_eq!(app.totals, (28, 32));
    assert_eq!(app.tabs.risks.selected_id(), Some(cli[0]));
}

#[test]
fn moving_paging_and_jumping_keep_the_selection_visible() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 80, 24);
    let rows = riskreg::tui::layout::risk_rows(riskreg::tui::layout::screen(app.size).body);
    act(&mut app, Action::Down);
    assert_eq!(app.tabs.risks.list.cursor.at, 1);
    act(&mut app, Action::Up);
    act(&mut app, Action::Up);
    assert_eq!(app.tabs.risks.list.cursor.at, 0, "stops at the top");
    act(&mut app, Action::Bottom);
    assert_eq!(
        app.tabs.risks.list.cursor.at,
        app.tabs.risks.list.ids.len() - 1
    );
    assert!(
        app.tabs.risks.list.cursor.offset + rows > app.tabs.risks.list.cursor.at,
        "bottom row visible"
    );
    assert_eq!(
        app.tabs.risks.visible.last().map(|r| r.id),
        app.tabs.risks.selected_id()
    );
    act(&mut app, Action::Top);
    assert_eq!(
        (
            app.tabs.risks.list.cursor.at,
            app.tabs.risks.list.cursor.offset
        ),
        (0, 0)
    );
    act(&mut app, Action::PageDown);
    assert_eq!(app.tabs.risks.list.cursor.at, rows);
    act(&mut app, Action::PageUp);
    assert_eq!(app.tabs.risks.list.cursor.at, 0);
    act(&mut app, Action::ClickRow(2));
    assert_eq!(app.tabs.risks.list.cursor.at, 2);
    assert_eq!(
        app.tabs.risks.detail.as_ref().map(|r| r.risk.id),
        app.tabs.risks.selected_id()
    );
}

#[test]
fn tabs_switch_by_number_tab_and_shift_tab() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 80, 24);
    key(&mut app, KeyCode::Char('3'));
    assert_eq!(app.tab, Tab::Teams);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Roadmap);
    key(&mut app, KeyCode::BackTab);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.tab, Tab::Matrix);
    key(&mut app, KeyCode::Char('5'));
    assert_eq!(app.tab, Tab::History);
    key(&mut app, KeyCode::Char('6'));
    assert_eq!(app.tab, Tab::Budget);
    key(&mut app, KeyCode::Char('7'));
    assert_eq!(app.tab, Tab::Actions);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Risks, "wraps around");
}

#[test]
fn the_filter_narrows_live_shows_errors_inline_and_esc_restores() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let all = ids(&app);
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "team:edge");
    let cli: Vec<i64> = reg
        .json(&["list", "team:edge"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids(&app), cli, "narrowed while typing");
    chars(&mut app, " \"primary");
    assert!(
        app.filter
            .error
            .as_deref()
            .is_some_and(|e| e.contains("quote")),
        "{:?}",
        app.filter.error
    );
    assert_eq!(
        ids(&app),
        cli,
        "a bad term keeps the last good list: {:?}",
        app.filter.applied
    );
    key(&mut app, KeyCode::Esc);
    assert!(app.filter.editing.is_none());
    assert_eq!(ids(&app), all, "Esc puts the old filter back");
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "is:review-due");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.filter.applied, "is:review-due");
    let due: Vec<i64> = reg
        .json(&["list", "is:review-due"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids(&app), due);
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(ids(&app), all, "c clears");
}

#[test]
fn the_sort_picker_changes_the_order_like_the_cli() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.popup, Some(Popup::Sort { cursor: 0 })));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    let cli: Vec<i64> = reg
        .json(&["list", "--sort", "due"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids(&app), cli);
}

#[test]
fn the_add_form_validates_inline_and_saves_through_the_core() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('a'));
    assert!(matches!(app.popup, Some(Popup::Form(_))));
    key(&mut app, KeyCode::Enter);
    let Some(Popup::Form(form)) = &app.popup else {
        panic!("form stays open")
    };
    assert!(
        form.fields.entries[0].error.is_some(),
        "empty title refused"
    );
    chars(&mut app, "Redis cache stampede on deploy");
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "5"); // likelihood
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Right); // impact 4
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "e"); // team edge
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "ana");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none(), "saved");
    let id = app.tabs.risks.selected_id().unwrap();
    let shown = reg.json(&["show", &id.to_string()]);
    assert_eq!(shown["title"], "Redis cache stampede on deploy");
    assert_eq!(
        (shown["likelihood"].as_i64(), shown["impact"].as_i64()),
        (Some(5), Some(4))
    );
    assert_eq!(shown["team"], "edge");
    assert_eq!(shown["owner"], "ana");
    let history = reg.json(&["history", &id.to_string()]);
    // On PostgreSQL the actor is the session user, whatever the TUI says.
    let actor = if common::on_postgres() {
        common::pg::TESTER
    } else {
        "tui-tester"
    };
    assert_eq!(history[0]["actor"], actor);
    assert_eq!(history[0]["kind"], "create");
}

#[test]
fn bad_values_in_the_form_are_refused_like_the_cli_refuses_them() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('a'));
    chars(&mut app, "a\u{202e}b");
    key(&mut app, KeyCode::Enter);
    let Some(Popup::Form(form)) = &app.popup else {
        panic!("still open")
    };
    let err = form.fields.entries[0].error.clone().unwrap();
    let cli = reg.fails(&["add", "a\u{202e}b", "-l", "1", "-i", "1"], 65);
    assert!(common::stderr(&cli).contains(&err), "same reason: {err}");
    key(&mut app, KeyCode::Esc);
    assert!(app.popup.is_some(), "asks before throwing the typing away");
    key(&mut app, KeyCode::Char('y'));
    assert!(app.popup.is_none());
    assert_eq!(app.totals.1, 32, "nothing saved");
}

#[test]
fn edit_form_saves_changes_and_records_history() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = app.tabs.risks.selected_id().unwrap();
    key(&mut app, KeyCode::Char('e'));
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL); // clear the title line
    chars(&mut app, "Renamed in the TUI");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    assert_eq!(title_of(&reg, id), "Renamed in the TUI");
    let h = reg.json(&["history", &id.to_string()]);
    assert_eq!(h[0]["field"], "title");
    assert_eq!(h[0]["new"], "Renamed in the TUI");
}

#[test]
fn quick_keys_bump_levels_move_status_review_and_delete() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    act(&mut app, Action::Bottom);
    let id = app.tabs.risks.selected_id().unwrap();
    let l = field(&reg, id, "likelihood").as_i64().unwrap();
    let i = field(&reg, id, "impact").as_i64().unwrap();
    key(&mut app, KeyCode::Char('+'));
    key(&mut app, KeyCode::Char('>'));
    assert_eq!(field(&reg, id, "likelihood").as_i64(), Some((l + 1).min(5)));
    assert_eq!(field(&reg, id, "impact").as_i64(), Some((i + 1).min(5)));
    key(&mut app, KeyCode::Char('-'));
    key(&mut app, KeyCode::Char('<'));
    assert_eq!(field(&reg, id, "likelihood").as_i64(), Some(l.clamp(1, 4)));
    let sel = app.tabs.risks.selected_id().unwrap();
    key(&mut app, KeyCode::Char('m'));
    assert!(matches!(app.popup, Some(Popup::Status { .. })));
    key(&mut app, KeyCode::Home); // no-op key in the picker
    for _ in 0..5 {
        key(&mut app, KeyCode::Up);
    }
    key(&mut app, KeyCode::Down); // mitigating
    key(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.popup, Some(Popup::Prompt(_))),
        "a status move asks why"
    );
    chars(&mut app, "the fix is in progress");
    key(&mut app, KeyCode::Enter);
    assert_eq!(field(&reg, sel, "status"), "mitigating");
    assert_eq!(
        reg.json(&["history", &sel.to_string()])[0]["note"],
        "the fix is in progress"
    );
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(
        reg.json(&["history", &sel.to_string()])[0]["kind"],
        "review"
    );
    key(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.popup, Some(Popup::ConfirmDelete { .. })));
    key(&mut app, KeyCode::Char('n'));
    assert!(app.popup.is_none());
    assert_eq!(
        reg.count(&format!("SELECT count(*) FROM risk WHERE id = {sel}")),
        1,
        "n keeps it"
    );
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(
        reg.count(&format!("SELECT count(*) FROM risk WHERE id = {sel}")),
        0
    );
    assert!(!ids(&app).contains(&sel));
}

#[test]
fn accepting_from_the_status_picker_asks_for_approver_and_date() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = app.tabs.risks.selected_id().unwrap();
    key(&mut app, KeyCode::Char('m'));
    for _ in 0..5 {
        key(&mut app, KeyCode::Up);
    }
    for _ in 0..3 {
        key(&mut app, KeyCode::Down); // open, mitigating, mitigated, accepted
    }
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter); // no why
    let Some(Popup::Form(form)) = &app.popup else {
        panic!("the form opens for the approver")
    };
    assert_eq!(form.fields.focused().unwrap().key, "approver");
    assert_ne!(field(&reg, id, "status"), "accepted", "nothing written yet");
    chars(&mut app, "cto");
    key(&mut app, KeyCode::BackTab);
    chars(&mut app, "2027-03-01");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    assert_eq!(field(&reg, id, "status"), "accepted");
    assert_eq!(field(&reg, id, "approver"), "cto");
}

#[test]
fn undo_takes_back_an_edit_a_delete_and_an_add_in_history() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = app.tabs.risks.selected_id().unwrap();
    let before = reg.json(&["show", &id.to_string()]);
    key(&mut app, KeyCode::Char('-'));
    assert_ne!(field(&reg, id, "likelihood"), before["likelihood"]);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(field(&reg, id, "likelihood"), before["likelihood"]);
    assert_eq!(reg.json(&["history", &id.to_string()])[0]["note"], "undo");

    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(
        reg.count(&format!("SELECT count(*) FROM risk WHERE id = {id}")),
        0
    );
    key(&mut app, KeyCode::Char('u'));
    let back = reg.json(&["show", &id.to_string()]);
    assert_eq!(back["title"], before["title"]);
    assert_eq!(back["created_at"], before["created_at"]);
    assert_eq!(app.tabs.risks.selected_id(), Some(id));

    key(&mut app, KeyCode::Char('a'));
    chars(&mut app, "Short-lived risk");
    key(&mut app, KeyCode::Enter);
    let new_id = app.tabs.risks.selected_id().unwrap();
    assert_ne!(new_id, id);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(
        reg.count(&format!("SELECT count(*) FROM risk WHERE id = {new_id}")),
        0
    );
    assert_eq!(
        reg.count(&format!(
            "SELECT count(*) FROM event WHERE risk_id = {new_id}"
        )),
        2,
        "create and its undo"
    );
    key(&mut app, KeyCode::Char('u'));
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("nothing to undo"))
    );
}

#[test]
fn undo_refuses_to_overwrite_someone_elses_later_change() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = app.tabs.risks.selected_id().unwrap();
    key(&mut app, KeyCode::Char('-'));
    reg.ok(&["edit", &id.to_string(), "--owner", "someone-else"]);
    key(&mut app, KeyCode::Char('u'));
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("changed since"))
    );
    assert_eq!(field(&reg, id, "owner"), "someone-else");
}

#[test]
fn matrix_teams_roadmap_and_history_choices_filter_the_risks() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(app.tabs.matrix.cell, (5, 5));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(app.tabs.matrix.cell, (4, 4));
    let count = app.tabs.matrix.counts[3][3];
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Risks);
    assert_eq!(app.filter.applied, "likelihood:4 impact:4");
    assert_eq!(ids(&app).len() as u64, count);

    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Down);
    let team = app.tabs.teams.rows[1].team.clone().unwrap();
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.filter.applied, format!("team:{team}"));
    assert_eq!(ids(&app).len() as u64, app.tabs.teams.rows[1].active());

    key(&mut app, KeyCode::Char('4'));
    let m = app.tabs.roadmap.milestones[0].clone();
    assert!(m.overdue, "the sample's first milestone is overdue");
    assert_eq!(app.tabs.roadmap.risks.len() as i64, m.active_risks);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.filter.applied, format!("milestone:{}", m.name));
    assert_eq!(ids(&app).len() as i64, m.active_risks);

    let id = app.tabs.risks.selected_id().unwrap();
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(
        (app.tab, app.history_filter.applied.clone()),
        (Tab::History, format!("risk:{id}"))
    );
    assert!(app.tabs.history.events.iter().all(|e| e.risk_id == id));
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(app.history_filter.applied, "");
    assert_eq!(
        app.tabs.history.events.len(),
        32 + 12,
        "the risks and the actions"
    );
    key(&mut app, KeyCode::Down);
    let other = app.tabs.history.events[1].risk_id;
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.history_filter.applied, format!("risk:{other}"));
}

#[test]
fn export_writes_the_rows_in_view_and_asks_before_overwriting() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "team:payments");
    key(&mut app, KeyCode::Enter);
    let out = reg.path("view.md");
    key(&mut app, KeyCode::Char('x'));
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    chars(&mut app, out.to_str().unwrap());
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none(), "{:?}", app.message);
    let md = std::fs::read_to_string(&out).unwrap();
    let cli = reg.ok(&["export", "team:payments", "--format", "md"]);
    assert_eq!(md, cli, "the same rows, order and format as the CLI");

    std::fs::write(&out, "keep me").unwrap();
    key(&mut app, KeyCode::Char('x'));
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    chars(&mut app, out.to_str().unwrap());
    key(&mut app, KeyCode::Enter);
    let Some(Popup::Export(prompt)) = &app.popup else {
        panic!("asks first")
    };
    assert!(prompt.confirm_overwrite);
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "keep me",
        "not overwritten"
    );
    key(&mut app, KeyCode::Char('x'));
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    chars(&mut app, out.to_str().unwrap());
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), cli);
}

#[test]
fn export_offers_a_workbook_on_tab() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 80, 24);
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "team:payments");
    key(&mut app, KeyCode::Enter);
    let out = reg.path("view.csv");
    key(&mut app, KeyCode::Char('x'));
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    chars(&mut app, out.to_str().unwrap());
    key(&mut app, KeyCode::Tab);
    let Some(Popup::Export(prompt)) = &app.popup else {
        panic!("the export prompt")
    };
    assert_eq!(prompt.path(), reg.path("view.xlsx"), "Tab: csv → xlsx");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none(), "{:?}", app.message);
    let book = reg.path("view.xlsx");
    let mut wb = calamine::open_workbook_auto(&book).expect("a workbook");
    let rows = calamine::Reader::worksheet_range(&mut wb, "Risks").expect("sheet Risks");
    let cli = reg.json(&["export", "team:payments"]);
    assert_eq!(
        rows.height() - 1,
        cli.as_array().map_or(0, Vec::len),
        "the rows in view"
    );
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    let Some(Popup::Export(prompt)) = &app.popup else {
        panic!("the export prompt")
    };
    assert_eq!(
        prompt.path().extension().and_then(|e| e.to_str()),
        Some("md"),
        "Tab again: xlsx → md"
    );
}

/// The loader writes exports on a lane of its own (a workbook of 100,000 risks takes
/// seconds); two asked at once are both written, never one dropped for the newer.
#[test]
fn the_loader_writes_every_export_asked() {
    use riskreg::io::ExportFormat;
    use riskreg::query::ListSpec;
    use riskreg::tui::data::{Request, Response, Worker};
    use std::sync::Mutex;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    let reg = sample_reg();
    let (tx, rx) = channel::<(std::path::PathBuf, u64)>();
    let tx = Mutex::new(tx);
    let worker = Worker::start(reg.db.clone(), move |response| {
        if let Response::Exported(result) = response {
            let _ = tx.lock().unwrap().send(result.expect("written"));
        }
        true
    })
    .unwrap();
    let today = jiff::civil::date(2026, 11, 24);
    for (name, format) in [("a.csv", ExportFormat::Csv), ("b.xlsx", ExportFormat::Xlsx)] {
        worker.send(Request::Export {
            spec: ListSpec::default(),
            today,
            path: reg.path(name),
            format,
            force: false,
        });
    }
    let mut got: Vec<_> = (0..2)
        .map(|_| rx.recv_timeout(Duration::from_secs(60)).expect("an answer"))
        .collect();
    got.sort();
    assert_eq!(got, [(reg.path("a.csv"), 28), (reg.path("b.xlsx"), 28)]);
    assert!(
        std::fs::read(reg.path("b.xlsx"))
            .unwrap()
            .starts_with(b"PK")
    );
}

#[test]
fn help_opens_and_closes_and_q_quits() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 80, 24);
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.popup, Some(Popup::Help { .. })));
    key(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none());
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.popup, Some(Popup::Detail { .. })));
    key(&mut app, KeyCode::Esc);
    assert!(!app.quit);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    let mut app = app_on(&reg, 80, 24);
    key_with(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(app.quit, "Ctrl-C quits in raw mode");
}

#[test]
fn an_empty_register_welcomes_and_loads_the_sample_in_one_key() {
    let reg = Reg::new();
    let mut app = app_on(&reg, 80, 24);
    assert!(matches!(app.popup, Some(Popup::Welcome)));
    key(&mut app, KeyCode::Char('s'));
    assert!(app.popup.is_none());
    assert_eq!(app.totals, (28, 32));
    assert_eq!(reg.count("SELECT count(*) FROM team"), 6);
    assert_eq!(reg.count("SELECT count(*) FROM milestone"), 8);
}

#[test]
fn dv_1_another_process_commit_appears_after_one_poll() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = reg.add("Added by a script", 5, 5, &["--team", "edge"]);
    assert!(!ids(&app).contains(&id), "not before the poll");
    assert!(app.poll_changes(), "data_version moved");
    assert!(ids(&app).contains(&id));
    assert_eq!(app.totals.1, 33);
}

#[test]
fn dv_2_own_commits_reload_explicitly() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let reloads = app.reloads;
    key(&mut app, KeyCode::Char('-'));
    assert_eq!(app.reloads, reloads + 1, "reloaded after its own commit");
    assert!(
        !app.poll_changes(),
        "its own commit does not look like someone else's"
    );
}

#[test]
fn dv_3_no_writes_no_reloads() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let reloads = app.reloads;
    for _ in 0..20 {
        act(&mut app, Action::Tick);
    }
    assert_eq!(app.reloads, reloads);
}

/// Opens the edit form on the first risk and changes its title to `title`.
fn edit_title(app: &mut riskreg::tui::App, title: &str) {
    key(app, KeyCode::Char('e'));
    key_with(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    chars(app, title);
}

#[test]
fn lu_1_same_field_changed_elsewhere_opens_the_conflict_view() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = app.tabs.risks.selected_id().unwrap();
    let rev = field(&reg, id, "revision").as_i64().unwrap();
    edit_title(&mut app, "Mine");
    reg.ok(&["edit", &id.to_string(), "--title", "X"]);
    key(&mut app, KeyCode::Enter);
    let Some(Popup::Conflict(c)) = &app.popup else {
        panic!("conflict view")
    };
    assert_eq!(
        (c.fields[0].theirs.as_str(), c.fields[0].mine.as_str()),
        ("X", "Mine")
    );
    assert_eq!(
        field(&reg, id, "revision").as_i64(),
        Some(rev + 1),
        "no write happened"
    );
    key(&mut app, KeyCode::Char('m'));
    assert!(app.popup.is_none());
    assert_eq!(title_of(&reg, id), "Mine");
    assert_eq!(field(&reg, id, "revision").as_i64(), Some(rev + 2));
    let titles: Vec<String> = reg
        .json(&["history", &id.to_string()])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "title")
        .map(|e| e["new"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        titles,
        vec!["Mine".to_string(), "X".to_string()],
        "both changes in history"
    );
}

#[test]
fn lu_1_keep_theirs_keeps_their_value() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = app.tabs.risks.selected_id().unwrap();
    edit_title(&mut app, "Mine");
    reg.ok(&["edit", &id.to_string(), "--title", "X"]);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('t'));
    assert!(app.popup.is_none());
    assert_eq!(title_of(&reg, id), "X");
}

#[test]
fn lu_2_disjoint_fields_merge() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = app.tabs.risks.selected_id().unwrap();
    let rev = field(&reg, id, "revision").as_i64().unwrap();
    edit_title(&mut app, "Mine");
    reg.ok(&["edit", &id.to_string(), "--owner", "bob"]);
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none(), "saved without asking");
    let shown = reg.json(&["show", &id.to_string()]);
    assert_eq!(
        (shown["title"].as_str(), shown["owner"].as_str()),
        (Some("Mine"), Some("bob"))
    );
    assert_eq!(shown["revision"].as_i64(), Some(rev + 2));
}

#[test]
fn lu_6_delete_during_edit_reports_not_found_and_offers_recreate() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = app.tabs.risks.selected_id().unwrap();
    edit_title(&mut app, "Mine");
    reg.ok(&["delete", &id.to_string(), "--yes"]);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.popup, Some(Popup::Deleted { .. })));
    assert_eq!(
        reg.count(&format!("SELECT count(*) FROM risk WHERE id = {id}")),
        0,
        "no zombie row"
    );
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(title_of(&reg, id), "Mine");

    let mut app = app_on(&reg, 120, 40);
    act(&mut app, Action::Bottom);
    let other = app.tabs.risks.selected_id().unwrap();
    edit_title(&mut app, "Gone anyway");
    reg.ok(&["delete", &other.to_string(), "--yes"]);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(
        reg.count(&format!("SELECT count(*) FROM risk WHERE id = {other}")),
        0
    );
}

#[test]
fn stale_quick_key_reloads_instead_of_overwriting() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = app.tabs.risks.selected_id().unwrap();
    reg.ok(&["edit", &id.to_string(), "--likelihood", "1"]);
    key(&mut app, KeyCode::Char('>'));
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("changed by someone else"))
    );
    assert_eq!(field(&reg, id, "likelihood").as_i64(), Some(1));
}

fn mouse(
    app: &mut riskreg::tui::App,
    kind: ratatui::crossterm::event::MouseEventKind,
    column: u16,
    row: u16,
) {
    let ev = ratatui::crossterm::event::Event::Mouse(ratatui::crossterm::event::MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    });
    if let Some(action) = riskreg::tui::input::action_for_event(app, &ev) {
        app.update(action);
    }
}

#[test]
fn the_mouse_selects_rows_tabs_and_cells_and_the_wheel_scrolls() {
    use ratatui::crossterm::event::{MouseButton, MouseEventKind};
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let table = riskreg::tui::layout::risks(riskreg::tui::layout::screen(app.size).body).table;
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        10,
        table.y + 1 + 3,
    );
    assert_eq!(app.tabs.risks.list.cursor.at, 3, "fourth row clicked");
    mouse(&mut app, MouseEventKind::ScrollDown, 10, table.y + 5);
    assert_eq!(app.tabs.risks.list.cursor.at, 4);
    mouse(&mut app, MouseEventKind::ScrollUp, 10, table.y + 5);
    assert_eq!(app.tabs.risks.list.cursor.at, 3);
    mouse(&mut app, MouseEventKind::Down(MouseButton::Left), 20, 0); // " 2 Matrix " in the tab bar
    assert_eq!(app.tab, Tab::Matrix);
    let body = riskreg::tui::layout::screen(app.size).body;
    let g = riskreg::tui::tabs::matrix::grid(body);
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        g.x + 2 * g.cell_w + 1,
        g.y + g.cell_h + 1,
    );
    assert_eq!(
        app.tabs.matrix.cell,
        (4, 3),
        "row 2 from the top is likelihood 4, column 3 impact 3"
    );
    mouse(&mut app, MouseEventKind::Down(MouseButton::Left), 40, 0); // " 4 Roadmap "
    assert_eq!(app.tab, Tab::Roadmap);
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        5,
        body.y + 2 + 2,
    );
    assert_eq!(app.tabs.roadmap.cursor.at, 2);
}

#[test]
fn esc_outside_popups_clears_the_filter() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let all = ids(&app);
    app.set_filter("team:edge".into());
    assert_ne!(ids(&app), all);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.filter.applied, "");
    assert_eq!(ids(&app), all);
}

#[test]
fn the_budget_tab_ranks_by_bad_minutes_and_opens_the_chosen_risk() {
    let reg = Reg::new();
    reg.add("Without estimates", 3, 3, &[]);
    let big = reg.add(
        "Big",
        1,
        1,
        &[
            "--ettd",
            "60",
            "--ettr",
            "240",
            "--users",
            "100",
            "--per-year",
            "1",
        ],
    );
    let small = reg.add(
        "Small",
        5,
        5,
        &[
            "--ettd", "5", "--ettr", "5", "--users", "10", "--ettf", "30",
        ],
    );
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('6'));
    let report = app.tabs.budget.report.as_ref().unwrap();
    let ranked: Vec<i64> = report.top_by_bad_minutes.iter().map(|r| r.id).collect();
    assert_eq!(ranked, vec![big, small]);
    assert_eq!(report.budget.used_minutes, 312.18);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Risks);
    assert_eq!(app.sort, riskreg::query::SortKey::BadMinutes);
    assert_eq!(app.tabs.risks.selected_id(), Some(small));
    assert_eq!(&app.tabs.risks.list.ids[..2], &[big, small]);
    // A change elsewhere shows in the budget after the next poll.
    reg.ok(&["edit", &big.to_string(), "--users", "50"]);
    assert!(app.poll_changes());
    assert_eq!(
        app.tabs.budget.report.as_ref().unwrap().budget.used_minutes,
        162.18
    );
}

#[test]
fn the_form_edits_estimates_with_the_cli_validation() {
    use riskreg::domain::Field;
    fn focus(app: &mut riskreg::tui::App, field: Field) {
        let Some(Popup::Form(form)) = &mut app.popup else {
            panic!("the form is open")
        };
        form.focus_field(field);
    }
    let reg = Reg::new();
    let id = reg.add("Not estimated yet", 3, 3, &[]);
    let mut app = app_on(&reg, 80, 24);
    assert_eq!(app.tabs.risks.selected_id(), Some(id));
    key(&mut app, KeyCode::Char('e'));
    focus(&mut app, Field::Users);
    chars(&mut app, "150");
    key(&mut app, KeyCode::Enter);
    let Some(Popup::Form(form)) = &app.popup else {
        panic!("refused, still open")
    };
    let users = form
        .fields
        .entries
        .iter()
        .find(|e| e.key == Field::Users.name())
        .unwrap();
    assert!(
        users
            .error
            .as_deref()
            .is_some_and(|e| e.contains("0 to 100")),
        "{:?}",
        users.error
    );
    focus(&mut app, Field::Users);
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    chars(&mut app, "100");
    for (field, value) in [(Field::Ettd, "5"), (Field::Ettr, "5"), (Field::Ettf, "30")] {
        focus(&mut app, field);
        chars(&mut app, value);
    }
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none(), "{:?}", app.message);
    assert_eq!(
        reg.json(&["show", &id.to_string()])["bad_minutes_per_year"].as_f64(),
        Some(121.75)
    );
}

/// A slow overview (the portfolio pass over a large register) never holds up the rows a
/// filter asks for: the loader answers the two kinds of request on separate threads. Here
/// the overview's delivery is held until the rows have arrived; one thread for both would
/// wait for ever (and the test time out).
#[test]
fn rows_are_answered_while_an_overview_is_still_being_delivered() {
    use riskreg::query::ListSpec;
    use riskreg::tui::data::{Request, Response, Worker};
    use std::sync::Mutex;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    let reg = sample_reg();
    let (release_tx, release_rx) = channel::<()>();
    let release_rx = Mutex::new(release_rx);
    let (got_tx, got_rx) = channel::<&'static str>();
    let got_tx = Mutex::new(got_tx);
    let worker = Worker::start(reg.db.clone(), move |response| {
        let kind = match response {
            Response::Rows(Ok(rows)) => {
                assert_eq!(rows.ids.len(), 28, "the sample's active risks");
                "rows"
            }
            Response::Overview(Ok(_)) => "overview",
            Response::Actions(Ok(_)) => "actions",
            Response::History(Ok(_)) => "history",
            Response::Review(Ok(_)) => "review",
            Response::Exported(Ok(_)) => "exported",
            Response::Rows(Err(e))
            | Response::Actions(Err(e))
            | Response::Overview(Err(e))
            | Response::History(Err(e))
            | Response::Review(Err(e))
            | Response::Exported(Err(e)) => {
                panic!("loader failed: {e}")
            }
        };
        let _ = got_tx.lock().unwrap().send(kind);
        if kind == "overview" {
            let _ = release_rx
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(20));
        }
        true
    })
    .expect("start the loader");
    let today = common::NOW[..10].parse().unwrap();
    worker.send(Request::Overview {
        generation: 1,
        today,
    });
    let wait = Duration::from_secs(10);
    assert_eq!(got_rx.recv_timeout(wait), Ok("overview"));
    worker.send(Request::Rows {
        generation: 1,
        spec: ListSpec::default(),
        today,
        residual: false,
    });
    let rows = got_rx.recv_timeout(wait);
    release_tx.send(()).unwrap();
    assert_eq!(rows, Ok("rows"), "rows waited for the overview");
}

/// Saving the edit form without changing anything writes nothing, even when a field holds
/// what the form cannot show as typed (a tab in the description) or an estimate with more
/// digits than people read.
#[test]
fn saving_an_unchanged_form_writes_nothing() {
    let reg = Reg::new();
    let id = reg.add(
        "Tabbed",
        3,
        3,
        &[
            "--description",
            "a\tb\n\tindented",
            "--per-year",
            "1000",
            "--owner",
            "ana",
        ],
    );
    let mut app = app_on(&reg, 120, 40);
    let before = reg.json(&["show", &id.to_string()]);
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none(), "saved and closed");
    let after = reg.json(&["show", &id.to_string()]);
    assert_eq!(
        after, before,
        "revision, description and estimates untouched"
    );
    assert_eq!(
        reg.json(&["history", &id.to_string()])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// At 100,000 risks with another process writing every 400 ms, the overview (totals,
/// teams, roadmap, budget) appears after its first full pass and keeps up: a newer request
/// may overtake a pass on its way, but the pass is shown (marked as updating), never thrown
/// away and restarted. Before, the status line stayed at "0 active · 0 total" for as long
/// as the writes went on.
#[test]
fn the_overview_appears_at_100k_risks_under_steady_outside_writes() {
    use riskreg::store::{OpenMode, Store};
    use riskreg::tui::data::{self, Loader, Request, Response, Worker};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc::channel;
    use std::time::{Duration, Instant};

    let reg = Reg::new();
    drop(Store::open(&reg.db, OpenMode::Create).unwrap());
    reg.sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
             INSERT INTO team (name) SELECT 'team' || i FROM n;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
             INSERT INTO risk (title, likelihood, impact, status, team_id, owner, created_at,
                               updated_at, ettd_min, ettr_min, users_pct, ettf_days)
             SELECT 'risk ' || i, 1 + i % 5, 1 + (i / 5) % 5,
                    CASE i % 4 WHEN 0 THEN 'closed' ELSE 'open' END, 1 + i % 20, '',
                    '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',
                    CASE WHEN i % 2 = 0 THEN 5 END, 10, 50, 365.25 FROM n;",
    )
    .unwrap();
    let today: jiff::civil::Date = common::NOW[..10].parse().unwrap();

    // How long one overview pass takes here, alone: the yardstick for a slow (debug) build.
    let mut probe = Store::open(&reg.db, OpenMode::Existing).unwrap();
    let started = Instant::now();
    let one = data::fetch(
        &mut probe,
        &Request::Overview {
            generation: 1,
            today,
        },
    );
    let pass = started.elapsed();
    if let Response::Overview(Err(e)) = &one {
        panic!("{e}");
    }
    assert!(matches!(one, Response::Overview(Ok(_))));
    drop(probe);
    let limit = Duration::from_secs(3).max(pass * 2 + Duration::from_millis(500));

    let writing = Arc::new(AtomicBool::new(true));
    let writer = {
        let writing = Arc::clone(&writing);
        let (db, pg) = (reg.db.clone(), reg.pg.clone());
        std::thread::spawn(move || {
            // Outside riskreg, straight to the database, as another program would write.
            let mut write: Box<dyn FnMut(String)> = match pg {
                Some(pg) => {
                    let mut client = pg.client();
                    Box::new(move |owner| {
                        client
                            .execute("UPDATE risk SET owner = $1 WHERE id = 1", &[&owner])
                            .unwrap();
                    })
                }
                None => {
                    let conn = rusqlite::Connection::open(db).unwrap();
                    conn.busy_timeout(Duration::from_secs(5)).unwrap();
                    Box::new(move |owner| {
                        conn.execute("UPDATE risk SET owner = ?1 WHERE id = 1", [owner])
                            .unwrap();
                    })
                }
            };
            let mut n = 0u64;
            while writing.load(Ordering::Relaxed) {
                n += 1;
                write(format!("w{n}"));
                std::thread::sleep(Duration::from_millis(400));
            }
            n
        })
    };

    let (tx, rx) = channel::<Response>();
    let worker = Worker::start(reg.db.clone(), move |r| tx.send(r).is_ok()).unwrap();
    let store = Store::open(&reg.db, OpenMode::Existing).unwrap();
    let clock = riskreg::clock::Clock::at(common::NOW.parse().unwrap());
    let started = Instant::now();
    let mut app = riskreg::tui::App::new(
        store,
        Loader::Worker(worker),
        Some(clock),
        "tester".into(),
        riskreg::tui::theme::Theme { color: false },
    )
    .unwrap();
    let mut first = None;
    let mut passes_seen = 0;
    let mut last_applied_total = None;
    let deadline = limit + pass * 4 + Duration::from_secs(2);
    while started.elapsed() < deadline && !(first.is_some() && passes_seen >= 3) {
        if let Ok(r) = rx.recv_timeout(Duration::from_millis(50)) {
            if matches!(r, Response::Overview(Ok(_))) {
                passes_seen += 1;
            }
            app.apply(r);
        }
        app.update(Action::Tick);
        if app.totals.1 == 100_000 && first.is_none() {
            first = Some(started.elapsed());
            last_applied_total = Some(app.totals);
        }
    }
    writing.store(false, Ordering::Relaxed);
    let writes = writer.join().unwrap();
    let first = first.unwrap_or_else(|| {
        panic!(
            "no overview in {:?} (one pass takes {pass:?}; {writes} outside writes)",
            started.elapsed()
        )
    });
    assert!(
        first <= limit,
        "the overview took {first:?} (limit {limit:?})"
    );
    assert_eq!(last_applied_total, Some((75_000, 100_000)));
    assert!(
        app.tabs.budget.report.is_some(),
        "the Budget tab has its figures"
    );
    assert_eq!(app.tabs.teams.rows.len(), 20);
    assert!(
        passes_seen >= 3,
        "it kept up with the writes: {passes_seen} passes"
    );
    assert!(writes >= 3, "the writer kept writing: {writes}");
}

/// The keymap is the dispatch table: every key of every binding, on its tab, does the
/// binding's action (and no key means two things on one tab); every action it names runs
/// without harm, and a popup it opens closes with Esc.
#[test]
fn every_key_in_the_keymap_does_what_it_says() {
    use riskreg::tui::keymap::GLOBAL;
    let reg = sample_reg();
    for tab in Tab::ALL {
        let mut app = app_on(&reg, 120, 40);
        act(&mut app, Action::Tab(tab));
        let own = app.bindings_of(tab);
        let mut seen = std::collections::HashSet::new();
        for binding in own.iter().chain(GLOBAL) {
            for k in binding.keys {
                assert!(
                    seen.insert((k.code, k.ctrl)),
                    "{:?} is bound twice on {tab:?}",
                    k.code
                );
                let event = ratatui::crossterm::event::Event::Key(k.event());
                let got = riskreg::tui::input::action_for_event(&app, &event);
                assert_eq!(
                    got.as_ref(),
                    Some(&binding.action),
                    "{:?} on {tab:?}",
                    k.code
                );
            }
        }
        for binding in own.iter().chain(GLOBAL) {
            if matches!(binding.action, Action::Quit | Action::Undo | Action::Delete) {
                continue;
            }
            let mut app = app_on(&reg, 120, 40);
            act(&mut app, Action::Tab(tab));
            app.update(binding.action.clone());
            assert!(!app.quit, "{} quit on {tab:?}", binding.label);
            let _ = common::tui::screen(&app);
            if app.popup.is_some() {
                key(&mut app, KeyCode::Esc);
                if app.popup.is_some() {
                    key(&mut app, KeyCode::Char('y')); // a form asks before discarding
                }
                assert!(
                    app.popup.is_none(),
                    "{} left a popup open on {tab:?}",
                    binding.label
                );
            }
        }
    }
}

fn action_ids(app: &riskreg::tui::App) -> Vec<i64> {
    app.tabs.actions.list.ids.clone()
}

/// The Actions tab (issue 10): open actions by the date that counts, overdue first; its own
/// filter takes the action terms; d and D ask why and record it; m moves any status; e and
/// a edit and add through the same checks as the CLI; Enter opens the action's risk.
#[test]
fn the_actions_tab_lists_filters_and_changes_the_work() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('7'));
    assert_eq!(app.tab, Tab::Actions);
    let cli: Vec<i64> = reg
        .json(&["action", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(action_ids(&app), cli, "the CLI's order");
    let overdue = reg
        .json(&["action", "list", "is:overdue"])
        .as_array()
        .unwrap()
        .len();
    assert!(overdue > 0 && overdue < cli.len());
    assert!(screen_text(&app).contains(&format!(
        "{}!",
        app.tabs.actions.visible[0].effective_due().unwrap()
    )));
    // The filter takes the action terms, and leaves the Risks tab's filter alone.
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "is:overdue");
    key(&mut app, KeyCode::Enter);
    assert_eq!(action_ids(&app).len(), overdue);
    assert!(app.filter.applied.is_empty());
    key(&mut app, KeyCode::Esc);
    assert_eq!(action_ids(&app), cli, "Esc clears the filter");
    // d: done, with the why as the note.
    let first = cli[0];
    key(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.popup, Some(Popup::Prompt(_))));
    chars(&mut app, "promotion is automatic now");
    key(&mut app, KeyCode::Enter);
    let a = reg.json(&["action", "show", &first.to_string()]);
    assert_eq!(a["status"], "done");
    let h = reg.json(&["history", "--action", &first.to_string()]);
    assert_eq!(h[0]["note"], "promotion is automatic now");
    assert!(
        !action_ids(&app).contains(&first),
        "done leaves the open list"
    );
    // D: dropped, without a why.
    let second = action_ids(&app)[0];
    key(&mut app, KeyCode::Char('D'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        reg.json(&["action", "show", &second.to_string()])["status"],
        "dropped"
    );
    // m: any status.
    let third = action_ids(&app)[0];
    key(&mut app, KeyCode::Char('m'));
    assert!(matches!(app.popup, Some(Popup::ActionStatus { .. })));
    key(&mut app, KeyCode::Home);
    for _ in 0..4 {
        key(&mut app, KeyCode::Up);
    }
    key(&mut app, KeyCode::Enter); // todo
    key(&mut app, KeyCode::Enter); // no why
    assert_eq!(
        reg.json(&["action", "show", &third.to_string()])["status"],
        "todo"
    );
    // e: an invalid date is refused on its field; a good one saves.
    key(&mut app, KeyCode::Char('e'));
    let Some(Popup::ActionForm(form)) = &mut app.popup else {
        panic!("the action form opens")
    };
    form.fields.focus_on("due");
    chars(&mut app, "2026-02-30");
    key(&mut app, KeyCode::Enter);
    let Some(Popup::ActionForm(form)) = &app.popup else {
        panic!("a bad date keeps the form open")
    };
    assert!(form.fields.get("due").unwrap().error.is_some());
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    chars(&mut app, "2027-01-15");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none(), "{:?}", app.message);
    assert_eq!(
        reg.json(&["action", "show", &third.to_string()])["due"],
        "2027-01-15"
    );
    // a: a new action on the selected action's risk.
    let risk = app.tabs.actions.selected().unwrap().fields.risk;
    key(&mut app, KeyCode::Char('a'));
    chars(&mut app, "Write the runbook");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none(), "{:?}", app.message);
    let added = reg.json(&["action", "list", "Write the runbook"]);
    assert_eq!(added[0]["risk"].as_i64(), Some(risk));
    assert_eq!(
        app.tabs.actions.selected_id(),
        added[0]["id"].as_i64(),
        "the new action is selected"
    );
    // ? lists every action term, from the parser's own list.
    let help: String =
        riskreg::tui::popups::help::lines(Tab::Actions, app.bindings_of(Tab::Actions), app.theme)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
    for term in riskreg::query::ACTION_TERMS {
        assert!(
            help.contains(term.example),
            "{} missing from:\n{help}",
            term.example
        );
    }
    // Enter: the action's risk in the Risks tab.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Risks);
    assert_eq!(app.tabs.risks.selected_id(), Some(risk));
}

fn screen_text(app: &riskreg::tui::App) -> String {
    common::tui::screen(app)
}

/// Comments, links and actions from the Risks tab: n, L and A; the detail pane shows them.
#[test]
fn comments_links_and_actions_from_the_risks_tab() {
    let reg = Reg::new();
    reg.add("Single Postgres primary", 4, 5, &[]);
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('n'));
    chars(&mut app, "Raised at the weekly review");
    key(&mut app, KeyCode::Enter);
    assert_eq!(reg.json(&["history", "1"])[0]["kind"], "comment");
    key(&mut app, KeyCode::Char('L'));
    chars(&mut app, "javascript:alert(1)");
    key(&mut app, KeyCode::Enter);
    let Some(Popup::Prompt(p)) = &app.popup else {
        panic!("a bad link keeps the prompt open")
    };
    assert!(
        p.error.as_deref().unwrap().contains("http"),
        "{:?}",
        p.error
    );
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    chars(&mut app, "https://wiki.example/ha design doc");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    assert_eq!(
        reg.json(&["show", "1"])["links"],
        serde_json::json!([{"url": "https://wiki.example/ha", "label": "design doc"}])
    );
    key(&mut app, KeyCode::Char('A'));
    chars(&mut app, "Automate promotion");
    key(&mut app, KeyCode::Enter);
    assert_eq!(reg.json(&["action", "show", "1"])["risk"], 1);
    let pane = screen_text(&app);
    for shown in ["#1 todo: Automate promotion", "1 open action"] {
        assert!(pane.contains(shown), "{shown} not in the pane:\n{pane}");
    }
    key(&mut app, KeyCode::Enter);
    let full = screen_text(&app);
    for shown in [
        "Raised at the weekly review",
        "https://wiki.example/ha design doc",
        "#1 todo: Automate promotion",
    ] {
        assert!(full.contains(shown), "{shown} not in the detail:\n{full}");
    }
    key(&mut app, KeyCode::Esc);
    // L with -URL removes the link.
    key(&mut app, KeyCode::Char('L'));
    chars(&mut app, "-https://wiki.example/ha");
    key(&mut app, KeyCode::Enter);
    assert_eq!(reg.json(&["show", "1"])["links"], serde_json::json!([]));
    // Deleting the risk takes its actions; u brings both back.
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('y'));
    reg.fails(&["action", "show", "1"], 1);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(
        reg.json(&["action", "show", "1"])["title"],
        "Automate promotion"
    );
}

/// Space marks risks; e, m, r and d then change all of them after a confirmation naming the
/// count, in one transaction that rolls back whole when one of them cannot change.
#[test]
fn marked_risks_change_together_or_not_at_all() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let rows = ids(&app);
    let (a, b) = (rows[0], rows[1]);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.tabs.risks.marked.len(), 2);
    assert!(screen_text(&app).contains("2 marked"));
    // e: the bulk form, then the count to confirm.
    key(&mut app, KeyCode::Char('e'));
    assert!(matches!(app.popup, Some(Popup::BulkEdit(_))));
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "lee");
    key(&mut app, KeyCode::Enter);
    let Some(Popup::Confirm(c)) = &app.popup else {
        panic!("a confirmation comes first")
    };
    assert!(
        c.pending.question().contains("2 risks"),
        "{}",
        c.pending.question()
    );
    key(&mut app, KeyCode::Char('n'));
    assert_ne!(field(&reg, a, "owner"), "lee", "n changes nothing");
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "lee");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(
        (field(&reg, a, "owner"), field(&reg, b, "owner")),
        ("lee".into(), "lee".into())
    );
    assert!(
        app.tabs.risks.marked.is_empty(),
        "applied marks are cleared"
    );
    // m to accepted: neither has an approver, so neither changes.
    let events = reg.count("SELECT count(*) FROM event");
    act(&mut app, Action::Top);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('m'));
    for _ in 0..3 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    chars(&mut app, "board decision");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('y'));
    let message = app.message.clone().unwrap();
    assert!(message.text.contains("nothing was changed"), "{message:?}");
    assert_eq!(
        reg.count("SELECT count(*) FROM event"),
        events,
        "rolled back whole"
    );
    assert_eq!(
        app.tabs.risks.marked.len(),
        2,
        "the marks stay for another try"
    );
    // r: reviewed, both.
    key(&mut app, KeyCode::Char('r'));
    key(&mut app, KeyCode::Char('y'));
    for id in [a, b] {
        assert_eq!(reg.json(&["history", &id.to_string()])[0]["kind"], "review");
    }
    // d: both deleted, with their actions.
    act(&mut app, Action::Top);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('y'));
    for id in [a, b] {
        reg.fails(&["show", &id.to_string()], 1);
    }
    assert!(!ids(&app).contains(&a) && !ids(&app).contains(&b));
}

/// Marking a milestone done on the Roadmap tab asks whether it lands (issue 11): `y` applies
/// its risks' targets, `k` keeps them; the matrix's `t` shows the residual heat map.
#[test]
fn a_milestone_done_in_the_tui_asks_whether_it_lands() {
    use riskreg::domain::MilestoneStatus;
    let reg = Reg::new();
    for m in ["m1", "m2"] {
        reg.ok(&["milestone", "add", m, "--due", "2027-03-31"]);
    }
    reg.add(
        "Lands",
        4,
        4,
        &[
            "--milestone",
            "m1",
            "--target-likelihood",
            "2",
            "--ettr",
            "50",
            "--target-ettr",
            "5",
        ],
    );
    reg.add(
        "Kept",
        4,
        4,
        &["--milestone", "m2", "--target-likelihood", "1"],
    );
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('t'));
    assert!(app.tabs.matrix.residual);
    assert_eq!(
        app.tabs.matrix.counts[1][3], 1,
        "risk 1 at likelihood 2, impact 4"
    );
    assert_eq!(
        app.tabs.matrix.counts[0][3], 1,
        "risk 2 at likelihood 1, impact 4"
    );
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(app.tabs.matrix.counts[3][3], 2, "both at today's levels");
    let done_index = MilestoneStatus::ALL
        .iter()
        .position(|s| *s == MilestoneStatus::Done)
        .unwrap();
    let mark_done = |app: &mut riskreg::tui::App| {
        key(app, KeyCode::Char('m'));
        for _ in 0..done_index {
            key(app, KeyCode::Down);
        }
        key(app, KeyCode::Enter);
    };
    key(&mut app, KeyCode::Char('4'));
    mark_done(&mut app);
    let Some(Popup::Confirm(c)) = &app.popup else {
        panic!("marking it done asks whether it lands")
    };
    assert!(c.pending.question().contains("Milestone m1 is done"));
    key(&mut app, KeyCode::Char('y'));
    let r = field(&reg, 1, "likelihood");
    assert_eq!(r, 2);
    assert_eq!(field(&reg, 1, "ettr"), 5.0);
    assert_eq!(field(&reg, 1, "target_likelihood"), serde_json::Value::Null);
    key(&mut app, KeyCode::Down);
    mark_done(&mut app);
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(field(&reg, 2, "likelihood"), 4, "k keeps the estimates");
    assert_eq!(field(&reg, 2, "target_likelihood"), 1);
    assert_eq!(
        reg.json(&["milestone", "list"])[1]["status"],
        "done",
        "{:?}",
        app.message
    );
}

/// The History tab's filter narrows by kind, actor, field, risk, since and words, shows an
/// error for a term it does not know (keeping the last list), and Esc puts it back.
#[test]
fn the_history_filter_narrows_by_every_term() {
    let reg = sample_reg();
    reg.ok(&[
        "edit",
        "3",
        "--owner",
        "zed",
        "--note",
        "handover to the pager team",
    ]);
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('5'));
    let all = app.tabs.history.events.len();
    assert_eq!(all, 32 + 12 + 1, "the risks, the actions and the edit");
    for (query, check) in [
        (
            "kind:import",
            &(|e: &riskreg::domain::Event| e.kind.as_str() == "import")
                as &dyn Fn(&riskreg::domain::Event) -> bool,
        ),
        ("field:owner", &|e| e.field.as_deref() == Some("owner")),
        ("risk:3", &|e| e.risk_id == 3),
        ("actor:TEST", &|e| e.actor.contains("test")),
        ("pager", &|e| e.note.contains("pager")),
        ("since:2026-11-24 kind:change", &|e| {
            e.kind.as_str() == "change"
        }),
    ] {
        key(&mut app, KeyCode::Char('/'));
        chars(&mut app, query);
        key(&mut app, KeyCode::Enter);
        let events = &app.tabs.history.events;
        assert!(!events.is_empty(), "{query}: nothing listed");
        assert!(events.iter().all(check), "{query}: {events:?}");
        key(&mut app, KeyCode::Char('h'));
        assert_eq!(
            app.tabs.history.events.len(),
            all,
            "h shows every event again"
        );
    }
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "since:2027-01-01");
    key(&mut app, KeyCode::Enter);
    assert!(app.tabs.history.events.is_empty());
    assert!(
        screen(&app).contains("No event matches"),
        "{}",
        screen(&app)
    );
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "team:core");
    let s = screen(&app);
    assert!(s.contains("unknown history filter 'team'"), "{s}");
    assert_eq!(
        app.history_filter.applied, "team",
        "the list keeps the last filter that parsed (a word, as typed so far)"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.history_filter.applied, "");
    assert_eq!(app.history_filter.error, None);
}

/// A long history is read a page at a time: scrolling to the end loads the next page, until
/// every event is there, newest first, each once.
#[test]
fn the_history_loads_more_as_you_scroll() {
    let reg = Reg::new();
    std::fs::write(reg.path("data.csv"), common::dataset_csv(1200)).unwrap();
    reg.ok(&["import", reg.path("data.csv").to_str().unwrap()]);
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('5'));
    assert_eq!(app.tabs.history.events.len(), 500, "one page");
    assert!(screen(&app).contains("500+ events"), "{}", screen(&app));
    key(&mut app, KeyCode::End);
    assert_eq!(
        app.tabs.history.events.len(),
        1000,
        "the next page, at the end"
    );
    key(&mut app, KeyCode::End);
    assert_eq!(app.tabs.history.events.len(), 1200);
    assert!(!app.tabs.history.more);
    assert!(screen(&app).contains("1200 events"), "{}", screen(&app));
    let ids: Vec<i64> = app.tabs.history.events.iter().map(|e| e.id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, each once"
    );
    // A filter starts again from its first page.
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "kind:import");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tabs.history.events.len(), 500);
    assert_eq!(app.tabs.history.cursor.at, 0);
}

/// `c` on the History tab asks since when, then shows the review's agenda (what `riskreg
/// changes` lists for the same window); Enter opens a risk; c again is the log.
#[test]
fn the_since_view_shows_what_changed() {
    let reg = Reg::new();
    reg.ok_at(
        "2026-11-01T09:00:00Z",
        &["add", "Old one", "-l", "2", "-i", "2"],
    );
    reg.ok_at(
        "2026-11-20T09:00:00Z",
        &["add", "New one", "-l", "4", "-i", "5"],
    );
    reg.ok_at("2026-11-21T09:00:00Z", &["edit", "1", "-l", "5", "-i", "5"]);
    let cli = reg.json(&["changes", "--since", "2026-11-17"]);
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('5'));
    key(&mut app, KeyCode::Char('c'));
    let s = screen(&app);
    assert!(s.contains("What changed since which day"), "{s}");
    assert!(s.contains("2026-11-17"), "a week back is offered: {s}");
    assert!(s.contains("Enter show"), "{s}");
    key(&mut app, KeyCode::Enter);
    let agenda = app
        .tabs
        .history
        .since
        .as_ref()
        .unwrap()
        .agenda
        .clone()
        .unwrap();
    let ours: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&agenda).unwrap()).unwrap();
    assert_eq!(ours, cli, "the agenda is the CLI's");
    let s = screen(&app);
    assert!(s.contains("Changes since 2026-11-17"), "{s}");
    assert!(s.contains("New risks"), "{s}");
    assert!(s.contains("New one"), "{s}");
    assert!(s.contains("Band moves"), "{s}");
    // Enter on the first item (the new risk) opens it in the Risks tab.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Risks);
    assert_eq!(app.tabs.risks.selected_id(), Some(2));
    key(&mut app, KeyCode::Char('5'));
    key(&mut app, KeyCode::Char('c'));
    assert!(app.tabs.history.since.is_none(), "c again: the log");
    // A date that is not one is refused in the prompt.
    key(&mut app, KeyCode::Char('c'));
    for _ in 0..10 {
        key(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "next week");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup.is_some(), "the prompt stays open");
    assert!(screen(&app).contains("next week"), "{}", screen(&app));
}

/// `w` on the Budget tab draws the trend: the same weeks `riskreg trend` prints.
#[test]
fn the_budget_tab_charts_the_trend() {
    let reg = Reg::new();
    let est = [
        "--ettd", "10", "--ettr", "50", "--users", "100", "--ettf", "30",
    ];
    let mut args = vec!["add", "Flaky failover", "-l", "3", "-i", "4"];
    args.extend(est);
    reg.ok_at("2026-10-01T09:00:00Z", &args);
    reg.ok_at("2026-11-10T09:00:00Z", &["edit", "1", "--ettr", "200"]);
    let cli = reg.json(&["trend", "--weeks", "12"]);
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('6'));
    key(&mut app, KeyCode::Char('w'));
    let weeks = app.tabs.budget.trend.clone().unwrap();
    // Both through JSON text, as the CLI's are.
    let ours: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&weeks).unwrap()).unwrap();
    assert_eq!(ours, cli["weeks"], "the chart's weeks are the CLI's");
    let s = screen(&app);
    assert!(
        s.contains("Trend: bad minutes a year against the budget"),
        "{s}"
    );
    assert!(
        s.contains("bad min/yr") && s.contains("budget"),
        "the legend: {s}"
    );
    assert!(
        s.contains("2026-09-08") && s.contains("2026-11-24"),
        "first and last week: {s}"
    );
    // Another process's change while the chart is not on screen: the walk back waits for
    // the Budget tab to show, then the chart catches up.
    let before = app.tabs.budget.trend.clone();
    key(&mut app, KeyCode::Char('1'));
    reg.ok(&["edit", "1", "--ettr", "400"]);
    assert!(app.poll_changes(), "data_version moved");
    assert_eq!(
        app.tabs.budget.trend, before,
        "no walk for a view nobody sees"
    );
    key(&mut app, KeyCode::Char('6'));
    let now = app.tabs.budget.trend.clone().unwrap();
    assert!(
        now.last().unwrap().bad_minutes > weeks.last().unwrap().bad_minutes,
        "the chart caught up: {now:?}"
    );
    key(&mut app, KeyCode::Char('w'));
    assert!(
        screen(&app).contains("Stack rank"),
        "w again: the stack rank"
    );
}

/// `b` on the Risks tab marks band moves since a date: ↑ rose, ↓ fell, + new.
#[test]
fn band_moves_are_marked_since_a_date() {
    let reg = Reg::new();
    for (title, l) in [("Rises", "2"), ("Falls", "5"), ("Stays", "3")] {
        reg.ok_at("2026-11-01T09:00:00Z", &["add", title, "-l", l, "-i", "4"]);
    }
    reg.ok_at("2026-11-20T09:00:00Z", &["edit", "1", "-l", "5"]);
    reg.ok_at("2026-11-20T09:00:00Z", &["edit", "2", "-l", "1"]);
    reg.ok_at(
        "2026-11-21T09:00:00Z",
        &["add", "Arrives", "-l", "1", "-i", "1"],
    );
    let mut app = app_on(&reg, 120, 40);
    key(&mut app, KeyCode::Char('b'));
    for _ in 0..10 {
        key(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "2026-11-10");
    key(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("moves since 2026-11-10"), "{s}");
    let line = |title: &str| {
        s.lines()
            .find(|l| l.contains(title))
            .unwrap_or_else(|| panic!("{title} not on screen: {s}"))
            .to_string()
    };
    assert!(line("Rises").contains("C↑"), "{}", line("Rises"));
    assert!(line("Falls").contains("L↓"), "{}", line("Falls"));
    assert!(line("Arrives").contains("L+"), "{}", line("Arrives"));
    assert!(!line("Stays").contains('↑') && !line("Stays").contains('↓'));
    key(&mut app, KeyCode::Char('b'));
    assert!(!screen(&app).contains('↑'), "b again: no marks");
}

/// An error too long to follow the counts takes the whole status line, so its reason comes
/// first and is not cut off after the counts; a confirmation follows the counts.
#[test]
fn a_long_error_takes_the_whole_status_line() {
    let reg = sample_reg();
    let long = "cannot change risk 2 (of team platform): role eve changes only the risks and actions of edge";
    for (width, counts_shown) in [(80, false), (200, true)] {
        let mut app = app_on(&reg, width, 24);
        app.message = Some(Message {
            kind: MessageKind::Error,
            text: long.into(),
        });
        let text = screen(&app);
        let status = text.lines().nth(22).unwrap();
        assert_eq!(status.contains("shown"), counts_shown, "{status}");
        assert!(
            status.contains("cannot change risk 2 (of team platform): role eve"),
            "{status}"
        );
    }
    // A confirmation keeps the counts first, however long.
    let mut app = app_on(&reg, 80, 24);
    app.message = Some(Message {
        kind: MessageKind::Info,
        text: format!("risk 2: owner ana {}", "and more ".repeat(10)),
    });
    let text = screen(&app);
    let status = text.lines().nth(22).unwrap();
    assert!(
        status.contains("shown") && status.contains("risk 2: owner ana"),
        "{status}"
    );
}
