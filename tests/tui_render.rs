//! The TUI's screens rendered into ratatui's `TestBackend`: snapshots of every tab and popup
//! at 80×24 and 120×40, the resize fuzz (TUI-4), terminal-safe text (ESC-3) and wide
//! characters at a cell's edge (WIDTH-2).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use common::Reg;
use common::tui::{app_on, buffer_text, chars, key, sample_reg, screen};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use riskreg::tui::App;
use riskreg::tui::tabs::Tab;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snap(name: &str, app: &App) {
    let (w, h) = (app.size.width, app.size.height);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(app));
}

/// Every tab, at both sizes, on the sample register.
#[test]
fn snapshot_every_tab() {
    let reg = sample_reg();
    for (id, args) in [
        (
            "2",
            [
                "--ettd",
                "10",
                "--ettr",
                "30",
                "--users",
                "100",
                "--ettf",
                "30",
                "--target-users",
                "5",
            ],
        ),
        (
            "1",
            [
                "--ettd",
                "5",
                "--ettr",
                "120",
                "--users",
                "100",
                "--ettf",
                "365",
                "--target-ettr",
                "10",
            ],
        ),
    ] {
        let mut all = vec!["edit", id];
        all.extend(args);
        reg.ok(&all);
    }
    for (w, h) in SIZES {
        let mut app = app_on(&reg, w, h);
        snap("risks", &app);
        key(&mut app, KeyCode::Char('2'));
        snap("matrix", &app);
        key(&mut app, KeyCode::Char('3'));
        snap("teams", &app);
        key(&mut app, KeyCode::Char('4'));
        snap("roadmap", &app);
        key(&mut app, KeyCode::Char('5'));
        snap("history", &app);
        key(&mut app, KeyCode::Char('6'));
        snap("budget", &app);
        key(&mut app, KeyCode::Char('7'));
        snap("actions", &app);
    }
}

/// Every popup, at both sizes.
#[test]
fn snapshot_every_popup() {
    let reg = sample_reg();
    for (w, h) in SIZES {
        let mut app = app_on(&reg, w, h);
        key(&mut app, KeyCode::Char('?'));
        snap("popup_help", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Enter);
        snap("popup_detail", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('a'));
        key(&mut app, KeyCode::Enter);
        snap("popup_form_add_invalid", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('e'));
        snap("popup_form_edit", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('s'));
        snap("popup_sort", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('m'));
        snap("popup_status", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('d'));
        snap("popup_delete", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('x'));
        snap("popup_export", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('/'));
        chars(&mut app, "team:edge \"open");
        snap("filter_error", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('A'));
        snap("popup_action_add", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('L'));
        snap("popup_links", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char(' '));
        key(&mut app, KeyCode::Char(' '));
        key(&mut app, KeyCode::Char('e'));
        snap("popup_bulk_edit", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('m'));
        key(&mut app, KeyCode::Enter);
        snap("popup_why", &app);
        key(&mut app, KeyCode::Enter);
        snap("popup_confirm_many", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('7'));
        key(&mut app, KeyCode::Char('e'));
        snap("popup_action_edit", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('/'));
        chars(&mut app, "kind:medium");
        snap("actions_filter_error", &app);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('1'));
    }
    let empty = Reg::new();
    for (w, h) in SIZES {
        snap("popup_welcome", &app_on(&empty, w, h));
    }
}

