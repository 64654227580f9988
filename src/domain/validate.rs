//! Validation of everything a person types into a risk, a team or a milestone. The CLI, the
//! importer and the TUI form all call these, so a value is either accepted everywhere or
//! refused everywhere with the same message.

use std::fmt;

use jiff::civil::Date;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::text::{is_bidi_control, is_unsafe_char};

pub const TITLE_MAX: usize = 200;
pub const LINE_MAX: usize = 200;
pub const NAME_MAX: usize = 100;
pub const TAG_MAX: usize = 40;
pub const DESCRIPTION_MAX: usize = 20_000;
/// A history note: one line, a sentence or two.
pub const NOTE_MAX: usize = 1_000;

/// A value refused by validation: which field, the value as given, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub value: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: &str, value: &str, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

impl std::error::Error for FieldError {}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.value.chars().take(60).collect();
        let ellipsis = if self.value.chars().count() > 60 {
            "…"
        } else {
            ""
        };
        write!(
            f,
            "invalid {} {shown:?}{ellipsis}: {}",
            self.field, self.reason
        )
    }
}

fn nfc(s: &str) -> String {
    if s.is_ascii() || unicode_normalization::is_nfc(s) {
        s.to_string()
    } else {
        s.nfc().collect()
    }
}

fn char_name(c: char) -> &'static str {
    match c {
        '\0' => "NUL",
        '\u{7}' => "BEL (bell)",
        '\t' => "TAB",
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\u{1b}' => "ESC (escape)",
        '\u{7f}' => "DEL",
        '\u{9b}' => "CSI (8-bit control sequence introducer)",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        c if is_bidi_control(c) => "a bidirectional formatting character",
        _ => "a control character",
    }
}

/// Refuses control and bidi characters, naming the first one and where it is.
fn refuse_unsafe(field: &str, original: &str, s: &str, allow: &[char]) -> Result<(), FieldError> {
    let printable_ascii =
        |b: &u8| (0x20..0x7f).contains(b) || (allow.contains(&char::from(*b)) && b.is_ascii());
    if s.bytes().all(|b| printable_ascii(&b)) {
        return Ok(());
    }
    match s
        .chars()
        .enumerate()
        .find(|(_, c)| is_unsafe_char(*c) && !allow.contains(c))
    {
        None => Ok(()),
        Some((i, c)) => Err(FieldError::new(
            field,
            original,
            format!(
                "contains U+{:04X} ({}) at character {}; control and bidirectional-formatting characters are not allowed{}",
                c as u32,
                char_name(c),
                i + 1,
                if allow.is_empty() {
                    " in a one-line field"
                } else {
                    ""
                }
            ),
        )),
    }
}

fn refuse_too_long(field: &str, original: &str, s: &str, max: usize) -> Result<(), FieldError> {
    if s.len() <= max {
        return Ok(()); // never more characters than bytes
    }
    let n = s.graphemes(true).count();
    if n > max {
        Err(FieldError::new(
            field,
            original,
            format!("is {n} characters long; the limit is {max}"),
        ))
    } else {
        Ok(())
    }
}

/// A one-line text field (category, service, owner, approver): NFC, trimmed, may be empty.
pub fn line(field: &str, s: &str, max: usize) -> Result<String, FieldError> {
    let v = nfc(s.trim());
    refuse_unsafe(field, s, &v, &[])?;
    refuse_too_long(field, s, &v, max)?;
    Ok(v)
}

/// A required one-line name (risk title, team, milestone).
pub fn name(field: &str, s: &str, max: usize) -> Result<String, FieldError> {
    let v = line(field, s, max)?;
    if v.is_empty() {
        return Err(FieldError::new(field, s, "must not be empty"));
    }
    Ok(v)
}

/// A risk title: required, one line, at most 200 characters.
pub fn title(s: &str) -> Result<String, FieldError> {
    name("title", s, TITLE_MAX)
}

/// The note a change carries into history (`--note`, the TUI's "why"): one line.
pub fn note(s: &str) -> Result<String, FieldError> {
    line("note", s, NOTE_MAX)
}

/// A comment on a risk: a note that says something.
pub fn comment(s: &str) -> Result<String, FieldError> {
    let v = line("comment", s, NOTE_MAX)?;
    if v.is_empty() {
        return Err(FieldError::new("comment", s, "must not be empty"));
    }
    Ok(v)
}

/// The longest link (a URL) riskreg keeps.
pub const LINK_MAX: usize = 2_000;

