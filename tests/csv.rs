//! CSV both ways (RELIABILITY.md §3): spreadsheet-safe export, lossless round trip, and an
//! importer that takes what a spreadsheet saves and is all-or-nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use common::{Reg, json_error, stderr};
use proptest::prelude::*;
use riskreg::clock::Clock;
use riskreg::domain::lifecycle::Rules;
use riskreg::domain::{EventKind, Impact, Likelihood, Risk, RiskFields, Status, validate};
use riskreg::io::formula;
use riskreg::io::import::{ImportOptions, import};
use riskreg::io::{ExportFormat, RiskWriter};
use riskreg::query::ListSpec;
use riskreg::scoring::Band;
use riskreg::store::{NewRisk, OpenMode, Stamp, Store};

const TRIGGERS: [char; 11] = ['=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠'];

fn risk_titled(title: &str, description: &str) -> Risk {
    let mut fields = RiskFields::new(
        title.into(),
        Likelihood::new(3).unwrap(),
        Impact::new(4).unwrap(),
    );
    fields.description = description.into();
    Risk {
        id: 7,
        fields,
        band: Band::High,
        target_band: Band::High,
        milestone_due: None,
        created_at: "2026-11-24T09:00:00Z".into(),
        updated_at: "2026-11-24T09:00:00Z".into(),
        revision: 1,
        actions: Default::default(),
    }
}

fn csv_bytes(risks: &[Risk], raw: bool) -> Vec<u8> {
    let mut w = RiskWriter::new(ExportFormat::Csv, Vec::new(), raw).unwrap();
    for r in risks {
        w.write(r).unwrap();
    }
    w.finish().unwrap()
}

fn records(bytes: &[u8]) -> Vec<csv::StringRecord> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    csv::Reader::from_reader(body)
        .records()
        .map(Result::unwrap)
        .collect()
}

/// CSV-INJ-1: OWASP's own examples, byte for byte, and one apostrophe before each trigger.
#[test]
fn csv_inj_1_golden_bytes() {
    let out = csv_bytes(
        &[
            risk_titled("=1+2\";=1+2", ""),
            risk_titled("=1+2'\" ;,=1+2", ""),
        ],
        false,
    );
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\"'=1+2\"\";=1+2\""), "{text}");
    assert!(text.contains("\"'=1+2'\"\" ;,=1+2\""), "{text}");
    for value in ["+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "＝1+1"] {
        let rows = records(&csv_bytes(&[risk_titled(value, value)], false));
        assert_eq!(&rows[0][1], format!("'{value}"), "title {value:?}");
        assert_eq!(&rows[0][2], format!("'{value}"), "description {value:?}");
    }
    let reg = Reg::new();
    reg.add("=1+2\";=1+2", 2, 2, &[]);
    let exported = reg.ok(&["export", "--format", "csv"]);
    assert!(
        exported.contains("\"'=1+2\"\";=1+2\""),
        "through the CLI too: {exported}"
    );
}

/// CSV-INJ-4: numeric and enum columns are never prefixed.
#[test]
fn csv_inj_4_numbers_stay_numbers() {
    let rows = records(&csv_bytes(&[risk_titled("-3", "")], false));
    assert_eq!(&rows[0][1], "'-3", "text is protected");
    for (i, name) in [
        (0, "id"),
        (5, "likelihood"),
        (6, "impact"),
        (7, "score"),
        (20, "revision"),
    ] {
        assert!(
            rows[0][i].chars().all(|c| c.is_ascii_digit()),
            "{name} = {:?}",
            &rows[0][i]
        );
    }
}

fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("=".to_string()),
        Just("+".to_string()),
        Just("-".to_string()),
        Just("@".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just(",".to_string()),
        Just("\t".to_string()),
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("＝".to_string()),
        Just("🔥".to_string()),
        Just("日本".to_string()),
        Just("\0".to_string()),
        "[a-z ]{1,5}",
    ];
    prop::collection::vec(pieces, 0..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// CSV-INJ-2: no exported text cell (read back without undoing the prefix) starts with
    /// a formula trigger — 100 risks × 100 cases of hostile strings.
    #[test]
    fn csv_inj_2_no_live_formula(texts in prop::collection::vec(tricky_text(), 100)) {
        let risks: Vec<Risk> = texts.iter().map(|t| risk_titled(t, t)).collect();
        for row in records(&csv_bytes(&risks, false)) {
            for i in [1, 2, 3, 4, 10, 11, 13, 14, 17] {
                let first = row[i].chars().next();
                prop_assert!(first.is_none_or(|c| !TRIGGERS.contains(&c)), "cell {i} = {:?}", &row[i]);
            }
        }
    }

    /// The neutralization rule is a bijection at the CSV layer, for any string at all.
    #[test]
    fn csv_cells_round_trip_through_the_writer_and_reader(s in any::<String>()) {
        let rows = records(&csv_bytes(&[risk_titled(&s, &s)], false));
        prop_assert_eq!(formula::restore(&rows[0][1]), s.as_str());
        prop_assert_eq!(formula::restore(&rows[0][2]), s.as_str());
    }
}

fn stamp() -> Stamp {
    Stamp {
        actor: "tester".into(),
        clock: Clock::at(common::NOW.parse().unwrap()),
    }
}

/// What a valid risk can hold: one-line fields lose what validation refuses.
fn one_line(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| !riskreg::text::is_unsafe_char(*c))
        .collect();
    validate::line("x", &kept, 200).unwrap()
}