/// The conflict view (LU-1) as the person sees it.
#[test]
fn snapshot_conflict() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 120, 40);
    let id = app.tabs.risks.selected_id().unwrap();
    key(&mut app, KeyCode::Char('e'));
    common::tui::key_with(
        &mut app,
        KeyCode::Char('u'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    chars(&mut app, "Mine");
    reg.ok(&["edit", &id.to_string(), "--title", "Theirs"]);
    key(&mut app, KeyCode::Enter);
    snap("popup_conflict", &app);
}

fn draw_at(app: &mut App, terminal: &mut Terminal<TestBackend>, w: u16, h: u16) -> String {
    terminal.backend_mut().resize(w, h);
    app.resize(Rect::new(0, 0, w, h));
    terminal
        .draw(|f| f.render_widget(&*app, f.area()))
        .expect("draw");
    buffer_text(terminal.backend().buffer())
}

/// TUI-4: drawing never panics at any size; below the minimum it says so; the 80×24
/// layout is the same after a trip through tiny sizes.
#[test]
fn tui_4_resize_fuzz() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 80, 24);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let before = draw_at(&mut app, &mut terminal, 80, 24);
    for (w, h) in [(1, 1), (0, 0), (80, 24)] {
        draw_at(&mut app, &mut terminal, w, h);
    }
    assert_eq!(draw_at(&mut app, &mut terminal, 80, 24), before);
    for (w, h) in [
        (0, 0),
        (1, 1),
        (2, 1),
        (1, 2),
        (10, 3),
        (39, 9),
        (40, 10),
        (80, 24),
        (300, 100),
    ] {
        let text = draw_at(&mut app, &mut terminal, w, h);
        if w >= 40 && h >= 3 && riskreg::tui::layout::too_small(Rect::new(0, 0, w, h)) {
            assert!(text.contains("too small"), "{w}×{h}: {text}");
        }
    }
    let mut seed: u64 = 0x5eed;
    let mut next = move |max: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % max
    };
    for tab in Tab::ALL {
        app.tab = tab;
        for _ in 0..100 {
            let (w, h) = (next(320) as u16, next(120) as u16);
            draw_at(&mut app, &mut terminal, w, h);
        }
    }
    for popup_key in ['?', 'a', 's', 'm', 'd', 'x'] {
        app.tab = Tab::Risks;
        app.popup = None;
        key(&mut app, KeyCode::Char(popup_key));
        for _ in 0..20 {
            let (w, h) = (next(200) as u16, next(60) as u16);
            draw_at(&mut app, &mut terminal, w, h);
        }
    }
}

const HOSTILE_TITLE: &str =
    "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31mred \u{202e}evil\u{2028}broken\u{2029}layout";
const HOSTILE_OWNER: &str = "\u{9b}31m";

/// ESC-3: text written straight into the file (bypassing validation) reaches the screen
/// escaped: no control, bidi or line-separator character in any cell of the list or the
/// detail.
#[test]
fn esc_3_no_control_or_bidi_character_reaches_the_buffer() {
    let reg = sample_reg();
    let id = reg.add("Placeholder", 5, 5, &[]);
    reg.conn()
        .execute(
            "UPDATE risk SET title = ?1, owner = ?2, description = ?3 WHERE id = ?4",
            rusqlite::params![
                HOSTILE_TITLE,
                HOSTILE_OWNER,
                "line\u{1b}[2J\nnext\u{202e}",
                id
            ],
        )
        .unwrap();
    for (w, h) in SIZES {
        let mut app = app_on(&reg, w, h);
        let pos = app
            .tabs
            .risks
            .list
            .ids
            .iter()
            .position(|x| *x == id)
            .unwrap();
        for _ in 0..pos {
            key(&mut app, KeyCode::Down);
        }
        assert_eq!(app.tabs.risks.selected_id(), Some(id));
        let mut screens = vec![screen(&app)];
        key(&mut app, KeyCode::Enter);
        screens.push(screen(&app));
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('5'));
        screens.push(screen(&app));
        for (i, s) in screens.into_iter().enumerate() {
            assert!(
                !s.chars().any(|c| c.is_control() && c != '\n'),
                "control character on screen:\n{s}"
            );
            assert!(
                !s.chars().any(riskreg::text::is_bidi_control),
                "bidi control on screen:\n{s}"
            );
            assert!(
                !s.chars().any(riskreg::text::is_line_separator),
                "a line separator on screen:\n{s}"
            );
            if i < 2 {
                assert!(s.contains("\\u{1b}"), "the escape shows escaped:\n{s}");
            }
        }
    }
}

