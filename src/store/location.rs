//! Where a register lives: an SQLite file, or a PostgreSQL database named by a URL whose
//! password is never shown (`postgres://u:****@host/db`).

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

/// A register's place, from `--db` or `$RISKREG_DB`.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Postgres(PgUrl),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is a PostgreSQL database; anything else a file.
    pub fn parse(value: &OsStr) -> Location {
        match value.to_str() {
            Some(s) if PgUrl::is_url(s) => Location::Postgres(PgUrl(s.to_string())),
            _ => Location::File(PathBuf::from(value)),
        }
    }

    /// The file, for an SQLite register.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Location {
        Location::parse(path.as_os_str())
    }
}

impl From<&PathBuf> for Location {
    fn from(path: &PathBuf) -> Location {
        Location::parse(path.as_os_str())
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Location {
        Location::parse(path.as_os_str())
    }
}

impl From<&Location> for Location {
    fn from(location: &Location) -> Location {
        location.clone()
    }
}

/// Shown as the path, or as the URL without its password.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => write!(f, "{url}"),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

/// A PostgreSQL connection URL. Its `Display` and `Debug` hide the password; only the
/// connection itself reads [`PgUrl::secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl(String);

impl PgUrl {
    pub fn is_url(s: &str) -> bool {
        let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
        lower.starts_with("postgres://") || lower.starts_with("postgresql://")
    }

    /// The URL as given, password included: for connecting, never for showing.
    pub(crate) fn secret(&self) -> &str {
        &self.0
    }

    /// The URL with its password (in the user part or a `password=` parameter) replaced by
    /// `****`.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgUrl({})", self.redacted())
    }
}

/// `scheme://user:secret@host/db?password=secret` → `scheme://user:****@host/db?password=****`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.find('/') {
        Some(i) => before_query.split_at(i),
        None => (before_query, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:****@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_string(),
    };
    let mut out = format!("{scheme}://{authority}{path}");
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=****"),
                _ => p.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_shown() {
        let cases = [
            (
                "postgres://alice:s3cr%40t@db.example:5432/risk?sslmode=require",
                "postgres://alice:****@db.example:5432/risk?sslmode=require",
            ),
            (
                "postgresql://alice@db/risk?password=hunter2&sslmode=disable",
                "postgresql://alice@db/risk?password=****&sslmode=disable",
            ),
            ("postgres://db/risk", "postgres://db/risk"),
            ("postgres://a:b:c@h/d", "postgres://a:****@h/d"),
            ("postgres://a:p@ss@h/d", "postgres://a:****@h/d"),
        ];
        for (url, shown) in cases {
            let url = PgUrl(url.to_string());
            assert_eq!(url.to_string(), shown);
            assert_eq!(format!("{url:?}"), format!("PgUrl({shown})"));
        }
    }

    #[test]
    fn a_url_is_postgres_and_anything_else_a_file() {
        assert!(matches!(
            Location::parse(OsStr::new("POSTGRES://h/d")),
            Location::Postgres(_)
        ));
        assert!(matches!(
            Location::parse(OsStr::new("postgresql://h/d")),
            Location::Postgres(_)
        ));
        assert!(matches!(
            Location::parse(OsStr::new("./postgres:/x.db")),
            Location::File(_)
        ));
    }
}
