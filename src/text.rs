//! Text that reaches a terminal: sanitizing untrusted strings and fitting them to a width.
//!
//! Every human-facing path (tables, `show`, error messages, the TUI) passes database text
//! through [`sanitize`] or [`sanitize_line`], so stored data can never act as terminal commands
//! (escape sequences, C1 controls) or reorder what is displayed (bidi overrides).

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Bidirectional formatting characters (Trojan Source, CVE-2021-42574). They are `Cf`, not
/// `Cc`, so `char::is_control` misses them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The Unicode line and paragraph separators (U+2028, U+2029): line breaks that are not
/// control characters, so `char::is_control` misses them too; a terminal or a layout that
/// takes them for a break draws the rest of the text on another line.
pub fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Characters that are never shown raw: C0, DEL, C1, bidi controls and line separators.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_line_separator(c)
}

/// Makes text safe for a terminal while keeping line breaks: tabs become spaces and every
/// other unsafe character is shown escaped as `\u{1b}`. Borrows when nothing needs changing.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    escape_unsafe(s, false)
}

/// Like [`sanitize`], for one-line contexts such as table cells: a line break becomes `↵`.
pub fn sanitize_line(s: &str) -> Cow<'_, str> {
    escape_unsafe(s, true)
}

fn escape_unsafe(s: &str, single_line: bool) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if single_line => out.push('↵'),
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if is_unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Input echoed back in a message: one line, escaped, and cut to a readable length, so an
/// error about a 50 KB argument is still one short line.
pub fn echo(s: &str) -> String {
    truncate(&sanitize_line(s), ECHO_MAX).into_owned()
}

/// How many columns of an input an error message repeats.
pub const ECHO_MAX: usize = 60;

/// The number of terminal columns `s` occupies.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` columns, on a grapheme boundary, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let budget = max - 1; // room for the ellipsis
    let mut used = 0;
    let mut out = String::new();
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w > budget {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    Cow::Owned(out)
}

/// Horizontal alignment of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Truncates and pads `s` to exactly `cols` columns.
pub fn fit(s: &str, cols: usize, align: Align) -> String {
    let cut = truncate(s, cols);
    let pad = cols.saturating_sub(width(&cut));
    match align {
        Align::Left => format!("{cut}{}", " ".repeat(pad)),
        Align::Right => format!("{}{cut}", " ".repeat(pad)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sanitize_borrows_clean_text() {
        assert!(matches!(sanitize("plain café 日本"), Cow::Borrowed(_)));
    }

    #[test]
    fn sanitize_escapes_c0_c1_del_and_bidi() {
        let s = sanitize("\u{1b}]0;x\u{7}\u{9b}31m\u{7f}a\u{202e}b");
        assert_eq!(s, "\\u{1b}]0;x\\u{7}\\u{9b}31m\\u{7f}a\\u{202e}b");
    }

    #[test]
    fn echoed_input_is_one_short_line() {
        assert_eq!(echo("a\nb"), "a↵b");
        let long = "x".repeat(50_000);
        assert_eq!(width(&echo(&long)), ECHO_MAX);
        assert!(echo(&long).ends_with('…'));
    }

    #[test]
    fn line_separators_are_escaped_on_every_path() {
        assert_eq!(sanitize("a\u{2028}b\u{2029}c"), "a\\u{2028}b\\u{2029}c");
        assert_eq!(sanitize_line("a\u{2028}b"), "a\\u{2028}b");
        assert!(is_unsafe_char('\u{2028}') && is_unsafe_char('\u{2029}'));
    }

    #[test]
    fn sanitize_keeps_newlines_but_line_variant_marks_them() {
        assert_eq!(sanitize("a\nb\tc"), "a\nb c");
        assert_eq!(sanitize_line("a\nb"), "a↵b");
    }

    #[test]
    fn truncate_respects_wide_characters_and_graphemes() {
        assert_eq!(truncate("風險評估", 5), "風險…");
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 1), "…");
        assert_eq!(truncate("abcd", 0), "");
    }

    #[test]
    fn fit_pads_to_exact_width() {
        assert_eq!(fit("ab", 4, Align::Left), "ab  ");
        assert_eq!(fit("ab", 4, Align::Right), "  ab");
        assert_eq!(width(&fit("👩‍💻 oncall", 5, Align::Left)), 5);
    }

    proptest! {
        /// WIDTH-3: truncation at any width never panics and never exceeds the width.
        #[test]
        fn width_3_truncate_never_exceeds(s in "\\PC{0,40}", max in 0usize..6) {
            let t = truncate(&s, max);
            prop_assert!(width(&t) <= max);
            prop_assert_eq!(width(&fit(&s, max, Align::Left)), max);
        }

        #[test]
        fn sanitized_text_has_no_unsafe_chars(s in any::<String>()) {
            let clean = sanitize_line(&s);
            prop_assert!(!clean.chars().any(is_unsafe_char));
        }
    }
}