/// WIDTH-2: a wide character that does not fit the last column of a cell leaves a space,
/// never half a glyph, and nothing spills into the next column.
#[test]
fn width_2_wide_characters_at_the_cell_edge() {
    let reg = sample_reg();
    let team = "風險評估風險評估風險評估"; // 24 columns, wider than the 10-column TEAM cell
    reg.ok(&["team", "add", team]);
    let id = reg.add(
        "寬字元標題測試寬字元標題測試寬字元標題測試寬字元標題測試寬",
        5,
        5,
        &["--team", team],
    );
    let app = app_on(&reg, 80, 24);
    assert!(app.tabs.risks.visible.iter().any(|r| r.id == id));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| f.render_widget(&app, f.area())).unwrap();
    let buf = terminal.backend().buffer();
    let text = buffer_text(buf);
    let header = text.lines().position(|l| l.starts_with("ID ")).unwrap();
    let column = |name: &str| -> u16 {
        (0..80u16)
            .find(|x| {
                (0..name.len() as u16).all(|i| {
                    buf[(x + i, header as u16)].symbol() == &name[usize::from(i)..=usize::from(i)]
                })
            })
            .unwrap()
    };
    let (team_x, milestone_x) = (column("TEAM"), column("MILESTONE"));
    let row = text
        .lines()
        .position(|l| l.trim_start().starts_with(&format!("{id} ")))
        .map(|y| y as u16)
        .expect("the new risk's row");
    let sym = |x: u16| buf[(x, row)].symbol().to_string();
    // The title stops before the gap: its last cell is the ellipsis or a filler space.
    assert_eq!(sym(team_x - 1), " ", "gap before TEAM");
    assert!(
        sym(team_x - 2) == "…" || sym(team_x - 2) == " ",
        "title ends cleanly: {:?}",
        sym(team_x - 2)
    );
    // The team cell starts with its own first glyph and ends without spilling.
    assert_eq!(sym(team_x), "風");
    assert_eq!(sym(milestone_x - 1), " ", "gap before MILESTONE");
    assert!(sym(milestone_x - 2) == "…" || sym(milestone_x - 2) == " ");
    assert_eq!(sym(milestone_x), "—");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// TUI-4, random sizes and tabs: drawing never panics.
    #[test]
    fn tui_4_random_sizes_never_panic(w in 0u16..400, h in 0u16..150, tab in 0usize..5) {
        thread_local! {
            static REG: Reg = sample_reg();
        }
        REG.with(|reg| {
            let mut app = app_on(reg, 80, 24);
            app.tab = Tab::ALL[tab];
            let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
            draw_at(&mut app, &mut terminal, w, h);
        });
    }
}

/// LU-6's prompt: the risk was deleted while the form was open.
#[test]
fn snapshot_deleted_meanwhile() {
    let reg = sample_reg();
    let mut app = app_on(&reg, 80, 24);
    let id = app.tabs.risks.selected_id().unwrap();
    key(&mut app, KeyCode::Char('e'));
    reg.ok(&["delete", &id.to_string(), "--yes"]);
    key(&mut app, KeyCode::Enter);
    snap("popup_deleted", &app);
}

/// NO_COLOR: the theme keeps emphasis and drops colour.
#[test]
fn no_color_theme_has_no_colours() {
    use ratatui::style::Color;
    use riskreg::scoring::Band;
    use riskreg::tui::theme::Theme;
    let plain = Theme { color: false };
    for band in Band::ALL {
        for style in [plain.band(band), plain.band_cell(band)] {
            assert_eq!((style.fg, style.bg), (None, None), "{band:?}");
        }
    }
    for style in [
        plain.error(),
        plain.warn(),
        plain.dim(),
        plain.key(),
        plain.title(),
    ] {
        assert_eq!(style.fg, None);
    }
    let coloured = Theme { color: true };
    assert_eq!(coloured.band(Band::Critical).fg, Some(Color::Red));
}

/// The sizes a TPM works at, from a laptop split to a big monitor.
const LAYOUT_SIZES: [(u16, u16); 3] = [(80, 24), (120, 35), (200, 50)];

