//! Every way a command can fail, each with its exit code (sysexits-style, see DESIGN.md) and
//! the stable `code` that `--format json` reports.

use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::domain::FieldError;
use crate::query::QueryError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The most columns of an input value an error's JSON details repeat.
const DETAIL_MAX: usize = 200;

/// The most columns of one error message: input echoed in it is cut long before this, and
/// this bounds whatever else a message could pick up.
pub const MESSAGE_MAX: usize = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line is wrong in a way clap cannot see (a missing --yes, a bad id).
    #[error("{0}")]
    Usage(String),
    /// clap's own message, made one line (see `riskreg COMMAND --help` for the usage).
    #[error("{0}")]
    CommandLine(String),
    #[error("invalid query: {0}")]
    Query(#[from] QueryError),
    #[error("{0}")]
    NotFound(String),
    /// A refused operation that retrying will not fix (a team still in use).
    #[error("{message}")]
    Refused { code: &'static str, message: String },
    #[error("{0}")]
    Field(#[from] FieldError),
    /// A CSV or JSON import file with a bad value or shape.
    #[error("{}{message}", if .location.is_empty() { String::new() } else { format!("{location}: ") })]
    Import {
        /// "line 7, column 3 (likelihood)", "record 2, field impact" or empty.
        location: String,
        line: Option<u64>,
        column: Option<String>,
        message: String,
    },
    /// Rows exported before someone else changed the same fields to other values: the
    /// import waits for a choice (`--on-conflict sheet|register`).
    #[error("{}", conflicts_message(.0))]
    ImportConflicts(Vec<crate::io::import::ImportConflict>),
    /// A write the database's own constraints refused (e.g. a foreign key).
    #[error("{0}")]
    Constraint(String),
    #[error("{message}")]
    Corrupt { message: String },
    #[error("{}: {message}", .path.display())]
    NotOurs { path: PathBuf, message: String },
    #[error("{message}")]
    InputMissing { path: PathBuf, message: String },
    #[error("{} already exists; use --force to replace it", .path.display())]
    OutputExists { path: PathBuf },
    #[error("cannot create {}: {message}", .path.display())]
    CannotCreate { path: PathBuf, message: String },
    #[error("{context}: {source}")]
    Io { context: String, source: io::Error },
    #[error("{0}")]
    Busy(String),
    #[error(
        "{entity} {id} was changed by someone else: you expected revision {expected}, it is now at {current}; run `riskreg {} {id}` and retry with the current revision",
        if *.entity == "action" { "action show" } else { "show" }
    )]
    RevisionConflict {
        /// "risk" or "action".
        entity: &'static str,
        id: i64,
        expected: i64,
        current: i64,
    },
    /// An error about one item of a change to many (`edit --where`): which one, and why.
    #[error("{what}: {source}")]
    Within { what: String, source: Box<Error> },
    #[error("{0}")]
    PermissionDenied(String),
    /// A database error that is none of the above.
    #[error("database error: {0}")]
    Database(String),
    #[error("internal error: {0}; please report this")]
    Internal(String),
    /// stdout was closed by the reader (`riskreg list | head`): a quiet, successful exit.
    #[error("broken pipe")]
    BrokenPipe,
}

/// The conflicts of an import, one a line, and what to do.
fn conflicts_message(conflicts: &[crate::io::import::ImportConflict]) -> String {
    let shown = |v: &str| {
        if v.is_empty() {
            "(none)".to_string()
        } else {
            format!(
                "{:?}",
                crate::text::truncate(&crate::text::sanitize_line(v), 40)
            )
        }
    };
    let mut message = format!(
        "{} changed both in the sheet and in the register since the export; nothing was imported:",
        match conflicts.len() {
            1 => "1 field was".to_string(),
            n => format!("{n} fields were"),
        }
    );
    const SHOWN: usize = 12;
    for c in conflicts.iter().take(SHOWN) {
        message.push_str(&format!(
            "\n  row {}: risk {} {}: was {}, register now {}, sheet {}",
            c.row,
            c.risk,
            c.field,
            shown(&c.base),
            shown(&c.register),
            shown(&c.sheet)
        ));
    }
    if conflicts.len() > SHOWN {
        message.push_str(&format!(
            "\n  … and {} more (--format json lists every one)",
            conflicts.len() - SHOWN
        ));
    }
    message.push_str("\nsay who wins with --on-conflict sheet or --on-conflict register (the sheet's other edits apply either way), or settle them in the sheet and import again");
    message
}

