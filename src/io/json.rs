//! JSON that is lossless and safe to print on a terminal.
//!
//! serde_json escapes only U+0000–U+001F, `"` and `\`; DEL, C1 controls (U+009B is an 8-bit
//! CSI) and bidi overrides would reach a terminal raw. This formatter writes them, and the
//! JavaScript-hostile U+2028/U+2029, as `\uXXXX`: the same JSON value, harmless bytes.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use crate::text::is_bidi_control;

fn needs_escape(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}') || is_bidi_control(c)
}

/// Wraps a serde_json formatter and escapes what terminals must not see raw.
struct Safe<F>(F);

macro_rules! delegate {
    ($($name:ident $(($arg:ident: $t:ty))?),* $(,)?) => {
        $(
            fn $name<W: ?Sized + Write>(&mut self, w: &mut W $(, $arg: $t)?) -> io::Result<()> {
                self.0.$name(w $(, $arg)?)
            }
        )*
    };
}

impl<F: Formatter> Formatter for Safe<F> {
    delegate!(
        begin_array,
        end_array,
        begin_array_value(first: bool),
        end_array_value,
        begin_object,
        end_object,
        begin_object_key(first: bool),
        end_object_key,
        begin_object_value,
        end_object_value,
    );

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if fragment.is_ascii() && !fragment.contains('\u{7f}') {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

/// One value as compact, terminal-safe JSON (no trailing newline).
pub fn write_compact<W: Write, T: Serialize + ?Sized>(w: &mut W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Safe(CompactFormatter));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// One value as indented, terminal-safe JSON, followed by a newline.
pub fn write_pretty<W: Write, T: Serialize + ?Sized>(w: &mut W, value: &T) -> io::Result<()> {
    {
        let mut ser = serde_json::Serializer::with_formatter(&mut *w, Safe(PrettyFormatter::new()));
        value.serialize(&mut ser).map_err(io::Error::from)?;
    }
    w.write_all(b"\n")
}

/// A value as compact, terminal-safe JSON text.
pub fn to_compact_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut buf = Vec::new();
    match write_compact(&mut buf, value) {
        Ok(()) => String::from_utf8_lossy(&buf).into_owned(),
        Err(e) => format!(
            "{{\"error\":{{\"code\":\"internal\",\"message\":\"cannot encode JSON: {e}\"}}}}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_del_c1_bidi_and_keeps_the_value() {
        let s = "a\u{1b}[2J\u{7f}\u{9b}31m\u{202e}b\u{2028}日本";
        let out = to_compact_string(s);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{9b}') && !out.contains('\u{202e}'));
        assert!(
            out.contains("\\u001b") && out.contains("\\u009b") && out.contains("\\u202e"),
            "{out}"
        );
        assert!(out.contains("日本"));
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn pretty_is_indented_and_safe() {
        let mut buf = Vec::new();
        write_pretty(&mut buf, &serde_json::json!({"a": ["\u{9b}"]})).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text, "{\n  \"a\": [\n    \"\\u009b\"\n  ]\n}\n");
    }
}
