//! The command line, as clap parses it. Names, flags and formats are a contract (DESIGN.md).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::Status;

const AFTER_HELP: &str = "\
Queries: `riskreg list --help` lists every term.

Exit codes: 0 ok, 1 not found, 2 usage, 65 invalid data, 66 input missing, 73 output exists,
74 I/O error, 75 busy or revision conflict (retry), 77 permission denied.";

/// The commands that take a QUERY, whose help ends with the QUERIES section.
const QUERY_COMMANDS: [&str; 3] = ["list", "export", "matrix"];

/// The whole command line: clap's definition, with the QUERIES section (generated from the
/// query parser's own lists) added to the help of every command that takes a query.
pub(super) fn command() -> clap::Command {
    use clap::CommandFactory;
    let queries = format!(
        "{}  Quote for the shell: riskreg list 'owner:\"Jane Doe\"'",
        crate::query::help_text()
    );
    let mut root = Cli::command();
    for name in QUERY_COMMANDS {
        let text = queries.clone();
        root = root.mut_subcommand(name, |c| c.after_help(text));
    }
    let mut rules = String::from("Rules (each violation is one line, and exit 1):\n");
    let width = crate::domain::portfolio::RULES
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    for (name, meaning) in crate::domain::portfolio::RULES {
        rules.push_str(&format!("  {name:<width$}  {meaning}\n"));
    }
    let action_queries = format!(
        "{}  Quote for the shell: riskreg action list 'owner:\"Jane Doe\"'",
        crate::query::action_help_text()
    );
    root.mut_subcommand("check", |c| c.after_help(rules))
        .mut_subcommand("action", |c| {
            c.mut_subcommand("list", |l| l.after_help(action_queries))
        })
}

