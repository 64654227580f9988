//! The managers' spreadsheet round trip: XLSX written and read back (with calamine, by
//! unzipping the sheet XML, and through LibreOffice where it is installed), imports that
//! merge a stale row with what colleagues changed since, and spreadsheet reformatting told
//! apart from edits.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader};
use common::{Reg, json_error, stderr};

/// Every file of a workbook (a zip archive) by name, as text.
fn parts(path: &Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            (entry.name().unwrap().to_string(), text)
        })
        .collect()
}

fn part<'a>(parts: &'a [(String, String)], name: &str) -> &'a str {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("no {name} in the workbook"))
}

/// A sheet's rows as calamine reads them.
fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn column(rows: &[Vec<Data>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|d| *d == Data::String(name.into()))
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// A register with a risk whose title looks like a formula, an owner `007`, a date, a
/// multi-line description and an open action; and a critical risk.
fn tricky_reg() -> (Reg, i64, i64) {
    let reg = Reg::new();
    reg.ok(&["team", "add", "platform"]);
    reg.ok(&["team", "add", "edge"]);
    let a = reg.add(
        "=1+2",
        3,
        4,
        &[
            "--owner",
            "007",
            "--team",
            "platform",
            "--next-review",
            "2027-01-15",
            "--description",
            "first line\nsecond line",
        ],
    );
    let b = reg.add("Region outage", 5, 5, &["--team", "edge"]);
    reg.ok(&["action", "add", &a.to_string(), "Add a failover drill"]);
    (reg, a, b)
}

#[test]
fn a_workbook_holds_typed_cells_and_never_a_formula() {
    let (reg, a, b) = tricky_reg();
    let path = reg.path("risks.xlsx");
    reg.ok(&["export", "-o", path.to_str().unwrap()]);

    let parts = parts(&path);
    for (name, text) in &parts {
        assert!(
            !text.contains("<f>") && !text.contains("<f "),
            "{name} holds a formula"
        );
    }
    let book = part(&parts, "xl/workbook.xml");
    assert!(book.contains(r#"name="Risks""#) && book.contains(r#"name="Actions""#));
    assert!(
        book.contains("_xlnm.Print_Titles"),
        "the header row repeats on every printed page"
    );
    let risks = part(&parts, "xl/worksheets/sheet1.xml");
    assert!(risks.contains(r#"ySplit="1""#) && risks.contains(r#"state="frozen""#));
    assert!(risks.contains(r#"<autoFilter ref="A1:AM3"/>"#), "{risks}");
    assert!(risks.contains(r#"orientation="landscape""#) && risks.contains(r#"fitToPage="1""#));
    assert!(
        risks.contains(r#"fitToHeight="0""#),
        "one page wide, as many down"
    );
    let styles = part(&parts, "xl/styles.xml");
    for fill in ["FFF8CBAD", "FFFFC7CE"] {
        assert!(styles.contains(fill), "the high and critical fills {fill}");
    }
    assert!(styles.contains("yyyy-mm-dd"));

    let rows = sheet(&path, "Risks");
    assert_eq!(rows.len(), 3, "the header and two risks");
    assert_eq!(rows[0][0], Data::String("id".into()));
    assert_eq!(
        rows[0].last(),
        Some(&Data::String("description".into())),
        "the description last"
    );
    let id = column(&rows, "id");
    let row = |risk: i64| {
        rows.iter()
            .find(|r| r[id] == Data::Float(risk as f64))
            .unwrap_or_else(|| panic!("no row for risk {risk}"))
    };
    let ra = row(a);
    assert_eq!(ra[column(&rows, "title")], Data::String("=1+2".into()));
    assert_eq!(
        ra[column(&rows, "owner")],
        Data::String("007".into()),
        "text stays text"
    );
    assert_eq!(ra[column(&rows, "score")], Data::Float(12.0));
    assert_eq!(
        ra[column(&rows, "description")],
        Data::String("first line\nsecond line".into())
    );
    match &ra[column(&rows, "next_review")] {
        Data::DateTime(d) => {
            assert!(d.is_datetime());
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            assert_eq!((y, m, day), (2027, 1, 15));
        }
        other => panic!("next_review is not a date: {other:?}"),
    }
    assert!(matches!(ra[column(&rows, "created_at")], Data::DateTime(_)));
    assert_eq!(
        row(b)[column(&rows, "band")],
        Data::String("critical".into())
    );

    let actions = sheet(&path, "Actions");
    assert_eq!(actions.len(), 2, "the one open action");
    assert_eq!(
        actions[1][column(&actions, "title")],
        Data::String("Add a failover drill".into())
    );
}

#[test]
fn columns_split_and_format_contradictions() {
    let (reg, _, _) = tricky_reg();
    let path = reg.path("pick.xlsx");
    reg.ok(&[
        "export",
        "--columns",
        "title,owner,id",
        "-o",
        path.to_str().unwrap(),
    ]);
    let rows = sheet(&path, "Risks");
    assert_eq!(
        rows[0],
        ["title", "owner", "id"].map(|s| Data::String(s.into()))
    );

    let dir = reg.path("teams");
    reg.ok(&[
        "export",
        "--split-by",
        "team",
        "--output-dir",
        dir.to_str().unwrap(),
        "--format",
        "xlsx",
    ]);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["edge.xlsx", "platform.xlsx"]);
    assert_eq!(sheet(&dir.join("edge.xlsx"), "Risks").len(), 2);

    let out = reg.fails(&["export", "--format", "xlsx"], 2);
    assert!(
        stderr(&out).contains("give -o FILE.xlsx"),
        "{}",
        stderr(&out)
    );
    let csv_named = reg.path("x.csv");
    let out = reg.fails(
        &[
            "export",
            "-o",
            csv_named.to_str().unwrap(),
            "--format",
            "xlsx",
        ],
        2,
    );
    assert!(stderr(&out).contains("--format xlsx contradicts the file name"));
    assert!(!csv_named.exists());
    let out = reg.fails(&["list", "--format", "xlsx"], 2);
    assert!(stderr(&out).contains("only `riskreg export -o FILE.xlsx`"));
    let out = reg.fails(&["export", "-o", reg.path("x.ods").to_str().unwrap()], 2);
    assert!(stderr(&out).contains("does not write .ods files"));
}

#[test]
fn a_workbook_imports_back_unchanged_and_its_edits_apply() {
    let (reg, a, _) = tricky_reg();
    let path = reg.path("risks.xlsx");
    reg.ok(&["export", "-o", path.to_str().unwrap()]);
    let before = reg.json(&["export", "--all"]);
    let report = reg.json(&["import", path.to_str().unwrap()]);
    assert_eq!(
        (
            &report["sheet"],
            &report["unchanged"],
            &report["updated"],
            &report["actions"]["unchanged"]
        ),
        (
            &serde_json::json!("Risks"),
            &serde_json::json!(2),
            &serde_json::json!(0),
            &serde_json::json!(1)
        ),
        "{report}"
    );
    assert_eq!(
        reg.json(&["export", "--all"]),
        before,
        "a round trip changes nothing"
    );

    // A manager's own workbook: the owner retyped, the likelihood a number, a new risk.
    let edited = reg.path("edited.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Risks").unwrap();
    for (c, h) in ["id", "title", "owner", "likelihood", "impact", "revision"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_number(1, 0, a as f64).unwrap();
    ws.write_string(1, 1, "=1+2").unwrap();
    ws.write_string(1, 2, "ana").unwrap();
    ws.write_number(1, 3, 4.0).unwrap();
    ws.write_number(1, 4, 4.0).unwrap();
    ws.write_number(1, 5, 1.0).unwrap();
    ws.write_string(2, 1, "New from the sheet").unwrap();
    ws.write_number(2, 3, 2.0).unwrap();
    ws.write_number(2, 4, 3.0).unwrap();
    book.save(&edited).unwrap();
    let report = reg.json(&["import", edited.to_str().unwrap()]);
    assert_eq!(
        (&report["updated"], &report["created"]),
        (&serde_json::json!(1), &serde_json::json!(1))
    );
    let risk = reg.json(&["show", &a.to_string()]);
    assert_eq!(
        (&risk["owner"], &risk["likelihood"]),
        (&serde_json::json!("ana"), &serde_json::json!(4))
    );

    // A bad cell names the sheet, the spreadsheet row and the column letter; nothing lands.
    let bad = reg.path("bad.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Risks").unwrap();
    for (c, h) in ["title", "likelihood", "impact"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "Fine").unwrap();
    ws.write_number(1, 1, 2.0).unwrap();
    ws.write_number(1, 2, 2.0).unwrap();
    ws.write_string(2, 0, "Broken").unwrap();
    ws.write_number(2, 1, 2.0).unwrap();
    ws.write_number(2, 2, 9.0).unwrap();
    book.save(&bad).unwrap();
    let total = reg.count("SELECT count(*) FROM risk");
    let out = reg.fails(&["import", bad.to_str().unwrap()], 65);
    assert_eq!(
        stderr(&out).trim(),
        "riskreg: sheet Risks, row 3, column C (impact): invalid impact \"9\": must be a whole number from 1 to 5"
    );
    assert_eq!(
        reg.count("SELECT count(*) FROM risk"),
        total,
        "all or nothing"
    );

    // A value beside the table, under no header, is refused rather than dropped.
    let stray = reg.path("stray.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["title", "likelihood", "impact"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "Fine").unwrap();
    ws.write_number(1, 1, 2.0).unwrap();
    ws.write_number(1, 2, 2.0).unwrap();
    ws.write_string(1, 4, "a note").unwrap();
    book.save(&stray).unwrap();
    let out = reg.fails(&["import", stray.to_str().unwrap()], 65);
    assert_eq!(
        stderr(&out).trim(),
        "riskreg: sheet Sheet1, row 2, column E: a value in a column with no header; name the column in the header row, or clear the cell"
    );
}

/// A CSV export of `columns` as rows of cells (BOM stripped).
fn csv_rows(reg: &Reg, columns: &str, name: &str) -> (std::path::PathBuf, Vec<Vec<String>>) {
    let path = reg.path(name);
    reg.ok(&["export", "--columns", columns, "-o", path.to_str().unwrap()]);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (path, rows)
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn a_colleagues_change_on_a_field_the_sheet_did_not_touch_survives() {
    let reg = Reg::new();
    let a = reg.add("Primary DB has no failover", 3, 4, &[]);
    let b = reg.add("Single region", 2, 5, &["--owner", "dana"]);
    let (path, mut rows) = csv_rows(&reg, "id,title,owner,likelihood,impact,revision", "m.csv");
    // Colleagues, after the export: an owner for a, a title for b.
    reg.ok(&["edit", &a.to_string(), "--owner", "bob"]);
    reg.ok(&[
        "edit",
        &b.to_string(),
        "--title",
        "Single region, no DR plan",
    ]);
    // The manager, in the sheet: a's title only; b's row untouched.
    let ra = rows.iter().position(|r| r[0] == a.to_string()).unwrap();
    rows[ra][1] = "Primary DB fails over by hand".into();
    write_csv(&path, &rows);
    let report = reg.json(&["import", path.to_str().unwrap()]);
    assert_eq!(
        (&report["updated"], &report["unchanged"]),
        (&serde_json::json!(1), &serde_json::json!(1)),
        "{report}"
    );
    let ja = reg.json(&["show", &a.to_string()]);
    assert_eq!(
        (&ja["title"], &ja["owner"]),
        (
            &serde_json::json!("Primary DB fails over by hand"),
            &serde_json::json!("bob")
        ),
        "the sheet's title and the colleague's owner"
    );
    let jb = reg.json(&["show", &b.to_string()]);
    assert_eq!(
        jb["title"], "Single region, no DR plan",
        "an untouched stale row is never written back"
    );
}

#[test]
fn a_field_changed_on_both_sides_waits_for_a_winner() {
    let reg = Reg::new();
    let a = reg.add("Primary DB has no failover", 3, 4, &["--owner", "ana"]);
    let (path, mut rows) = csv_rows(&reg, "id,title,owner,likelihood,impact,revision", "m.csv");
    reg.ok(&["edit", &a.to_string(), "--owner", "bob"]);
    rows[1][2] = "carol".into();
    rows[1][3] = "4".into();
    write_csv(&path, &rows);
    let file = path.to_str().unwrap();
    let before = reg.json(&["show", &a.to_string()]);

    let out = reg.fails(&["import", file], 75);
    assert_eq!(
        stderr(&out).trim(),
        "riskreg: 1 field was changed both in the sheet and in the register since the export; nothing was imported:\n  row 2: risk 1 owner: was \"ana\", register now \"bob\", sheet \"carol\"\nsay who wins with --on-conflict sheet or --on-conflict register (the sheet's other edits apply either way), or settle them in the sheet and import again"
    );
    assert!(
        !stderr(&out).contains("revision column"),
        "no hint to overwrite"
    );
    let out = reg.fails(&["import", file, "--format", "json"], 75);
    let e = &json_error(&out)["error"];
    assert_eq!(e["code"], "import_conflict");
    assert_eq!(
        e["details"]["conflicts"],
        serde_json::json!([{"row": 2, "risk": a, "field": "owner", "base": "ana", "register": "bob", "sheet": "carol"}])
    );
    assert_eq!(
        reg.json(&["show", &a.to_string()]),
        before,
        "nothing written"
    );

    let dry = reg.ok(&["import", file, "--on-conflict", "register", "--dry-run"]);
    assert!(dry.contains("row 2: risk 1 likelihood: 3 → 4"), "{dry}");
    assert!(dry.contains("kept the register's bob over carol"), "{dry}");
    reg.ok(&["import", file, "--on-conflict", "register"]);
    let now = reg.json(&["show", &a.to_string()]);
    assert_eq!(
        (&now["owner"], &now["likelihood"]),
        (&serde_json::json!("bob"), &serde_json::json!(4))
    );

    // Exported again before the colleague's next change: the sheet wins when told to.
    let (path, mut rows) = csv_rows(&reg, "id,title,owner,likelihood,impact,revision", "n.csv");
    reg.ok(&["edit", &a.to_string(), "--owner", "erin"]);
    rows[1][2] = "carol".into();
    write_csv(&path, &rows);
    reg.ok(&["import", path.to_str().unwrap(), "--on-conflict", "sheet"]);
    assert_eq!(reg.json(&["show", &a.to_string()])["owner"], "carol");
}

#[test]
fn spreadsheet_reformatting_is_a_warning_not_an_edit() {
    let reg = Reg::new();
    let a = reg.add(
        "1e5",
        3,
        4,
        &["--owner", "007", "--next-review", "2027-01-15"],
    );
    let (path, mut rows) = csv_rows(
        &reg,
        "id,title,owner,likelihood,impact,next_review,revision",
        "m.csv",
    );
    // What Excel does on open and save: no edit at all.
    rows[1][1] = "1.00E+05".into();
    rows[1][2] = "7".into();
    rows[1][3] = "3.0".into();
    rows[1][5] = "1/15/2027".into();
    write_csv(&path, &rows);
    let before = reg.json(&["show", &a.to_string()]);
    let dry = reg.ok(&["import", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(
        dry,
        "would import 1 row of risks: 0 created, 0 updated, 1 unchanged\n\
         warning: row 2: risk 1 title: kept 1e5; the file's 1.00E+05 is the same number written another way (a spreadsheet's reformatting, not an edit)\n\
         warning: row 2: risk 1 owner: kept 007; the file's 7 is leading zeros dropped (a spreadsheet's reformatting, not an edit)\n\
         warning: row 2: risk 1 next_review: kept 2027-01-15; the file's 1/15/2027 is the same date written another way (a spreadsheet's reformatting, not an edit)\n\
         warning: row 2: risk 1 likelihood: kept 3; the file's 3.0 is the same number written another way (a spreadsheet's reformatting, not an edit)\n\
         dry run: nothing was written\n"
    );
    let report = reg.json(&["import", path.to_str().unwrap()]);
    assert_eq!(report["warnings"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        report["warnings"][1],
        serde_json::json!({"row": 2, "risk": a, "field": "owner", "register": "007", "sheet": "7", "reason": "leading zeros dropped"})
    );
    assert_eq!(
        reg.json(&["show", &a.to_string()]),
        before,
        "nothing changed"
    );
}

#[test]
fn a_dry_run_lists_every_change_by_risk_and_field() {
    let reg = Reg::new();
    let a = reg.add("Primary DB has no failover", 3, 4, &[]);
    let b = reg.add("Single region", 2, 5, &["--owner", "dana"]);
    let (path, mut rows) = csv_rows(&reg, "id,title,owner,likelihood,impact,revision", "m.csv");
    let ra = rows.iter().position(|r| r[0] == a.to_string()).unwrap();
    let rb = rows.iter().position(|r| r[0] == b.to_string()).unwrap();
    rows[ra][2] = "carol".into();
    rows[ra][4] = "5".into();
    rows[rb][1] = "Single region, no DR".into();
    write_csv(&path, &rows);
    let file = path.to_str().unwrap();
    let table = reg.ok(&["import", file, "--dry-run"]);
    for line in [
        format!("row {}: risk {a} owner: (none) → carol", ra + 1),
        format!("row {}: risk {a} impact: 4 → 5", ra + 1),
        format!(
            "row {}: risk {b} title: Single region → Single region, no DR",
            rb + 1
        ),
    ] {
        assert!(table.contains(&line), "{line:?} in {table}");
    }
    let report = reg.json(&["import", file, "--dry-run"]);
    let changes = report["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 3);
    assert!(changes.contains(
        &serde_json::json!({"row": ra + 1, "risk": a, "field": "owner", "old": "", "new": "carol"})
    ));
    assert_eq!(reg.json(&["show", &a.to_string()])["owner"], "", "dry");
}

/// Whether LibreOffice is here; in CI (`RISKREG_REQUIRE_SOFFICE`) it must be.
fn soffice() -> Option<&'static str> {
    let found = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("soffice");
    }
    assert!(
        std::env::var_os("RISKREG_REQUIRE_SOFFICE").is_none(),
        "LibreOffice (soffice) is required here but not installed"
    );
    eprintln!("notice: LibreOffice (soffice) is not installed; skipping the XLSX conversion test");
    None
}

/// Converts `path` into `out_dir` with LibreOffice's filter `to`, headless, with a profile
/// of its own in the register's directory.
fn convert(soffice: &str, reg: &Reg, to: &str, path: &Path, out_dir: &Path) {
    let profile = format!("file://{}", reg.path("lo-profile").display());
    let out = std::process::Command::new(soffice)
        .env("HOME", reg.dir.path())
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(out_dir)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn libreoffice_reads_every_cell_of_the_workbook() {
    let Some(soffice) = soffice() else {
        return;
    };
    let reg = Reg::new();
    reg.ok(&["sample"]);
    let path = reg.path("sample.xlsx");
    reg.ok(&["export", "--all", "-o", path.to_str().unwrap()]);
    let out_dir = reg.path("converted");
    convert(
        soffice,
        &reg,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        &path,
        &out_dir,
    );
    let read = |p: &Path| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(p)
            .unwrap()
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let converted = read(&out_dir.join("sample-Risks.csv"));
    // The same cells as riskreg's own raw CSV of the same columns in the same order, with
    // a moment written as a spreadsheet shows one.
    let header = converted[0].join(",");
    let ours = reg.path("ours.csv");
    reg.ok(&[
        "export",
        "--all",
        "--raw",
        "--columns",
        &header,
        "-o",
        ours.to_str().unwrap(),
    ]);
    let expected: Vec<Vec<String>> = read(&ours)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|cell| {
                    let moment =
                        cell.len() == 20 && cell.ends_with('Z') && cell.as_bytes()[10] == b'T';
                    if moment {
                        cell[..19].replace('T', " ")
                    } else {
                        cell
                    }
                })
                .collect()
        })
        .collect();
    assert_eq!(converted.len(), expected.len(), "rows");
    let mut differ = Vec::new();
    for (r, (got, want)) in converted.iter().zip(&expected).enumerate() {
        for (c, (g, w)) in got.iter().zip(want).enumerate() {
            if g != w {
                differ.push(format!("row {} {}: {g:?} vs {w:?}", r + 1, converted[0][c]));
            }
        }
        assert_eq!(got.len(), want.len(), "row {} width", r + 1);
    }
    assert!(differ.is_empty(), "{differ:#?}");
    assert!(out_dir.join("sample-Actions.csv").exists());

    // Opened and saved by LibreOffice (shared strings, its own styles): importing it back
    // changes nothing.
    let resaved_dir = reg.path("resaved");
    convert(
        soffice,
        &reg,
        "xlsx:Calc MS Excel 2007 XML",
        &path,
        &resaved_dir,
    );
    let before = reg.json(&["export", "--all"]);
    let resaved = resaved_dir.join("sample.xlsx");
    let report = reg.json(&["import", resaved.to_str().unwrap()]);
    assert_eq!(
        (&report["updated"], &report["created"], &report["warnings"]),
        (
            &serde_json::json!(0),
            &serde_json::json!(0),
            &serde_json::json!([])
        ),
        "{report}"
    );
    assert_eq!(report["actions"]["updated"], 0, "{report}");
    assert_eq!(reg.json(&["export", "--all"]), before);
}