/// Every word a table header holds, whole.
const HEADER_WORDS: &[&str] = &[
    "ID",
    "SCORE",
    "L",
    "I",
    "TITLE",
    "TEAM",
    "MILESTONE",
    "STATUS",
    "OWNER",
    "NEXT",
    "REVIEW",
    "BM/YR",
    "CRIT",
    "HIGH",
    "MED",
    "LOW",
    "ACTIVE",
    "NO",
    "DUE",
    "RISKS",
    "LEFT",
    "BUDGET",
    "WHEN",
    "(UTC)",
    "RISK",
    "ACTOR",
    "KIND",
    "FIELD",
    "CHANGE",
    "LINK",
    "MISS",
];

/// The header rows on screen (a row starting with a header word) hold only whole header
/// words or words cut with an ellipsis: never "BUDGE".
fn assert_headers_whole(screen: &str, context: &str) {
    for line in screen.lines() {
        let inner = line.trim_matches(['│', ' ']);
        let words: Vec<&str> = inner
            .split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect();
        let Some(first) = words.first() else { continue };
        if !matches!(*first, "ID" | "TEAM" | "DUE" | "WHEN" | "MILESTONE") {
            continue;
        }
        for w in words {
            assert!(
                HEADER_WORDS.contains(&w) || w.ends_with('…'),
                "{context}: header word {w:?} cut without an ellipsis in {line:?}"
            );
        }
    }
}

/// The screen row whose text starts (after borders) with `first`.
fn row_of<'a>(screen: &'a str, first: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.trim_start_matches(['│', ' ']).starts_with(first))
}

/// Every number the model holds for a row on screen appears whole in that row.
fn assert_numbers_whole(app: &App, screen: &str, context: &str) {
    use riskreg::domain::figures::minutes;
    let has = |row: Option<&str>, figure: &str, what: &str| {
        if let Some(row) = row {
            assert!(
                row.split(|c: char| c.is_whitespace() || c == '│')
                    .any(|w| w == figure),
                "{context}: {what} {figure} not whole in {row:?}"
            );
        }
    };
    match app.tab {
        Tab::Risks => {
            for r in &app.tabs.risks.visible {
                let row = row_of(screen, &format!("{} {:>2} ", r.id, r.score()));
                assert!(row.is_some(), "{context}: risk {} not on screen", r.id);
                if let Some(bm) = r.fields.bad_minutes_per_year()
                    && screen.contains("BM/YR")
                {
                    has(row, &minutes(bm), "bad minutes");
                }
            }
        }
        Tab::Roadmap => {
            let burn = &app.tabs.roadmap.burn_down;
            for m in &app.tabs.roadmap.milestones {
                let due = m.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
                let row = row_of(screen, &due);
                has(row, &m.active_risks.to_string(), "risk count");
                if let Some(l) = burn.iter().find(|l| l.name == m.name) {
                    has(row, &minutes(l.budget_left_minutes), "budget left");
                }
            }
        }
        Tab::Teams => {
            for t in &app.tabs.teams.rows {
                let name = t.team.as_deref().unwrap_or("(unowned)");
                let row = row_of(screen, name);
                has(row, &t.total_score.to_string(), "total score");
                if t.estimated > 0 && screen.contains("BM/YR") {
                    has(row, &minutes(t.bad_minutes), "bad minutes");
                }
            }
        }
        Tab::Budget => {
            let report = app.tabs.budget.report.as_ref().unwrap();
            for r in report.top_by_bad_minutes.iter().take(5) {
                let row = row_of(screen, &format!("{} ", r.id));
                has(
                    row,
                    &minutes(r.bad_minutes_per_year.unwrap()),
                    "bad minutes",
                );
            }
        }
        Tab::Actions => {
            for a in &app.tabs.actions.visible {
                let due = a
                    .effective_due()
                    .map_or_else(|| "—".to_string(), |d| d.to_string());
                let row = row_of(screen, &format!("{} {due}", a.id));
                assert!(row.is_some(), "{context}: action {} not on screen", a.id);
                has(row, &a.fields.risk.to_string(), "risk id");
            }
        }
        Tab::Matrix | Tab::History => {}
    }
}