/// A link: an `http`/`https` URL, or a ticket key such as `PLAT-1234`. Empty clears it.
pub fn link(s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    refuse_unsafe("link", s, t, &[])?;
    refuse_too_long("link", s, t, LINK_MAX)?;
    let lower = t.to_ascii_lowercase();
    let url = ["http://", "https://"]
        .iter()
        .find_map(|scheme| lower.starts_with(scheme).then(|| &t[scheme.len()..]));
    let ok = match url {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !t.contains(char::is_whitespace)
        }
        None => is_ticket_key(t),
    };
    if ok {
        Ok(t.to_string())
    } else {
        Err(FieldError::new(
            "link",
            s,
            "a link is an http:// or https:// URL (without spaces) or a ticket key such as PLAT-1234",
        ))
    }
}

/// Links as typed, one a line: `URL` or `URL label` (a URL holds no spaces). Blank lines
/// are skipped; a URL given twice is kept once, with its last label.
pub fn links(s: &str) -> Result<Vec<crate::domain::Link>, FieldError> {
    let mut out: Vec<crate::domain::Link> = Vec::new();
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (url, label) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let url = link(url)?;
        let label = self::line("label", label, LINE_MAX)?;
        match out.iter_mut().find(|l| l.url == url) {
            Some(existing) => existing.label = label,
            None => out.push(crate::domain::Link { url, label }),
        }
    }
    Ok(out)
}