impl Error {
    /// An I/O error with what was being done, classified by its kind (a missing input is 66,
    /// a permission problem 77, a closed pipe a quiet exit, anything else 74).
    pub fn io(context: impl Into<String>, source: io::Error) -> Error {
        let context = context.into();
        match source.kind() {
            io::ErrorKind::BrokenPipe => Error::BrokenPipe,
            io::ErrorKind::PermissionDenied => {
                Error::PermissionDenied(format!("{context}: {source}"))
            }
            _ => Error::Io { context, source },
        }
    }

    /// An input file that cannot be opened.
    pub fn input(path: &Path, source: io::Error) -> Error {
        match source.kind() {
            io::ErrorKind::NotFound => Error::InputMissing {
                path: path.to_path_buf(),
                message: format!("{}: no such file", path.display()),
            },
            _ => Error::io(format!("cannot read {}", path.display()), source),
        }
    }

    /// This error, said of one item of a change to many ("risk 7").
    pub fn within(self, what: impl Into<String>) -> Error {
        Error::Within {
            what: what.into(),
            source: Box::new(self),
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Within { source, .. } => source.exit_code(),
            Error::BrokenPipe => 0,
            Error::NotFound(_) | Error::Refused { .. } | Error::Database(_) => 1,
            Error::Usage(_) | Error::CommandLine(_) | Error::Query(_) => 2,
            Error::Field(_)
            | Error::Import { .. }
            | Error::Constraint(_)
            | Error::Corrupt { .. }
            | Error::NotOurs { .. } => 65,
            Error::InputMissing { .. } => 66,
            Error::Internal(_) => 70,
            Error::OutputExists { .. } | Error::CannotCreate { .. } => 73,
            Error::Io { .. } => 74,
            Error::Busy(_) | Error::RevisionConflict { .. } | Error::ImportConflicts(_) => 75,
            Error::PermissionDenied(_) => 77,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Within { source, .. } => source.code(),
            Error::Usage(_) | Error::CommandLine(_) => "usage",
            Error::Query(_) => "invalid_query",
            Error::NotFound(_) => "not_found",
            Error::Refused { code, .. } => code,
            Error::Field(_) => "invalid_field",
            Error::Import { .. } => "csv_invalid",
            Error::Constraint(_) => "constraint_violation",
            Error::Corrupt { .. } => "database_corrupt",
            Error::NotOurs { .. } => "not_a_risk_db",
            Error::InputMissing { .. } => "input_missing",
            Error::OutputExists { .. } => "output_exists",
            Error::CannotCreate { .. } => "cannot_create",
            Error::Io { .. } => "io",
            Error::Busy(_) => "database_busy",
            Error::RevisionConflict { .. } => "revision_conflict",
            Error::ImportConflicts(_) => "import_conflict",
            Error::PermissionDenied(_) => "permission_denied",
            Error::Database(_) => "database",
            Error::Internal(_) => "internal",
            Error::BrokenPipe => "broken_pipe",
        }
    }

    /// The message as printed: bounded to [`MESSAGE_MAX`] columns.
    pub fn message(&self) -> String {
        crate::text::truncate(&self.to_string(), MESSAGE_MAX).into_owned()
    }

    /// Structured details for `--format json` (the error's `details` object).
    pub fn details(&self) -> Option<Map<String, Value>> {
        let value = match self {
            Error::Within { source, .. } => return source.details(),
            Error::Query(e) => json!({"position": e.position, "term": e.term}),
            Error::Field(e) => {
                json!({"field": e.field, "value": crate::text::truncate(&e.value, DETAIL_MAX)})
            }
            Error::Import { line, column, .. } => json!({"line": line, "column": column}),
            Error::NotOurs { path, .. }
            | Error::InputMissing { path, .. }
            | Error::OutputExists { path }
            | Error::CannotCreate { path, .. } => {
                json!({"path": path.display().to_string()})
            }
            Error::ImportConflicts(conflicts) => json!({ "conflicts": conflicts }),
            Error::RevisionConflict {
                entity,
                id,
                expected,
                current,
            } => {
                json!({"entity": entity, "id": id, "expected": expected, "current": current})
            }
            _ => return None,
        };
        match value {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The error as the one JSON object `--format json` prints on stderr.
    pub fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), json!(self.code()));
        error.insert("message".into(), json!(self.message()));
        if let Some(details) = self.details() {
            // LU-3 reads `expected`/`current` and csv errors `line` at the top of the error.
            let mut cause = self;
            while let Error::Within { source, .. } = cause {
                cause = source;
            }
            if matches!(cause, Error::RevisionConflict { .. } | Error::Import { .. }) {
                for (k, v) in &details {
                    error.insert(k.clone(), v.clone());
                }
            }
            error.insert("details".into(), Value::Object(details));
        }
        json!({"error": error, "schema_version": 1})
    }
}