fn stored(store: &Store) -> Vec<(RiskFields, String)> {
    store
        .list_risks(
            &ListSpec {
                all: true,
                sort: riskreg::query::SortKey::Id,
                ..ListSpec::default()
            },
            stamp().clock.today,
        )
        .unwrap()
        .into_iter()
        .map(|r| (r.fields, r.created_at))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// CSV-INJ-3: any risk the register can hold — quotes, commas, line breaks, tabs,
    /// leading triggers and apostrophes, U+FEFF, emoji — survives export → import exactly.
    #[test]
    fn csv_inj_3_export_import_round_trip(texts in prop::collection::vec((tricky_text(), tricky_text(), tricky_text()), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let mut source = Store::open(dir.path().join("a.db"), OpenMode::Create).unwrap();
        source.write(&stamp(), |tx| {
            for (i, (title, description, owner)) in texts.iter().enumerate() {
                let title = one_line(&format!("r{i} {title}"));
                let mut f = RiskFields::new(title, Likelihood::new(2).unwrap(), Impact::new(5).unwrap());
                f.description = validate::description(&description.replace('\0', "")).unwrap();
                f.owner = one_line(owner);
                f.status = Status::Mitigating;
                f.tags = vec!["db".into(), "=x".into()];
                f.team = Some(tx.ensure_team(format!("team {}", one_line(owner)).trim())?.0);
                tx.create_risk(NewRisk { fields: f, id: None, created_at: None }, Rules::Interactive, EventKind::Create, "")?;
            }
            Ok(())
        }).unwrap();
        let mut bytes = Vec::new();
        {
            let mut w = RiskWriter::new(ExportFormat::Csv, &mut bytes, false).unwrap();
            source.for_each_risk(&ListSpec { all: true, ..ListSpec::default() }, stamp().clock.today, |r| w.write(&r).map_err(|e| riskreg::Error::io("w", e))).unwrap();
            w.finish().unwrap();
        }
        let mut target = Store::open(dir.path().join("b.db"), OpenMode::Create).unwrap();
        import(&mut target, &stamp(), bytes.as_slice(), None, &ImportOptions::default(), &mut |_| {}).unwrap();
        prop_assert_eq!(stored(&target), stored(&source));
    }
}

/// CSV-PARSE-1: a UTF-8 BOM before the header does not become part of the first column.
#[test]
fn csv_parse_1_bom_is_stripped() {
    let reg = Reg::new();
    let file = reg.write(
        "bom.csv",
        b"\xEF\xBB\xBFid,title,likelihood,impact\r\n42,With BOM,2,3\r\n",
    );
    reg.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(reg.json(&["show", "42"])["title"], "With BOM");
}

fn import_and_dump(csv: &[u8]) -> serde_json::Value {
    let reg = Reg::new();
    let file = reg.write("in.csv", csv);
    reg.ok(&["import", file.to_str().unwrap()]);
    reg.json(&["list", "--all", "--sort", "id"])
}

/// CSV-PARSE-2 and -3: LF, CRLF and mixed endings load the same records, and a quoted field
/// keeps its line breaks.
#[test]
fn csv_parse_2_and_3_line_endings_and_embedded_newlines() {
    let lf =
        import_and_dump(b"title,likelihood,impact,description\nA,1,2,\"one\ntwo\"\nB,3,4,plain\n");
    let crlf = import_and_dump(
        b"title,likelihood,impact,description\r\nA,1,2,\"one\r\ntwo\"\r\nB,3,4,plain\r\n",
    );
    let mixed = import_and_dump(
        b"title,likelihood,impact,description\r\nA,1,2,\"one\ntwo\"\nB,3,4,plain\r\n",
    );
    assert_eq!(lf.as_array().unwrap().len(), 2);
    assert_eq!(lf[0]["description"], "one\ntwo");
    assert_eq!(lf, crlf);
    assert_eq!(lf, mixed);
}

/// CSV-PARSE-4: a ragged row stops the import with its line, and nothing is written.
#[test]
fn csv_parse_4_ragged_row_names_the_line_and_writes_nothing() {
    let reg = Reg::new();
    let mut csv = String::from("title,likelihood,impact\n");
    for i in 2..=6 {
        csv.push_str(&format!("risk {i},2,2\n"));
    }
    csv.push_str("short row,2\n");
    let file = reg.write("ragged.csv", csv);
    let out = reg.fails(&["import", file.to_str().unwrap()], 65);
    let message = stderr(&out);
    assert!(
        message.contains("line 7: expected 3 fields, found 2"),
        "{message}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(reg.count("SELECT count(*) FROM risk"), 0);
    assert_eq!(reg.count("SELECT count(*) FROM team"), 0);
    let out = reg.fails(&["import", file.to_str().unwrap(), "--format", "json"], 65);
    let err = json_error(&out);
    assert_eq!(err["error"]["code"], "csv_invalid");
    assert_eq!(err["error"]["line"], 7);
}

/// CSV-PARSE-5: cp1252 and UTF-16 files are refused with the line and a hint.
#[test]
fn csv_parse_5_wrong_encodings_are_refused_with_a_hint() {
    let reg = Reg::new();
    let cp1252 = reg.write(
        "cp1252.csv",
        b"title,likelihood,impact\nok,1,1\nCaf\xE9 outage,2,2\n",
    );
    let out = reg.fails(&["import", cp1252.to_str().unwrap()], 65);
    let message = stderr(&out);
    assert!(
        message.contains("line 3") && message.contains("column 1 (title)"),
        "{message}"
    );
    assert!(message.contains("CSV UTF-8"), "{message}");
    let utf16 = reg.write("utf16.csv", b"\xFF\xFEt\0i\0t\0l\0e\0");
    let message = stderr(&reg.fails(&["import", utf16.to_str().unwrap()], 65));
    assert!(
        message.contains("UTF-16") && message.contains("CSV UTF-8"),
        "{message}"
    );
    assert_eq!(reg.count("SELECT count(*) FROM risk"), 0);
}

/// CSV-PARSE-6: exports start with a BOM and end every record with CRLF.
#[test]
fn csv_parse_6_bom_and_crlf() {
    let reg = Reg::new();
    reg.add("one", 2, 2, &[]);
    reg.add("two", 3, 3, &[]);
    let out = reg
        .cmd()
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF\"id\",\"title\""));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches("\r\n").count(), 3, "header and two records");
    assert_eq!(text.matches('\n').count(), 3, "no bare LF");
    let raw = reg
        .cmd()
        .args(["export", "--format", "csv", "--raw"])
        .output()
        .unwrap();
    assert!(raw.stdout.starts_with(b"\"id\""), "--raw has no BOM");
    assert!(String::from_utf8_lossy(&raw.stderr).starts_with("warning:"));
}

