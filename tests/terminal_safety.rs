//! Text from the database never acts on the terminal (RELIABILITY.md §4): escapes and bidi
//! controls are shown escaped, JSON stays lossless but safe, input refuses them, and tables
//! line up whatever the script.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use common::{Reg, json_error, on_pty, stderr};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

const HOSTILE_TITLE: &str = "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31mred";
const HOSTILE_OWNER: &str = "\u{9b}31m";
const BIDI: &str = "invoice \u{202e}fdp.exe";

/// A register holding text that riskreg's own input validation would refuse, as another
/// program (or an older version) might have written it.
fn hostile_register() -> Reg {
    let reg = Reg::new();
    reg.add("placeholder", 4, 5, &[]);
    reg.conn()
        .execute(
            "UPDATE risk SET title = ?1, owner = ?2, description = ?3 WHERE id = 1",
            [HOSTILE_TITLE, HOSTILE_OWNER, BIDI],
        )
        .unwrap();
    reg
}

fn has_raw_controls(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
        || bytes.contains(&0x07)
        || bytes
            .windows(2)
            .any(|w| w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]))
        || bytes.windows(3).any(|w| w == "\u{202e}".as_bytes())
}

/// ESC-1: a table on a terminal shows escapes escaped and sends none raw.
#[test]
fn esc_1_table_on_a_terminal_escapes_control_sequences() {
    let reg = hostile_register();
    let bytes = on_pty(&reg, &format!("{} list --color=never", common::BIN));
    assert!(
        !has_raw_controls(&bytes),
        "raw control bytes reached the terminal: {:?}",
        String::from_utf8_lossy(&bytes)
    );
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("\\u{1b}]0;PWNED"), "{text}");
    let show = on_pty(&reg, &format!("{} show 1", common::BIN));
    assert!(
        !has_raw_controls(&show),
        "{:?}",
        String::from_utf8_lossy(&show)
    );
    assert!(String::from_utf8_lossy(&show).contains("\\u{202e}fdp.exe"));
}

/// ESC-2: JSON carries the exact strings, with the dangerous characters as \u escapes.
#[test]
fn esc_2_json_is_lossless_and_terminal_safe() {
    let reg = hostile_register();
    let out = reg
        .cmd()
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(!has_raw_controls(&out.stdout));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    for escaped in ["\\u001b", "\\u009b", "\\u202e", "\\u0007"] {
        assert!(text.contains(escaped), "{escaped} missing in {text}");
    }
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parsed[0]["title"], HOSTILE_TITLE);
    assert_eq!(parsed[0]["owner"], HOSTILE_OWNER);
    assert_eq!(parsed[0]["description"], BIDI);
}

/// ESC-4: an error that echoes input escapes it too, in text and in JSON.
#[test]
fn esc_4_errors_that_echo_input_are_escaped() {
    let reg = Reg::new();
    let out = reg.fails(&["show", "\u{1b}[2J"], 2);
    assert!(!out.stderr.contains(&0x1b));
    assert!(stderr(&out).contains("\\u{1b}[2J"), "{}", stderr(&out));
    let out = reg.fails(&["show", "\u{1b}[2J", "--format", "json"], 2);
    let err = json_error(&out);
    assert!(!out.stderr.contains(&0x1b));
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\\u{1b}[2J"),
        "{err}"
    );
    let out = reg.fails(&["--bogus\u{1b}[2J"], 2);
    assert!(
        !out.stderr.contains(&0x1b),
        "clap's own message is escaped: {}",
        stderr(&out)
    );
}

/// ESC-5: one-line fields refuse control and bidi characters, naming the code point and
/// where it is.
#[test]
fn esc_5_one_line_fields_refuse_bidi_and_escapes() {
    let reg = Reg::new();
    let out = reg.fails(&["add", "--title", "a\u{202e}b", "-l", "1", "-i", "1"], 65);
    let message = stderr(&out);
    assert!(
        message.contains("U+202E") && message.contains("character 2"),
        "{message}"
    );
    let out = reg.fails(
        &[
            "add",
            "ok",
            "-l",
            "1",
            "-i",
            "1",
            "--owner",
            "x\u{1b}[31m",
            "--format",
            "json",
        ],
        65,
    );
    let err = json_error(&out);
    assert_eq!(err["error"]["code"], "invalid_field");
    assert_eq!(err["error"]["details"]["field"], "owner");
    assert!(
        !reg.db.exists(),
        "refused before the register was even created"
    );
}

/// WIDTH-1: wide, combining and emoji titles keep the table aligned, and a cut title is cut
/// between graphemes.
#[test]
fn width_1_tables_align_with_wide_and_combining_text() {
    let reg = Reg::new();
    let titles = [
        "風險評估",
        "🔥 outage",
        "👩\u{200d}💻 oncall paged at 3am for a full region failover drill that never ends",
        "⌨\u{fe0f}",
        "e\u{301}",
        "plain ascii",
    ];
    for (i, t) in titles.iter().enumerate() {
        reg.add(t, 1 + (i % 5) as u8, 2, &[]);
    }
    // Input is stored in NFC: e + U+0301 comes back as é.
    let titles: Vec<String> = titles.iter().map(|t| t.nfc().collect()).collect();
    let out = reg
        .cmd()
        .env("COLUMNS", "80")
        .args(["list"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), titles.len() + 1);
    let width = lines[0].width();
    assert!(width <= 80);
    for line in &lines {
        assert_eq!(line.width(), width, "misaligned: {line:?}");
    }
    let split = |line: &str| -> Vec<String> {
        line.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    let title_column = split(lines[0]).iter().position(|h| h == "TITLE").unwrap();
    for line in &lines[1..] {
        let cells = split(line);
        let shown = cells[title_column].as_str();
        let original = titles.iter().find(|t| {
            let prefix = shown.strip_suffix('…').unwrap_or(shown);
            t.starts_with(prefix)
        });
        let original = original.unwrap_or_else(|| panic!("{shown:?} is not a title prefix"));
        if let Some(prefix) = shown.strip_suffix('…') {
            let graphemes: Vec<&str> = original.graphemes(true).collect();
            let kept = prefix.graphemes(true).count();
            assert_eq!(
                graphemes[..kept].concat(),
                prefix,
                "cut inside a grapheme: {shown:?}"
            );
        } else {
            assert_eq!(shown, original.as_str());
        }
    }
}
