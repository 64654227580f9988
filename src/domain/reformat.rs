//! What a spreadsheet does to a cell when it only opens and saves a file: drops a number's
//! leading zeros (`007` → `7`), rewrites a number (`1e5` → `1.00E+05`, `3` → `3.0`) or a
//! date (`2026-01-05` → `1/5/2026`). An import that took such a cell for an edit would
//! change data nobody touched, so these are told apart from real edits.

use jiff::civil::Date;
use serde::Serialize;

/// How a cell was rewritten without anyone editing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reformat {
    LeadingZeros,
    Number,
    Date,
}

impl Reformat {
    pub fn reason(self) -> &'static str {
        match self {
            Reformat::LeadingZeros => "leading zeros dropped",
            Reformat::Number => "the same number written another way",
            Reformat::Date => "the same date written another way",
        }
    }
}

/// Whether the sheet's text is the register's text only reformatted by a spreadsheet.
pub fn reformatted(register: &str, sheet: &str) -> Option<Reformat> {
    let (register, sheet) = (register.trim(), sheet.trim());
    if register == sheet || register.is_empty() || sheet.is_empty() {
        return None;
    }
    if let (Some(a), Some(b)) = (number(register), number(sheet))
        && a == b
    {
        let digits = register.trim_start_matches(['-', '+']);
        let zeros = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
        return Some(if zeros {
            Reformat::LeadingZeros
        } else {
            Reformat::Number
        });
    }
    let day = register.parse::<Date>().ok()?;
    spreadsheet_dates(sheet)
        .contains(&day)
        .then_some(Reformat::Date)
}

/// A finite number written any way a spreadsheet writes one.
fn number(s: &str) -> Option<f64> {
    let n = s.parse::<f64>().ok()?;
    let plain = s.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c));
    (n.is_finite() && plain).then_some(n)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Every date `s` can mean as spreadsheets write dates: ISO with a time of day, `M/D/Y`
/// and `D/M/Y` (slashes, dots or hyphens; two-digit years in this century), `Y/M/D`, and
/// `D-Mon-Y`.
fn spreadsheet_dates(s: &str) -> Vec<Date> {
    let head = s.split([' ', 'T']).next().unwrap_or(s);
    let parts: Vec<&str> = head.split(['/', '.', '-']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Vec::new();
    };
    let year = |y: &str| -> Option<i16> {
        let n: i16 = y.parse().ok()?;
        match y.len() {
            2 => Some(2000 + n),
            4 => Some(n),
            _ => None,
        }
    };
    let num = |x: &str| x.parse::<i8>().ok();
    let month = |x: &str| {
        num(x).or_else(|| {
            let lower = x.to_ascii_lowercase();
            MONTHS
                .iter()
                .position(|m| lower.starts_with(m))
                .and_then(|i| i8::try_from(i + 1).ok())
        })
    };
    let mut out = Vec::new();
    let mut try_date = |y: Option<i16>, m: Option<i8>, d: Option<i8>| {
        if let (Some(y), Some(m), Some(d)) = (y, m, d)
            && let Ok(date) = Date::new(y, m, d)
        {
            out.push(date);
        }
    };
    if a.len() == 4 {
        try_date(year(a), month(b), num(c));
    } else {
        try_date(year(c), month(a), num(b));
        try_date(year(c), month(b), num(a));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_rewrites_are_recognised() {
        assert_eq!(reformatted("007", "7"), Some(Reformat::LeadingZeros));
        assert_eq!(reformatted("1e5", "1.00E+05"), Some(Reformat::Number));
        assert_eq!(reformatted("100000", "1.00E+05"), Some(Reformat::Number));
        assert_eq!(reformatted("3", "3.0"), Some(Reformat::Number));
        for sheet in [
            "1/5/2026",
            "05/01/2026",
            "5.1.26",
            "2026/01/05",
            "05-Jan-2026",
            "2026-01-05 00:00:00",
        ] {
            assert_eq!(
                reformatted("2026-01-05", sheet),
                Some(Reformat::Date),
                "{sheet}"
            );
        }
    }

    #[test]
    fn real_edits_are_not_reformatting() {
        assert_eq!(reformatted("007", "8"), None);
        assert_eq!(reformatted("3", "3.5"), None);
        assert_eq!(reformatted("2026-01-05", "1/6/2026"), None);
        assert_eq!(reformatted("", "7"), None);
        assert_eq!(reformatted("ana", "bob"), None);
        assert_eq!(reformatted("7", "7"), None);
        assert_eq!(reformatted("inf", "infinity"), None);
    }
}