/// CSV-PARSE-7: unknown and missing columns list what is expected; a duplicate id names both
/// lines; a stale revision merges (an untouched row writes nothing), a revision the
/// register never had is refused.
#[test]
fn csv_parse_7_headers_duplicates_and_revisions() {
    let reg = Reg::new();
    let unknown = reg.write("u.csv", "title,likelihood,impact,sevrity\nx,1,1,high\n");
    let message = stderr(&reg.fails(&["import", unknown.to_str().unwrap()], 65));
    assert!(
        message.contains("unknown column 'sevrity'")
            && message.contains("expected columns: id, title"),
        "{message}"
    );
    reg.ok(&["import", unknown.to_str().unwrap(), "--ignore-unknown"]);
    let missing = reg.write("m.csv", "title,impact\nx,1\n");
    let message = stderr(&reg.fails(&["import", missing.to_str().unwrap()], 65));
    assert!(
        message.contains("missing required column likelihood"),
        "{message}"
    );
    let dup = reg.write(
        "d.csv",
        "id,title,likelihood,impact\n10,a,1,1\n11,b,1,1\n10,c,1,1\n",
    );
    let message = stderr(&reg.fails(&["import", dup.to_str().unwrap()], 65));
    assert!(
        message.contains("risk id 10 appears twice in the file, on lines 2 and 4"),
        "{message}"
    );

    let exported = reg.path("e.csv");
    reg.ok(&["export", "-o", exported.to_str().unwrap()]);
    reg.ok(&["edit", "1", "--owner", "changed meanwhile"]);
    // The row is stale and the sheet changed nothing: it merges to no change at all.
    let report = reg.json(&["import", exported.to_str().unwrap()]);
    assert_eq!(
        (&report["unchanged"], &report["updated"]),
        (&serde_json::json!(1), &serde_json::json!(0))
    );
    assert_eq!(
        reg.json(&["show", "1"])["owner"],
        "changed meanwhile",
        "nothing was overwritten"
    );
    let future = reg.write("f.csv", "id,title,likelihood,impact,revision\n1,x,1,1,99\n");
    let message = stderr(&reg.fails(&["import", future.to_str().unwrap()], 65));
    assert!(
        message.contains("its history cannot rebuild revision 99"),
        "{message}"
    );
}

/// What a spreadsheet saves: Title-case headers in any order, capitalised values, extra
/// computed columns; teams and milestones are created and reported.
#[test]
fn import_accepts_what_a_spreadsheet_saves() {
    let reg = Reg::new();
    let file = reg.write(
        "sheet.csv",
        "\u{feff}Impact,Title,Status,Team,Milestone,Milestone Due,Likelihood,Score,Next Review,Tags\r\n\
         5,Primary DB failover is manual,Mitigating,Platform,2027Q1 Failover,2027-03-31,4,20,2027-01-15 00:00:00,\"DB, failover\"\r\n\
         2,Status page is hosted with us,Open,platform,,,2,4,,\r\n",
    );
    let summary = reg.ok(&["import", file.to_str().unwrap()]);
    assert!(
        summary.contains("imported 2 rows of risks: 2 created"),
        "{summary}"
    );
    assert!(summary.contains("created teams: Platform"), "{summary}");
    assert!(
        summary.contains("created milestones: 2027Q1 Failover"),
        "{summary}"
    );
    let risks = reg.json(&["list"]);
    assert_eq!(risks[0]["status"], "mitigating");
    assert_eq!(risks[0]["team"], "Platform");
    assert_eq!(
        risks[1]["team"], "Platform",
        "team names match ignoring case"
    );
    assert_eq!(risks[0]["milestone_due"], "2027-03-31");
    assert_eq!(risks[0]["next_review"], "2027-01-15");
    assert_eq!(risks[0]["tags"], serde_json::json!(["db", "failover"]));
}

/// The first bad value stops the import with its line and column, and nothing is written.
#[test]
fn import_is_all_or_nothing_and_points_at_the_bad_cell() {
    let reg = Reg::new();
    let file = reg.write(
        "bad.csv",
        "title,likelihood,impact,team\na,2,2,new-team\nb,2,7,new-team\n",
    );
    let out = reg.fails(&["import", file.to_str().unwrap()], 65);
    let message = stderr(&out);
    assert!(
        message.contains("line 3, column 3 (impact)") && message.contains("1 to 5"),
        "{message}"
    );
    assert_eq!(reg.count("SELECT count(*) FROM risk"), 0);
    assert_eq!(
        reg.count("SELECT count(*) FROM team"),
        0,
        "the team created by line 2 was rolled back"
    );
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let reg = Reg::new();
    let file = reg.write("in.csv", common::dataset_csv(20));
    let summary = reg.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    assert!(
        summary.contains("would import 20 rows of risks: 20 created"),
        "{summary}"
    );
    assert!(
        summary.contains("dry run: nothing was written"),
        "{summary}"
    );
    assert_eq!(reg.count("SELECT count(*) FROM risk"), 0);
    assert_eq!(reg.count("SELECT count(*) FROM event"), 0);
}

