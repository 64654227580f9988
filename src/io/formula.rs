//! Spreadsheet formula neutralization (OWASP CSV injection), as a reversible rule.
//!
//! Export: a text cell that begins with `= + - @`, tab, CR, LF or a full-width `＝ ＋ － ＠`,
//! after any leading apostrophes, gets one `'` prefixed. Import: a cell that begins with one
//! or more apostrophes followed by such a character loses exactly one. The pair is a
//! bijection on strings, so export → import is lossless: `'=x` exports as `''=x` and comes
//! back as `'=x`.

use std::borrow::Cow;

const TRIGGERS: [char; 11] = ['=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠'];

fn starts_with_trigger_after_apostrophes(s: &str) -> bool {
    s.trim_start_matches('\'')
        .chars()
        .next()
        .is_some_and(|c| TRIGGERS.contains(&c))
}

/// The cell as a spreadsheet may safely read it.
pub fn neutralize(s: &str) -> Cow<'_, str> {
    if starts_with_trigger_after_apostrophes(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Reverses [`neutralize`].
pub fn restore(s: &str) -> Cow<'_, str> {
    if s.starts_with('\'') && starts_with_trigger_after_apostrophes(s) {
        Cow::Borrowed(&s[1..])
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a cell would start a formula in a spreadsheet.
    fn is_live_formula(s: &str) -> bool {
        s.chars().next().is_some_and(|c| TRIGGERS.contains(&c))
    }
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(neutralize("=1+2"), "'=1+2");
        assert_eq!(neutralize("'=x"), "''=x");
        assert_eq!(neutralize("'plain"), "'plain");
        assert_eq!(neutralize("plain"), "plain");
        assert_eq!(neutralize("＝1"), "'＝1");
        assert_eq!(restore("''=x"), "'=x");
        assert_eq!(restore("'plain"), "'plain");
        assert_eq!(restore("'"), "'");
    }

    proptest! {
        #[test]
        fn neutralize_then_restore_is_identity(s in any::<String>()) {
            let cell = neutralize(&s);
            prop_assert_eq!(restore(&cell), s.as_str());
        }

        #[test]
        fn restore_then_neutralize_is_identity_on_neutral_cells(s in any::<String>()) {
            let cell = neutralize(&s);
            let restored = restore(&cell);
            prop_assert_eq!(neutralize(&restored), cell.as_ref());
            prop_assert!(!is_live_formula(&cell));
        }
    }
}