/// The kind of each `incident add --action`: a `--short-term` or `--long-term` flag sets the
/// kind of the `--action` just before it; an action without one is short-term.
pub(super) fn incident_action_kinds(
    matches: &clap::ArgMatches,
) -> Result<Vec<crate::domain::actions::ActionKind>, String> {
    use crate::domain::actions::ActionKind;
    let Some(add) = matches
        .subcommand_matches("incident")
        .and_then(|m| m.subcommand_matches("add"))
    else {
        return Ok(Vec::new());
    };
    let positions = |id: &str| -> Vec<usize> {
        add.indices_of(id)
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let actions = positions("actions");
    let mut kinds = vec![ActionKind::ShortTerm; actions.len()];
    let flags = positions("short_term")
        .into_iter()
        .map(|p| (p, ActionKind::ShortTerm))
        .chain(
            positions("long_term")
                .into_iter()
                .map(|p| (p, ActionKind::LongTerm)),
        );
    for (at, kind) in flags {
        let Some(owner) = actions.iter().rposition(|a| *a < at) else {
            return Err(format!(
                "--{kind} describes the --action before it; write it after one, e.g. --action \"Add a canary\" --{kind}"
            ));
        };
        kinds[owner] = kind;
    }
    Ok(kinds)
}

#[derive(Parser, Debug)]
#[command(
    name = "riskreg",
    version,
    about = "An availability risk register for the terminal",
    long_about = "An availability risk register for the terminal: record risks to uptime, score them \
                  by likelihood and impact, give each an owning team and a roadmap milestone, review \
                  them on a cadence, and export prioritized lists for engineering managers.",
    after_help = AFTER_HELP,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    /// The register: a file, or postgres://USER@HOST/DATABASE [default: $RISKREG_DB, else
    /// riskreg/riskreg.db in your data directory]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        env = "RISKREG_DB",
        hide_env_values = true
    )]
    pub db: Option<PathBuf>,

    /// When to colour output (NO_COLOR also turns colour off)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Output format [default: table; export: csv or from -o's extension; xlsx: export -o only]
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `--format` as typed: the output formats, and `xlsx`, which only `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Table,
    Json,
    Ndjson,
    Csv,
    Md,
    Xlsx,
}

/// The format a command prints in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Table,
    Json,
    Ndjson,
    Csv,
    Md,
}

impl FormatArg {
    /// The printed format this names (none for a workbook).
    pub(crate) fn printed(self) -> Option<Format> {
        match self {
            FormatArg::Table => Some(Format::Table),
            FormatArg::Json => Some(Format::Json),
            FormatArg::Ndjson => Some(Format::Ndjson),
            FormatArg::Csv => Some(Format::Csv),
            FormatArg::Md => Some(Format::Md),
            FormatArg::Xlsx => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SortArg {
    /// The priority order: score, impact, milestone due date, id
    Score,
    /// Milestone due date first (none last)
    Due,
    /// Most recently changed first
    Updated,
    /// By id
    Id,
    /// Most bad minutes a year first (risks without estimates last)
    BadMinutes,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Open the interactive register (needs a terminal)
    Tui,
    /// Record a new risk; prints its id
    Add(AddArgs),
    /// List risks in priority order
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Show one risk with its recent history
    Show {
        /// The risk's id
        id: String,
        /// The register as it stood then, rebuilt from the history: a date (the end of that
        /// day) or an RFC 3339 time
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Change fields of a risk
    Edit(EditArgs),
    /// Record that a risk was reviewed; schedules the next review by its band
    Review(ReviewArgs),
    /// Delete a risk and its actions (their history is kept)
    Delete(DeleteArgs),
    /// Add a comment to a risk (kept in its history, never changed)
    Comment {
        /// The risk's id
        risk: String,
        /// What to say
        text: String,
    },
    /// A risk's links: design docs, tickets, postmortems
    #[command(subcommand)]
    Link(LinkCommand),
    /// The work that retires a risk: actions with owners, due dates and tickets
    #[command(subcommand)]
    Action(ActionCommand),
    /// The change history, newest first
    History(HistoryArgs),
    /// What changed between two dates: the agenda of the weekly review
    Changes(ChangesArgs),
    /// Week by week: active risks by band, open and overdue actions, bad minutes used and
    /// the chance of missing the SLO
    Trend {
        /// How many weeks, ending today
        #[arg(long, value_name = "N", default_value_t = 12, value_parser = clap::value_parser!(u16).range(1..=520))]
        weeks: u16,
    },
    /// Manage teams (who owns risks)
    #[command(subcommand)]
    Team(TeamCommand),
    /// Manage roadmap milestones (when risks get fixed)
    #[command(subcommand)]
    Milestone(MilestoneCommand),
    /// Write risks in priority order to a file or stdout (csv, json, ndjson, md, xlsx)
    Export(ExportArgs),
    /// Import risks (or actions) from CSV, JSON or XLSX: all or nothing, stale rows merged
    Import(ImportArgs),
    /// The register in one page: totals, error budget, top risks, milestone burn-down
    Report {
        /// The register as it stood then, rebuilt from the history: a date (the end of that
        /// day) or an RFC 3339 time
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Policy gate for cron and CI: exit 1 and the violations, 0 when all rules hold
    Check,
    /// Record incidents, link them to risks, list them
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Likelihood × impact heat map with counts
    Matrix {
        /// Which risks to count
        #[arg(value_name = "QUERY")]
        query: Vec<String>,
        /// Count closed and mitigated risks too
        #[arg(long)]
        all: bool,
        /// The residual heat map: each risk at its target likelihood and impact (today's
        /// where it has none)
        #[arg(long)]
        target: bool,
        /// The register as it stood then, rebuilt from the history: a date (the end of that
        /// day) or an RFC 3339 time
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Read or change the register's settings (bands, review cadence, SLO)
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The database file: where it is, whether it is healthy, backups
    #[command(subcommand)]
    Db(DbCommand),
    /// Load the sample register (risks, estimates, incidents, actions) into a new, empty register
    #[command(
        long_about = "Load the sample register (32 risks with estimates, 6 teams, 8 milestones, 8 incidents, 12 actions) into a register that holds nothing yet, e.g. `riskreg --db /tmp/demo.db sample`"
    )]
    Sample,
    /// Print shell completions
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff)
    Man,
}

/// Fields that add and edit share.
#[derive(Args, Debug, Default)]
pub(crate) struct FieldArgs {
    /// Owning team (must exist: `riskreg team add`); "" for none
    #[arg(long, value_name = "TEAM")]
    pub team: Option<String>,
    /// Roadmap milestone (must exist: `riskreg milestone add`); "" for none
    #[arg(long, value_name = "MILESTONE")]
    pub milestone: Option<String>,
    /// The person responsible (DRI)
    #[arg(long)]
    pub owner: Option<String>,
    /// Category, e.g. capacity, dependency, deployment
    #[arg(long)]
    pub category: Option<String>,
    /// The affected system
    #[arg(long)]
    pub service: Option<String>,
    /// Longer description; "-" reads it from stdin
    #[arg(long, allow_hyphen_values = true)]
    pub description: Option<String>,
    /// Add a tag (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// open, mitigating, mitigated, accepted or closed
    #[arg(long, value_parser = parse_status)]
    pub status: Option<Status>,
    /// Who accepted the risk (needed with --status accepted)
    #[arg(long)]
    pub approver: Option<String>,
    /// Last day the acceptance holds (needed with --status accepted)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub accepted_until: Option<String>,
    /// Next review date [default: from the band's review cadence]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub next_review: Option<String>,
    /// Why (kept in history)
    #[arg(long)]
    pub note: Option<String>,
    /// Likelihood 1-5 once the milestone lands (residual risk); "" for as now
    #[arg(long, value_name = "1-5")]
    pub target_likelihood: Option<String>,
    /// Impact 1-5 once the milestone lands (residual risk); "" for as now
    #[arg(long, value_name = "1-5")]
    pub target_impact: Option<String>,
    #[command(flatten)]
    pub estimates: EstimateArgs,
}

/// The availability estimates ("" clears one). Bad minutes a year =
/// (ETTD + ETTR) × users% / 100 × 365.25 / ETTF. Detect, repair and users may be a range
/// LOW..HIGH, a 90% interval (log-normal), e.g. --ettr 20..60.
#[derive(Args, Debug, Default)]
#[command(next_help_heading = "Availability estimates")]
pub(crate) struct EstimateArgs {
    /// Estimated minutes to detect
    #[arg(long, value_name = "MIN", allow_hyphen_values = true)]
    pub ettd: Option<String>,
    /// Estimated minutes to repair
    #[arg(long, value_name = "MIN", allow_hyphen_values = true)]
    pub ettr: Option<String>,
    /// Percent of users affected, 0-100
    #[arg(long, value_name = "PCT", allow_hyphen_values = true)]
    pub users: Option<String>,
    /// Estimated days between occurrences
    #[arg(
        long,
        value_name = "DAYS",
        allow_hyphen_values = true,
        conflicts_with = "per_year"
    )]
    pub ettf: Option<String>,
    /// Occurrences a year (stored as ETTF = 365.25 / N)
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub per_year: Option<String>,
    /// Minutes to detect once the milestone lands
    #[arg(long, value_name = "MIN", allow_hyphen_values = true)]
    pub target_ettd: Option<String>,
    /// Minutes to repair once the milestone lands
    #[arg(long, value_name = "MIN", allow_hyphen_values = true)]
    pub target_ettr: Option<String>,
    /// Percent of users affected once the milestone lands
    #[arg(long, value_name = "PCT", allow_hyphen_values = true)]
    pub target_users: Option<String>,
    /// Days between occurrences once the milestone lands
    #[arg(
        long,
        value_name = "DAYS",
        allow_hyphen_values = true,
        conflicts_with = "target_per_year"
    )]
    pub target_ettf: Option<String>,
    /// Occurrences a year once the milestone lands
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub target_per_year: Option<String>,
}

fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s).map_err(|e| e.reason)
}

#[derive(Args, Debug)]
pub(crate) struct AddArgs {
    /// What could go wrong, in one line
    #[arg(required_unless_present = "title_flag", conflicts_with = "title_flag")]
    pub title: Option<String>,
    /// The title, as a flag
    #[arg(long = "title", value_name = "TITLE", id = "title_flag")]
    pub title_flag: Option<String>,
    /// 1 rare (<1 in 10 years), 2 unlikely, 3 possible (every 1-3 years), 4 likely, 5 almost certain (monthly)
    #[arg(short = 'l', long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub likelihood: u8,
    /// 1 negligible, 2 minor, 3 moderate, 4 major (core product down), 5 severe (outage for most, data loss)
    #[arg(short = 'i', long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub impact: u8,
    #[command(flatten)]
    pub fields: FieldArgs,
}

#[derive(Args, Debug)]
pub(crate) struct EditArgs {
    #[command(flatten)]
    pub target: Target,
    /// New title
    #[arg(long)]
    pub title: Option<String>,
    /// Likelihood 1-5
    #[arg(short = 'l', long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub likelihood: Option<u8>,
    /// Impact 1-5
    #[arg(short = 'i', long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub impact: Option<u8>,
    #[command(flatten)]
    pub fields: FieldArgs,
    /// Remove a tag (repeatable)
    #[arg(long = "untag", value_name = "TAG")]
    pub untag: Vec<String>,
    /// Only change the risk if it is still at this revision (else exit 75)
    #[arg(long, value_name = "N", conflicts_with = "where_query")]
    pub expect_revision: Option<i64>,
}

/// One risk by id, or every risk a query selects (`--where`): printed, and changed only
/// with `--yes`.
#[derive(Args, Debug)]
pub(crate) struct Target {
    /// The risk's id
    #[arg(required_unless_present = "where_query")]
    pub id: Option<String>,
    /// Every risk this query selects instead of one (prints them; --yes applies)
    #[arg(
        long = "where",
        value_name = "QUERY",
        id = "where_query",
        conflicts_with = "id"
    )]
    pub where_query: Option<String>,
    /// Apply to every risk --where selects (delete: without asking)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ReviewArgs {
    #[command(flatten)]
    pub target: Target,
    /// Why, or what was decided (kept in history)
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Args, Debug)]
pub(crate) struct DeleteArgs {
    #[command(flatten)]
    pub target: Target,
    /// Why (kept in history)
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Args, Debug)]
pub(crate) struct ListArgs {
    /// Which risks (see Queries below)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Order [default: score, the priority order]
    #[arg(long, value_enum, value_name = "KEY")]
    pub sort: Option<SortArg>,
    /// Show at most N risks
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<u64>,
    /// Include closed and mitigated risks
    #[arg(long)]
    pub all: bool,
    /// The register as it stood then, rebuilt from the history: a date (the end of that
    /// day) or an RFC 3339 time
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Args, Debug)]
pub(crate) struct ChangesArgs {
    /// Only changes to these risks (see Queries; every status is searched)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// The first day of the window [default: 7 days before --until]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<String>,
    /// The end of the window: a date (its end) or an RFC 3339 time [default: now]
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Group the agenda by team
    #[arg(long = "by", value_enum, value_name = "GROUPING", action = clap::ArgAction::Set)]
    pub by: Option<ChangesBy>,
}

/// How `changes` groups its agenda.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChangesBy {
    Team,
}

#[derive(Args, Debug)]
pub(crate) struct HistoryArgs {
    /// Only this risk's events
    pub id: Option<String>,
    /// Only the events of this action
    #[arg(long, value_name = "ID")]
    pub action: Option<String>,
    /// Only events on or after this date
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<String>,
    /// Show at most N events
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<u64>,
}

#[derive(Subcommand, Debug)]
pub(crate) enum TeamCommand {
    /// Create a team
    Add {
        name: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List teams with their active risks
    List,
    /// Rename a team (its risks follow)
    Rename { old: String, new: String },
    /// Delete a team; one that owns risks needs --reassign-to
    Delete {
        name: String,
        /// Move its risks and milestones to this team first
        #[arg(long, value_name = "TEAM")]
        reassign_to: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum MilestoneCommand {
    /// Create a milestone
    Add {
        name: String,
        #[command(flatten)]
        fields: MilestoneFields,
    },
    /// List milestones by due date
    List,
    /// Change a milestone; marking it done lands it: its risks take their targets as current
    Edit {
        name: String,
        /// Rename it
        #[arg(long = "name", value_name = "NEW_NAME")]
        new_name: Option<String>,
        #[command(flatten)]
        fields: MilestoneFields,
        /// With --status done: leave its risks' estimates and targets as they are
        #[arg(long, requires = "status")]
        keep_estimates: bool,
    },
    /// Delete a milestone; one that risks use needs --reassign-to
    Delete {
        name: String,
        /// Move its risks to this milestone first
        #[arg(long, value_name = "MILESTONE")]
        reassign_to: Option<String>,
    },
}

#[derive(Args, Debug)]
pub(crate) struct MilestoneFields {
    /// Due date; "" for none
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub due: Option<String>,
    /// Owning team; "" for none
    #[arg(long, value_name = "TEAM")]
    pub team: Option<String>,
    /// planned, in-progress or done
    #[arg(long)]
    pub status: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SplitBy {
    Team,
}

#[derive(Args, Debug)]
pub(crate) struct ExportArgs {
    /// Which risks (see Queries below); all active risks by default
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Write to FILE (atomically; "-" is stdout) instead of stdout; the format from its
    /// extension: .csv .json .ndjson .md .xlsx (a workbook: sheets Risks and Actions)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace an existing file
    #[arg(long)]
    pub force: bool,
    /// One file per team, in --output-dir
    #[arg(long, value_enum, requires = "output_dir")]
    pub split_by: Option<SplitBy>,
    /// Directory for --split-by files (created if missing)
    #[arg(
        long,
        value_name = "DIR",
        requires = "split_by",
        conflicts_with = "output"
    )]
    pub output_dir: Option<PathBuf>,
    /// CSV without BOM and formula protection, for programs rather than spreadsheets
    #[arg(long)]
    pub raw: bool,
    /// Include closed and mitigated risks
    #[arg(long)]
    pub all: bool,
    /// Order [default: score, the priority order]
    #[arg(long, value_enum, value_name = "KEY")]
    pub sort: Option<SortArg>,
    /// Only these CSV columns, in this order (csv, xlsx and md), e.g. id,title,score,team,owner
    #[arg(long, value_name = "A,B,C")]
    pub columns: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputFormatArg {
    Csv,
    Json,
    Xlsx,
}

#[derive(Args, Debug)]
pub(crate) struct ImportArgs {
    /// A CSV, JSON or XLSX file; "-" reads stdin
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Check everything and report, but write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Skip columns riskreg does not know instead of refusing the file
    #[arg(long)]
    pub ignore_unknown: bool,
    /// The input's format [default: from the content]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,
    /// Who wins a field changed both in the file and in the register since the export
    /// [default: neither; the import lists the conflicts and writes nothing]
    #[arg(long, value_enum, value_name = "WHO")]
    pub on_conflict: Option<OnConflictArg>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum OnConflictArg {
    /// The file's value
    Sheet,
    /// The register's value
    Register,
}

#[derive(Subcommand, Debug)]
pub(crate) enum IncidentCommand {
    /// Record an incident that happened, linked to the risks it realised; prints its id
    Add(Box<IncidentAddArgs>),
    /// Incidents, newest first
    List {
        /// Only incidents linked to this risk
        #[arg(long, value_name = "ID")]
        risk: Option<String>,
    },
    /// Link an incident to more risks
    Link {
        /// The incident's id
        incident: String,
        /// A risk it realised (repeatable)
        #[arg(long = "risk", value_name = "ID", required = true)]
        risks: Vec<String>,
    },
}

#[derive(Args, Debug)]
pub(crate) struct IncidentAddArgs {
    /// What happened, in one line
    pub title: String,
    /// When it happened
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: String,
    /// Measured minutes to detect
    #[arg(long, value_name = "MIN")]
    pub ttd: String,
    /// Measured minutes to repair
    #[arg(long, value_name = "MIN")]
    pub ttr: String,
    /// Percent of users affected, 0-100
    #[arg(long, value_name = "PCT")]
    pub users: String,
    /// Where the postmortem is
    #[arg(long, value_name = "URL")]
    pub link: Option<String>,
    /// Anything else worth keeping
    #[arg(long)]
    pub note: Option<String>,
    /// A risk it realised (repeatable, at least one)
    #[arg(long = "risk", value_name = "ID", required = true)]
    pub risks: Vec<String>,
    /// An action the review decided, on the first --risk (repeatable)
    #[arg(long = "action", value_name = "TITLE")]
    pub actions: Vec<String>,
    /// The --action before this flag is a short-term fix (the default)
    #[arg(long, action = clap::ArgAction::Append, num_args = 0, default_missing_value = "true")]
    pub short_term: Vec<bool>,
    /// The --action before this flag is a long-term change
    #[arg(long, action = clap::ArgAction::Append, num_args = 0, default_missing_value = "true")]
    pub long_term: Vec<bool>,
    /// The kind of each --action, from where the kind flags stand (filled after parsing)
    #[arg(skip)]
    pub kinds: Vec<crate::domain::actions::ActionKind>,
}

#[derive(Subcommand, Debug)]
pub(crate) enum ConfigCommand {
    /// Print one setting, or all of them
    Get {
        key: Option<String>,
        /// With `slo`: the SLO of this service (its own, if it has one)
        #[arg(long, value_name = "SERVICE", requires = "key")]
        service: Option<String>,
    },
    /// Change a setting
    Set {
        key: String,
        /// The new value ("" removes a service's own SLO)
        value: String,
        /// With `slo`: give this service an SLO of its own; its risks count against it
        #[arg(long, value_name = "SERVICE")]
        service: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum DbCommand {
    /// Print the register's path
    Path,
    /// Check integrity, foreign keys, permissions and leftovers (exit 65 on problems)
    Check {
        /// Faster check (skips index and uniqueness checks)
        #[arg(long)]
        quick: bool,
    },
    /// Write a consistent, private (0600) copy of the register, safe while others write (from
    /// PostgreSQL too: the copy is an SQLite register file)
    Backup {
        file: PathBuf,
        /// Replace an existing file
        #[arg(long)]
        force: bool,
    },
    /// Create the register's schema in an empty PostgreSQL database (or a new SQLite file);
    /// a database holding other tables is refused untouched
    Init {
        /// postgres://USER@HOST/DATABASE (or a file); default: --db
        url: Option<PathBuf>,
    },
    /// Copy a whole register (settings, teams, milestones, risks, actions, incidents, history)
    /// from SRC to DST, each a file or a postgres:// URL; DST must be new or empty
    Copy {
        /// Where the register is: a file or postgres://…
        source: PathBuf,
        /// Where it goes: a new file, or an empty PostgreSQL database
        target: PathBuf,
    },
    /// Let a PostgreSQL role read the register, change its teams' risks and actions, or
    /// administer it (replaces what the role had; the role must exist on the server)
    #[command(group(clap::ArgGroup::new("level").required(true).args(["reader", "editor", "admin"])))]
    Grant {
        /// The PostgreSQL role (user)
        role: String,
        /// Read everything, change nothing
        #[arg(long)]
        reader: bool,
        /// Change risks and actions: of the --team teams only, else of every team (and the
        /// teams, milestones, incidents and settings)
        #[arg(long)]
        editor: bool,
        /// Change everything, and grant to others
        #[arg(long)]
        admin: bool,
        /// With --editor: only this team's risks and actions (repeat for more)
        #[arg(long = "team", value_name = "TEAM", requires = "editor")]
        teams: Vec<String>,
    },
    /// Take every grant on the register from a PostgreSQL role
    Revoke {
        /// The PostgreSQL role (user)
        role: String,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum LinkCommand {
    /// Add a link (an http(s) URL or a ticket key such as PLAT-1234); an existing one gets the new label
    Add {
        /// The risk's id
        risk: String,
        /// An http(s) URL or a ticket key
        url: String,
        /// What it is, e.g. "design doc"
        #[arg(long)]
        label: Option<String>,
        /// Why (kept in history)
        #[arg(long)]
        note: Option<String>,
        /// Only change the risk if it is still at this revision (else exit 75)
        #[arg(long, value_name = "N")]
        expect_revision: Option<i64>,
    },
    /// Remove a link
    Remove {
        /// The risk's id
        risk: String,
        /// The link's URL or ticket key, as `riskreg show` lists it
        url: String,
        /// Why (kept in history)
        #[arg(long)]
        note: Option<String>,
        /// Only change the risk if it is still at this revision (else exit 75)
        #[arg(long, value_name = "N")]
        expect_revision: Option<i64>,
    },
}

/// Fields that action add and edit share.
#[derive(Args, Debug, Default)]
pub(crate) struct ActionFieldArgs {
    /// The person who does it
    #[arg(long)]
    pub owner: Option<String>,
    /// The team that does it [default on add: the risk's team]; "" for none
    #[arg(long, value_name = "TEAM")]
    pub team: Option<String>,
    /// The milestone it lands with; "" for none
    #[arg(long, value_name = "MILESTONE")]
    pub milestone: Option<String>,
    /// When it is due [default: the milestone's due date]; "" for none
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub due: Option<String>,
    /// A URL or ticket key, e.g. PLAT-1234; "" for none
    #[arg(long, value_name = "URL|KEY")]
    pub link: Option<String>,
    /// short-term or long-term
    #[arg(long)]
    pub kind: Option<String>,
    /// The incident whose review produced it; "" for none
    #[arg(long, value_name = "ID")]
    pub incident: Option<String>,
    /// todo, doing, done or dropped
    #[arg(long)]
    pub status: Option<String>,
    /// Why (kept in history)
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Subcommand, Debug)]
pub(crate) enum ActionCommand {
    /// Add an action to a risk; prints its id
    Add {
        /// The risk it mitigates
        risk: String,
        /// What to do, in one line
        title: String,
        #[command(flatten)]
        fields: ActionFieldArgs,
    },
    /// List actions (open ones by due date, overdue first)
    #[command(visible_alias = "ls")]
    List(ActionListArgs),
    /// Show one action with its history
    Show {
        /// The action's id
        id: String,
    },
    /// Change fields of an action
    Edit {
        /// The action's id
        id: String,
        /// New title
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        fields: ActionFieldArgs,
        /// Only change the action if it is still at this revision (else exit 75)
        #[arg(long, value_name = "N")]
        expect_revision: Option<i64>,
    },
    /// Mark an action done (or every action --where selects)
    Done {
        /// The action's id
        #[arg(required_unless_present = "where_query")]
        id: Option<String>,
        /// Every action this query selects instead of one (prints them; --yes applies)
        #[arg(
            long = "where",
            value_name = "QUERY",
            id = "where_query",
            conflicts_with = "id"
        )]
        where_query: Option<String>,
        /// Apply to every action --where selects
        #[arg(long, short = 'y')]
        yes: bool,
        /// Why, or what was done (kept in history)
        #[arg(long)]
        note: Option<String>,
        /// Only change the action if it is still at this revision (else exit 75)
        #[arg(long, value_name = "N")]
        expect_revision: Option<i64>,
    },
    /// Delete an action (its history is kept)
    Delete {
        /// The action's id
        id: String,
        /// Delete without asking
        #[arg(long, short = 'y')]
        yes: bool,
        /// Why (kept in history)
        #[arg(long)]
        note: Option<String>,
        /// Only delete the action if it is still at this revision (else exit 75)
        #[arg(long, value_name = "N")]
        expect_revision: Option<i64>,
    },
}

#[derive(Args, Debug)]
pub(crate) struct ActionListArgs {
    /// Which actions (see Queries below)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Include done and dropped actions
    #[arg(long)]
    pub all: bool,
    /// Show at most N actions
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<u64>,
    /// Write to FILE (atomically; the format from its extension, else --format) instead of stdout
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace an existing file
    #[arg(long)]
    pub force: bool,
}

/// Where the subcommand is in `args`, skipping global flags (and their values) before it.
fn subcommand_index(root: &clap::Command, args: &[std::ffi::OsString]) -> Option<usize> {
    let mut i = 1;
    while i < args.len() {
        match args[i].to_str() {
            Some("--") => return None,
            Some(a) if a.starts_with('-') => {
                i += if flag_kind(root, a) == Some(true) {
                    2
                } else {
                    1
                };
            }
            _ => return Some(i),
        }
    }
    None
}

fn built_command() -> clap::Command {
    let mut root = command();
    root.build();
    root
}

/// The subcommand `args` name (`team add` for a nested one), if it is one of riskreg's,
/// for pointing at its `--help`.
pub(super) fn subcommand_name(args: &[std::ffi::OsString]) -> Option<String> {
    let root = built_command();
    let i = subcommand_index(&root, args)?;
    let mut command = &root;
    let mut names = Vec::new();
    for arg in &args[i..] {
        match arg.to_str().and_then(|a| command.find_subcommand(a)) {
            Some(sub) => {
                names.push(sub.get_name().to_string());
                command = sub;
            }
            None => break,
        }
    }
    (!names.is_empty()).then(|| names.join(" "))
}

/// Lets `-term` negate a query term, as DESIGN.md promises, although clap would read it as a
/// flag: for commands that take a QUERY (`list`, `action list`, …), every argument that is not
/// one of the command's own flags (or a flag's value) is moved behind a `--`, where clap takes
/// it as a query term. A single-dash argument is a flag only when it is exactly a known short
/// flag (`-n`, `-o`), or one followed by digits (`-n5`); `-nope` is the negated term `nope`.
pub(super) fn separate_query_terms(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let root = built_command();
    let text = |a: &std::ffi::OsString| a.to_str().map(str::to_string);
    let Some(mut i) = subcommand_index(&root, &args) else {
        return args;
    };
    let Some(mut sub) = args
        .get(i)
        .and_then(text)
        .and_then(|name| root.find_subcommand(&name))
    else {
        return args;
    };
    while let Some(nested) = args
        .get(i + 1)
        .and_then(text)
        .and_then(|name| sub.find_subcommand(&name))
    {
        sub = nested;
        i += 1;
    }
    if !sub.get_arguments().any(|a| a.get_id() == "query") {
        return args;
    }
    let mut flags: Vec<std::ffi::OsString> = args[..=i].to_vec();
    let mut terms = Vec::new();
    let mut j = i + 1;
    while j < args.len() {
        let Some(a) = text(&args[j]) else {
            terms.push(args[j].clone());
            j += 1;
            continue;
        };
        if a == "--" {
            terms.extend(args[j + 1..].iter().cloned());
            break;
        }
        // A `--word` is always a flag (an unknown one is clap's usage error); a `-word` that
        // is not one of the command's short flags is a negated term.
        let kind = if a.starts_with("--") {
            Some(flag_kind(sub, &a).unwrap_or(false))
        } else if a.starts_with('-') && a.len() > 1 {
            flag_kind(sub, &a)
        } else {
            None
        };
        match kind {
            Some(needs_value) => {
                flags.push(args[j].clone());
                if needs_value && let Some(v) = args.get(j + 1) {
                    flags.push(v.clone());
                    j += 1;
                }
            }
            None => terms.push(args[j].clone()),
        }
        j += 1;
    }
    if !terms.is_empty() {
        flags.push("--".into());
        flags.extend(terms);
    }
    flags
}

/// For a flag-shaped argument: `Some(true)` if it is a flag of `cmd` whose value is the next
/// argument, `Some(false)` if a flag with no value or with its value attached (`--sort=due`,
/// `-n5`), `None` if it is not one of `cmd`'s flags.
fn flag_kind(cmd: &clap::Command, arg: &str) -> Option<bool> {
    if let Some(long) = arg.strip_prefix("--") {
        let (name, inline) = match long.split_once('=') {
            Some((name, _)) => (name, true),
            None => (long, false),
        };
        let found = cmd.get_arguments().find(|a| a.get_long() == Some(name))?;
        return Some(found.get_action().takes_values() && !inline);
    }
    let mut chars = arg.strip_prefix('-')?.chars();
    let short = chars.next()?;
    let rest = chars.as_str();
    let found = cmd.get_arguments().find(|a| a.get_short() == Some(short))?;
    let takes = found.get_action().takes_values();
    if rest.is_empty() {
        Some(takes)
    } else if takes && rest.chars().all(|c| c.is_ascii_digit()) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &str) -> String {
        let argv = std::iter::once("riskreg")
            .chain(args.split(' '))
            .map(Into::into)
            .collect();
        separate_query_terms(argv)
            .iter()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn negated_terms_go_behind_double_dash_and_flags_stay() {
        assert_eq!(
            run("list status:open --limit 50"),
            "list --limit 50 -- status:open"
        );
        assert_eq!(
            run("list status:open --limit 1 --format ndjson"),
            "list --limit 1 --format ndjson -- status:open"
        );
        assert_eq!(
            run("list -status:closed -n 5 --all"),
            "list -n 5 --all -- -status:closed"
        );
        assert_eq!(run("--db x.db ls -nope -n5"), "--db x.db ls -n5 -- -nope");
        assert_eq!(
            run("list --format=json -team:a --sort due"),
            "list --format=json --sort due -- -team:a"
        );
        assert_eq!(
            run("export -o out.csv -score>3 --force"),
            "export -o out.csv --force -- -score>3"
        );
        assert_eq!(run("list -- -x"), "list -- -x");
        assert_eq!(run("list --limit 5"), "list --limit 5");
        assert_eq!(run("list x --frobnicate"), "list --frobnicate -- x");
        assert_eq!(run("show 3"), "show 3");
        assert_eq!(run("add -l 3 -i 4 title"), "add -l 3 -i 4 title");
        assert_eq!(
            run("action list -kind:long-term -n 3 is:overdue"),
            "action list -n 3 -- -kind:long-term is:overdue"
        );
        assert_eq!(run("action show 3"), "action show 3");
    }
}