#[test]
fn import_reads_stdin_json_and_ndjson() {
    let reg = Reg::new();
    reg.cmd()
        .args(["import", "-"])
        .write_stdin("title,likelihood,impact\nfrom stdin,1,2\n")
        .assert()
        .success();
    let source = Reg::new();
    source.add("json one", 4, 4, &["--tag", "a", "--owner", "ann"]);
    source.add("json two", 1, 1, &[]);
    let json = source.ok(&["export", "--format", "json"]);
    let ndjson = source.ok(&["export", "--format", "ndjson"]);
    let a = Reg::new();
    a.cmd()
        .args(["import", "-"])
        .write_stdin(json)
        .assert()
        .success();
    let b = Reg::new();
    b.cmd()
        .args(["import", "-"])
        .write_stdin(ndjson)
        .assert()
        .success();
    let strip = |v: serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["title"].clone(),
                    r["owner"].clone(),
                    r["tags"].clone(),
                    r["likelihood"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(a.json(&["list"])), strip(source.json(&["list"])));
    assert_eq!(strip(b.json(&["list"])), strip(source.json(&["list"])));
}

/// Export → import into an empty register → export again gives the same file (bar the
/// bookkeeping columns), and re-importing into the source changes nothing.
#[test]
fn export_import_export_is_stable() {
    let reg = Reg::new();
    let data = reg.write("data.csv", common::dataset_csv(50));
    reg.ok(&["import", data.to_str().unwrap()]);
    let first = reg.path("first.csv");
    reg.ok(&["export", "--all", "-o", first.to_str().unwrap()]);
    let again = reg.ok(&["import", first.to_str().unwrap()]);
    assert!(
        again.contains("0 created, 0 updated, 50 unchanged"),
        "{again}"
    );
    let other = Reg::new();
    other.ok(&["import", first.to_str().unwrap()]);
    let second = other.ok(&["export", "--all", "--format", "csv"]);
    let strip = |text: &str| -> Vec<Vec<String>> {
        records(text.as_bytes())
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .filter(|(i, _)| ![19, 20].contains(i))
                    .map(|(_, c)| c.to_string())
                    .collect()
            })
            .collect()
    };
    assert_eq!(
        strip(&std::fs::read_to_string(&first).unwrap()),
        strip(&second)
    );
}

/// A row whose id belonged to a deleted risk gets a new id (ids are never reused).
#[test]
fn import_never_reuses_a_deleted_id() {
    let reg = Reg::new();
    reg.add("a", 1, 1, &[]);
    reg.add("b", 1, 1, &[]);
    reg.ok(&["delete", "2", "--yes"]);
    let file = reg.write("in.csv", "id,title,likelihood,impact\n2,b again,1,1\n");
    let summary = reg.ok(&["import", file.to_str().unwrap()]);
    assert!(summary.contains("risk 2 was deleted earlier"), "{summary}");
    assert_eq!(reg.json(&["show", "3"])["title"], "b again");
}

/// Errors name the spreadsheet row (the header is row 1) and the file line, the same for
/// CR LF and LF files, and after a cell that holds a line break.
#[test]
fn errors_name_the_spreadsheet_row_for_crlf_and_lf_files() {
    let reg = Reg::new();
    for (name, body, expected) in [
        (
            "crlf.csv",
            "title,likelihood,impact\r\nok,1,1\r\nbad,2,9\r\n",
            "row 3, line 3, column 3 (impact): invalid impact \"9\"",
        ),
        (
            "lf.csv",
            "title,likelihood,impact\nok,1,1\nbad,2,9\n",
            "row 3, line 3, column 3 (impact): invalid impact \"9\"",
        ),
        (
            "multiline.csv",
            "title,likelihood,impact,description\nok,1,1,\"two\nlines\"\nbad,2,9,\n",
            "row 3, line 4, column 3 (impact): invalid impact \"9\"",
        ),
        (
            "multiline-crlf.csv",
            "title,likelihood,impact,description\r\nok,1,1,\"two\r\nlines\"\r\nbad,2,9,\r\n",
            "row 3, line 4, column 3 (impact): invalid impact \"9\"",
        ),
        (
            "ragged-crlf.csv",
            "title,likelihood,impact\r\nok,1,1\r\nshort,2\r\n",
            "row 3, line 3: expected 3 fields, found 2",
        ),
    ] {
        let file = reg.write(name, body);
        let message = stderr(&reg.fails(&["import", file.to_str().unwrap()], 65));
        assert!(message.contains(expected), "{name}: {message}");
    }
    assert_eq!(reg.count("SELECT count(*) FROM risk"), 0);
}