/// `PLAT-1234`: letters (then letters, digits or `_`), a dash, digits.
fn is_ticket_key(s: &str) -> bool {
    let Some((project, number)) = s.split_once('-') else {
        return false;
    };
    project
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && project
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

/// A description: may span lines (line endings, and the Unicode line and paragraph
/// separators, become `\n`) and hold tabs; nothing else that controls a terminal.
pub fn description(s: &str) -> Result<String, FieldError> {
    let v = nfc(&s
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n"));
    refuse_unsafe("description", s, &v, &['\n', '\t'])?;
    refuse_too_long("description", s, &v, DESCRIPTION_MAX)?;
    Ok(v)
}

/// Tags from any mix of comma- and space-separated lists: lower-case, sorted, unique.
pub fn tags<'a>(lists: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, FieldError> {
    let mut out = Vec::new();
    for list in lists {
        for raw in list.split(|c: char| c == ',' || c.is_whitespace()) {
            if raw.is_empty() {
                continue;
            }
            out.push(tag(raw)?);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// One tag: a single lower-case word without commas or spaces.
pub fn tag(s: &str) -> Result<String, FieldError> {
    let v = line("tag", s, TAG_MAX)?.to_lowercase();
    if v.is_empty() || v.contains(|c: char| c == ',' || c.is_whitespace()) {
        return Err(FieldError::new(
            "tag",
            s,
            "must be one word without spaces or commas",
        ));
    }
    Ok(v)
}

/// A calendar date, strictly `YYYY-MM-DD` (a real date: 2026-02-30 is refused).
pub fn date(field: &str, s: &str) -> Result<Date, FieldError> {
    let t = s.trim();
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(FieldError::new(field, s, "expected a date as YYYY-MM-DD"));
    }
    t.parse::<Date>().map_err(|_| {
        FieldError::new(
            field,
            s,
            "is not a real calendar date (expected YYYY-MM-DD)",
        )
    })
}

/// A date as spreadsheets save it: `YYYY-MM-DD`, optionally followed by a time of day,
/// which is ignored.
pub fn date_lenient(field: &str, s: &str) -> Result<Date, FieldError> {
    let t = s.trim();
    match t.get(..10) {
        Some(head) if t.len() == 10 || t[10..].starts_with([' ', 'T', 't']) => date(field, head),
        _ => date(field, s),
    }
}

/// An optional date: empty means none.
pub fn optional_date(field: &str, s: &str) -> Result<Option<Date>, FieldError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        date(field, s).map(Some)
    }
}

/// A moment in time, returned as RFC 3339 UTC with whole seconds. Accepts RFC 3339 with any
/// offset, `YYYY-MM-DD HH:MM:SS` (taken as UTC) and a bare date (midnight UTC).
pub fn timestamp(field: &str, s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    let parsed = t.parse::<jiff::Timestamp>().ok().or_else(|| {
        t.parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|dt| dt.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    });
    let ts = match parsed {
        Some(ts) => ts,
        None if t.len() == 10 => date(field, t)?
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .map_err(|_| FieldError::new(field, s, "is out of range"))?
            .timestamp(),
        None => {
            return Err(FieldError::new(
                field,
                s,
                "expected an RFC 3339 time such as 2026-11-24T09:30:00Z",
            ));
        }
    };
    Ok(format_timestamp(ts))
}

/// RFC 3339 UTC with whole seconds, the register's one timestamp format.
pub fn format_timestamp(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_normalised_and_bounded() {
        assert_eq!(title("  Disk fills  ").unwrap(), "Disk fills");
        assert_eq!(title("cafe\u{301}").unwrap(), "café");
        assert!(title("   ").is_err());
        assert!(title(&"x".repeat(200)).is_ok());
        let err = title(&"x".repeat(201)).unwrap_err();
        assert!(err.reason.contains("201 characters"), "{}", err.reason);
        assert!(
            title(&"日".repeat(200)).is_ok(),
            "the limit counts characters, not bytes"
        );
    }

    #[test]
    fn one_line_fields_name_the_forbidden_character() {
        let err = title("a\u{202e}b").unwrap_err();
        assert!(err.reason.contains("U+202E"), "{}", err.reason);
        assert!(err.reason.contains("character 2"), "{}", err.reason);
        for bad in [
            "a\u{1b}[2J",
            "a\nb",
            "a\tb",
            "x\u{9b}",
            "\u{7f}",
            "a\u{0}b",
            "\u{2067}x",
            "a\u{2028}b",
            "a\u{2029}b",
        ] {
            assert!(line("owner", bad, LINE_MAX).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn links_are_http_urls_or_ticket_keys() {
        assert_eq!(
            link(" https://wiki.example.com/pm/41 ").unwrap(),
            "https://wiki.example.com/pm/41"
        );
        assert_eq!(link("HTTP://x.io").unwrap(), "HTTP://x.io");
        assert_eq!(link("PLAT-1234").unwrap(), "PLAT-1234");
        assert_eq!(link("").unwrap(), "");
        for bad in [
            "javascript:alert(1)",
            "https://",
            "https://has space.example.com",
            "ftp://x.example.com",
            "PLAT-",
            "-12",
            "1PLAT-12",
            "see the wiki",
            "https://x.io/\u{1b}[2J",
        ] {
            let e = link(bad).unwrap_err();
            assert_eq!(e.field, "link", "{bad}");
        }
    }

    #[test]
    fn descriptions_keep_lines_and_tabs_but_not_escapes() {
        assert_eq!(description("a\r\nb\rc\td").unwrap(), "a\nb\nc\td");
        assert_eq!(description("a\u{2028}b\u{2029}c").unwrap(), "a\nb\nc");
        assert!(description("a\u{1b}[31m").is_err());
    }

    #[test]
    fn tags_split_lowercase_sort_and_dedupe() {
        assert_eq!(tags(["DB, net", "db auth"]).unwrap(), ["auth", "db", "net"]);
        assert!(tags(["ok", "a\u{1b}"]).is_err());
        assert!(tags([""]).unwrap().is_empty());
    }

    #[test]
    fn dates_are_strict_and_real() {
        assert_eq!(
            date("due", "2026-11-24").unwrap(),
            jiff::civil::date(2026, 11, 24)
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-11-24",
            "2026/11/24",
            "24.11.2026",
            "",
            "2026-11-24T00:00",
        ] {
            assert!(date("due", bad).is_err(), "{bad:?}");
        }
        assert_eq!(date("due", "2026-02-30").unwrap_err().field, "due");
        assert_eq!(
            date_lenient("due", "2026-11-24 00:00:00").unwrap(),
            jiff::civil::date(2026, 11, 24)
        );
        assert!(date_lenient("due", "2026-11-24x").is_err());
        assert_eq!(optional_date("due", " ").unwrap(), None);
    }

    #[test]
    fn timestamps_normalise_to_utc_seconds() {
        assert_eq!(
            timestamp("created_at", "2026-01-02T03:04:05Z").unwrap(),
            "2026-01-02T03:04:05Z"
        );
        assert_eq!(
            timestamp("created_at", "2026-01-02T03:04:05.9+01:00").unwrap(),
            "2026-01-02T02:04:05Z"
        );
        assert_eq!(
            timestamp("created_at", "2026-01-02 03:04:05").unwrap(),
            "2026-01-02T03:04:05Z"
        );
        assert_eq!(
            timestamp("created_at", "2026-01-02").unwrap(),
            "2026-01-02T00:00:00Z"
        );
        assert!(timestamp("created_at", "yesterday").is_err());
    }
}