/// Each "key what" pair of a popup's key line is on screen.
fn assert_keys_shown(screen: &str, keys: &[(&str, &str)], context: &str) {
    let flat: String = screen.lines().collect::<Vec<_>>().join(" ");
    for (k, what) in keys {
        assert!(
            flat.contains(&format!("{k} {what}")),
            "{context}: the key line lacks '{k} {what}':\n{screen}"
        );
    }
}

/// Every tab and every popup at 80×24, 120×35 and 200×50: each popup's keys are on screen
/// (however long the question above them), every number the model holds for a row on
/// screen appears whole, and no header is cut without an ellipsis.
#[test]
fn layout_every_tab_and_popup_keeps_keys_numbers_and_headers_whole() {
    use riskreg::tui::popups::{confirm, conflict, help, pickers, welcome};
    let reg = sample_reg();
    // A title that wraps in the delete question at every size.
    let title = format!(
        "A title long enough to wrap {}",
        "and wrap again ".repeat(11)
    );
    let long = reg.add(title.trim(), 5, 5, &["--team", "platform"]);
    for (w, h) in LAYOUT_SIZES {
        let mut app = app_on(&reg, w, h);
        for tab in Tab::ALL {
            app.tab = tab;
            let s = screen(&app);
            let context = format!("{tab:?} at {w}×{h}");
            assert_headers_whole(&s, &context);
            assert_numbers_whole(&app, &s, &context);
        }
        app.tab = Tab::Risks;
        let pos = app
            .tabs
            .risks
            .list
            .ids
            .iter()
            .position(|x| *x == long)
            .unwrap();
        for _ in 0..pos {
            key(&mut app, KeyCode::Down);
        }
        let popups: [(char, &[(&str, &str)]); 9] = [
            ('d', pickers::DELETE_KEYS),
            ('?', help::KEYS),
            ('s', pickers::LIST_KEYS),
            ('m', pickers::LIST_KEYS),
            ('a', &[("Enter", "save"), ("Esc", "cancel")]),
            ('x', &[("Enter", "write"), ("Esc", "cancel")]),
            ('A', &[("Enter", "save"), ("Esc", "cancel")]),
            ('n', &[("Enter", "save"), ("Esc", "cancel")]),
            ('L', &[("Enter", "save"), ("Esc", "cancel")]),
        ];
        for (k, keys) in popups {
            key(&mut app, KeyCode::Char(k));
            assert_keys_shown(&screen(&app), keys, &format!("'{k}' at {w}×{h}"));
            key(&mut app, KeyCode::Esc);
        }
        // The why of a status move.
        key(&mut app, KeyCode::Char('m'));
        key(&mut app, KeyCode::Enter);
        assert_keys_shown(
            &screen(&app),
            &[("Enter", "go on (empty: no note)"), ("Esc", "cancel")],
            &format!("why at {w}×{h}"),
        );
        key(&mut app, KeyCode::Esc);
        // Changes to many marked risks: the count is confirmed first.
        key(&mut app, KeyCode::Char(' '));
        key(&mut app, KeyCode::Up);
        key(&mut app, KeyCode::Char('r'));
        assert_keys_shown(&screen(&app), confirm::KEYS, &format!("confirm at {w}×{h}"));
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('e'));
        assert_keys_shown(
            &screen(&app),
            &[("Enter", "review and apply"), ("Esc", "cancel")],
            &format!("bulk edit at {w}×{h}"),
        );
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Esc);
        assert!(app.tabs.risks.marked.is_empty(), "Esc clears the marks");
        key(&mut app, KeyCode::Enter);
        assert_keys_shown(
            &screen(&app),
            &[("Esc/Enter", "close")],
            &format!("detail at {w}×{h}"),
        );
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('e'));
        chars(&mut app, "x");
        key(&mut app, KeyCode::Esc);
        assert_keys_shown(
            &screen(&app),
            &[("y", "discard changes"), ("n/Esc", "keep editing")],
            &format!("discard at {w}×{h}"),
        );
        key(&mut app, KeyCode::Char('y'));
        key(&mut app, KeyCode::Char('i'));
        assert_keys_shown(
            &screen(&app),
            &[("Enter", "save"), ("Esc", "cancel")],
            &format!("incident at {w}×{h}"),
        );
        key(&mut app, KeyCode::Esc);
        for (tab, k, keys) in [
            (Tab::Teams, 'a', &[("Enter", "save"), ("Esc", "cancel")][..]),
            (Tab::Teams, 'd', &[("y", "delete"), ("n/Esc", "keep")][..]),
            (
                Tab::Roadmap,
                'e',
                &[("Enter", "save"), ("Esc", "cancel")][..],
            ),
            (Tab::Roadmap, 'm', pickers::LIST_KEYS),
            (
                Tab::Actions,
                'e',
                &[("Enter", "save"), ("Esc", "cancel")][..],
            ),
            (Tab::Actions, 'm', pickers::LIST_KEYS),
            (
                Tab::Actions,
                'd',
                &[("Enter", "go on (empty: no note)"), ("Esc", "cancel")][..],
            ),
        ] {
            app.tab = tab;
            key(&mut app, KeyCode::Char(k));
            assert_keys_shown(&screen(&app), keys, &format!("{tab:?} '{k}' at {w}×{h}"));
            key(&mut app, KeyCode::Esc);
        }
        app.tab = Tab::Risks;
        // The conflict view: the same field changed here and elsewhere.
        key(&mut app, KeyCode::Char('e'));
        common::tui::key_with(
            &mut app,
            KeyCode::Char('u'),
            ratatui::crossterm::event::KeyModifiers::CONTROL,
        );
        chars(
            &mut app,
            "Mine, with a title long enough to wrap in the conflict view at any size",
        );
        let id = app.tabs.risks.selected_id().unwrap();
        reg.ok(&[
            "edit",
            &id.to_string(),
            "--title",
            &format!("Theirs at {w}×{h}, also long enough to wrap in the view"),
        ]);
        key(&mut app, KeyCode::Enter);
        assert!(matches!(
            app.popup,
            Some(riskreg::tui::app::Popup::Conflict(_))
        ));
        assert_keys_shown(
            &screen(&app),
            conflict::KEYS,
            &format!("conflict at {w}×{h}"),
        );
        key(&mut app, KeyCode::Char('t'));
        let empty = Reg::new();
        assert_keys_shown(
            &screen(&app_on(&empty, w, h)),
            welcome::KEYS_WITH_SAMPLE,
            &format!("welcome at {w}×{h}"),
        );
    }
}