/// What a spreadsheet did to a file gets its own message: a byte-order mark read as
/// Latin-1, UTF-16, Windows-1252; a semicolon- or tab-separated file is read.
#[test]
fn each_spreadsheet_mangling_gets_its_own_message() {
    let reg = Reg::new();
    let bom = reg.write(
        "bom.csv",
        "ï»¿\"id\",\"title\",\"likelihood\",\"impact\"\n,x,1,1\n",
    );
    for args in [vec![], vec!["--ignore-unknown"]] {
        let mut all = vec!["import", bom.to_str().unwrap()];
        all.extend(args);
        let message = stderr(&reg.fails(&all, 65));
        assert!(
            message.contains(
                "the file starts with \"ï»¿\": its UTF-8 byte-order mark was read as Latin-1 and saved again"
            ),
            "{message}"
        );
    }
    let workbook = reg.write("risks.xlsx", b"PK\x03\x04\x14\0\0\0");
    let message = stderr(&reg.fails(&["import", workbook.to_str().unwrap()], 65));
    assert!(
        message.contains("the file is a zip archive but does not read as an .xlsx workbook"),
        "{message}"
    );
    let message = stderr(&reg.fails(
        &[
            "import",
            workbook.to_str().unwrap(),
            "--input-format",
            "csv",
        ],
        65,
    ));
    assert!(
        message.contains(
            "the file is a workbook (a zip archive, as .xlsx and .ods are), not CSV or JSON"
        ),
        "{message}"
    );
    let utf16 = reg.write("utf16.csv", b"\xFE\xFF\0t\0i\0t\0l\0e");
    let message = stderr(&reg.fails(&["import", utf16.to_str().unwrap()], 65));
    assert!(message.contains("the file is UTF-16 encoded"), "{message}");
    let cp1252 = reg.write(
        "cp1252.csv",
        b"title,likelihood,impact\n\x93Caf\xE9\x94 down,2,2\n",
    );
    let message = stderr(&reg.fails(&["import", cp1252.to_str().unwrap()], 65));
    assert!(
        message.contains(
            "row 2, line 2, column 1 (title): the file is Windows-1252 text, not UTF-8 (byte 0x93 at offset 0 of the cell is '\u{201c}' in Windows-1252)"
        ),
        "{message}"
    );
    assert_eq!(reg.count("SELECT count(*) FROM risk"), 0);
    let semi = reg.write(
        "semi.csv",
        "title;likelihood;impact;description\r\nDNS, single provider;2;3;\"a; b\"\r\n",
    );
    let out = reg.ok(&["import", semi.to_str().unwrap()]);
    assert!(
        out.contains("read as separated by semicolons, as the header line is"),
        "{out}"
    );
    let tabs = reg.write(
        "tabs.tsv",
        "title\tlikelihood\timpact\nCache stampede\t4\t4\n",
    );
    let out = reg.ok(&["import", "--input-format", "csv", tabs.to_str().unwrap()]);
    assert!(out.contains("read as separated by tabs"), "{out}");
    assert_eq!(
        reg.titles(&["--all", "--sort", "id"]),
        ["DNS, single provider", "Cache stampede"]
    );
    assert_eq!(reg.json(&["show", "1"])["description"], "a; b");
}

/// `--ignore-unknown` skips columns riskreg does not know, never a known one whose name a
/// spreadsheet mangled.
#[test]
fn ignore_unknown_refuses_a_mangled_known_column() {
    let reg = Reg::new();
    let file = reg.write(
        "quoted.csv",
        "\"\"\"title\"\"\",likelihood,impact,notes\nx,1,1,n\n",
    );
    let message = stderr(&reg.fails(&["import", file.to_str().unwrap(), "--ignore-unknown"], 65));
    assert!(
        message.contains(
            "row 1, line 1: column '\"title\"' (column 1) looks like 'title' mangled by a spreadsheet"
        ),
        "{message}"
    );
    let fine = reg.write("notes.csv", "title,likelihood,impact,notes\nx,1,1,n\n");
    let out = reg.ok(&["import", fine.to_str().unwrap(), "--ignore-unknown"]);
    assert!(out.contains("ignored columns: notes"), "{out}");
}

/// Markdown output escapes the user's text: no emphasis, link, image or HTML comes alive.
#[test]
fn markdown_escapes_the_users_text() {
    let reg = Reg::new();
    reg.add(
        "**x** [click](javascript:alert(1)) <img src=x>",
        4,
        4,
        &["--owner", "a_b"],
    );
    let md = reg.ok(&["export", "--format", "md"]);
    assert!(
        md.contains("\\*\\*x\\*\\* \\[click\\](javascript:alert(1)) &lt;img src=x&gt;"),
        "{md}"
    );
    assert!(md.contains("a\\_b"), "{md}");
    let report = reg.ok(&["report", "--format", "md"]);
    assert!(report.contains("\\*\\*x\\*\\* \\[click\\]"), "{report}");
}

/// `-o FILE` takes the format from the extension; a `--format` that contradicts it, or a
/// workbook riskreg does not write, is a usage error (exit 2) and writes nothing.
#[test]
fn the_output_format_comes_from_the_extension() {
    let reg = Reg::new();
    reg.add("Disk fills", 3, 3, &[]);
    let md = reg.path("out.md");
    reg.ok(&["export", "-o", md.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&md).unwrap().starts_with("| "));
    let json = reg.path("out.json");
    let message = stderr(&reg.fails(
        &["export", "-o", json.to_str().unwrap(), "--format", "csv"],
        2,
    ));
    assert!(
        message.contains("--format csv contradicts the file name")
            && message.contains("(a .json file)"),
        "{message}"
    );
    assert!(!json.exists());
    let xls = reg.path("out.xls");
    let message = stderr(&reg.fails(&["export", "-o", xls.to_str().unwrap()], 2));
    assert!(message.contains("does not write .xls files"), "{message}");
    assert!(!xls.exists());
    let xlsx = reg.path("out.xlsx");
    reg.ok(&["export", "-o", xlsx.to_str().unwrap()]);
    assert!(
        std::fs::read(&xlsx).unwrap().starts_with(b"PK\x03\x04"),
        "a workbook, not CSV"
    );
    let actions = reg.path("actions.json");
    let message = stderr(&reg.fails(
        &[
            "action",
            "list",
            "-o",
            actions.to_str().unwrap(),
            "--format",
            "md",
        ],
        2,
    ));
    assert!(message.contains("--format md contradicts"), "{message}");
}

/// `--columns` chooses and orders the columns of CSV and Markdown; such a CSV imports back.
#[test]
fn columns_choose_and_order_csv_and_markdown() {
    let reg = Reg::new();
    reg.add(
        "Disk fills",
        3,
        4,
        &["--owner", "ana", "--description", "long text"],
    );
    let csv = reg.ok(&["export", "--columns", "title, Owner,id,likelihood,impact"]);
    assert_eq!(
        csv,
        "\u{feff}\"title\",\"owner\",\"id\",\"likelihood\",\"impact\"\r\n\"Disk fills\",\"ana\",\"1\",\"3\",\"4\"\r\n"
    );
    let md = reg.ok(&["export", "--format", "md", "--columns", "id,band,title"]);
    assert_eq!(
        md,
        "| id | band | title |\n| --- | --- | --- |\n| 1 | high | Disk fills |\n"
    );
    let file = reg.write("back.csv", csv.replace("\"3\"", "\"5\""));
    reg.ok(&["import", file.to_str().unwrap()]);
    let risk = reg.json(&["show", "1"]);
    assert_eq!(risk["likelihood"], 5);
    assert_eq!(
        risk["description"], "long text",
        "a column left out is left alone"
    );
    let message = stderr(&reg.fails(&["export", "--columns", "id,titel"], 2));
    assert!(
        message.contains(
            "--columns: unknown column 'titel'; did you mean 'title'?; the columns are id,title,"
        ),
        "{message}"
    );
    let message = stderr(&reg.fails(&["export", "--format", "ndjson", "--columns", "id"], 2));
    assert!(
        message.contains("JSON always carries every field"),
        "{message}"
    );
}