/// The views that read the history, at both sizes: the History tab's since view, the
/// Budget tab's trend chart and the Risks tab's band-move marks.
#[test]
fn snapshot_the_review_views() {
    let reg = Reg::new();
    let est = [
        "--ettd", "10", "--ettr", "50", "--users", "100", "--ettf", "30",
    ];
    for (title, l) in [("Failover is manual", "2"), ("Single DNS provider", "5")] {
        let mut args = vec!["add", title, "-l", l, "-i", "4"];
        args.extend(est);
        reg.ok_at("2026-09-01T09:00:00Z", &args);
    }
    reg.ok_at("2026-10-20T09:00:00Z", &["edit", "1", "--ettr", "300"]);
    reg.ok_at("2026-11-20T09:00:00Z", &["edit", "1", "-l", "5"]);
    reg.ok_at(
        "2026-11-20T09:00:00Z",
        &["edit", "2", "-l", "1", "--ettr", "20"],
    );
    reg.ok_at(
        "2026-11-21T09:00:00Z",
        &["add", "Cert expiry unwatched", "-l", "3", "-i", "3"],
    );
    for (w, h) in SIZES {
        let mut app = app_on(&reg, w, h);
        key(&mut app, KeyCode::Char('b'));
        key(&mut app, KeyCode::Enter);
        snap("risks_band_moves", &app);
        key(&mut app, KeyCode::Char('5'));
        key(&mut app, KeyCode::Char('c'));
        key(&mut app, KeyCode::Enter);
        snap("history_since", &app);
        key(&mut app, KeyCode::Char('6'));
        key(&mut app, KeyCode::Char('w'));
        snap("budget_trend", &app);
    }
}
