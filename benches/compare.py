#!/usr/bin/env python3
"""riskreg against the sqlite3 shell "floor", side by side on the same generated data.

Run from anywhere (python3, standard library only; needs `sqlite3`, `cargo` and GNU `time` on
PATH — GNU time is installed with apt-get when missing and possible):

    python3 benches/compare.py            # N = 1,000, 10,000, 100,000; 7 runs per side;
                                          # the TUI too; writes BENCHMARKS.md at the repo root
    python3 benches/compare.py --sizes 1000,100000 --markdown /tmp/bench.md
    python3 benches/compare.py --only top50,startup --runs 11 --keep /tmp/bench-work \
        --skip-tui --no-markdown

What it measures, for each size N (dataset from ../shared/bench/gen_dataset.py, cached per N
in the work directory):

    import       riskreg import data.csv into a fresh db   vs  sqlite-floor/import.sql.in
    top50        riskreg list status:open --limit 50      vs  sqlite-floor/top50.sql
    filtered     riskreg list team:team03 score>12
                 -status:closed                           vs  sqlite-floor/filtered.sql
    export_csv   riskreg export --all --format csv        vs  sqlite-floor/export_csv.sql.in
    export_json  riskreg export --all --format json       vs  sqlite-floor/export_json.sql.in
    export_xlsx  riskreg export --all -o FILE.xlsx        vs  sqlite-floor/export_csv.sql.in
                 (no workbook in the shell: memory is the target, the ratio is for reference)
    startup      riskreg list --limit 1                   vs  sqlite3 db "SELECT id FROM risks LIMIT 1"
    action_overdue  riskreg action list is:overdue
                 --format csv                             vs  the same query on the floor's
                                                              actions table (action_overdue.sql)

    report       riskreg report --format json             vs  the same command of --baseline BIN
                 (only with --baseline: the budget's cost against an earlier riskreg)
    as_of        riskreg list --all --as-of 6 months back  vs  riskreg export --all --format json
    trend        riskreg trend --weeks 52                 vs  riskreg export --all --format json
                 (both on a register with a year of history, built once: ensure_history)

The report (issue 11) has no floor in the sqlite3 shell: what it adds is the availability
model. With `--baseline BIN` (an earlier riskreg build) both binaries import data-N with
four estimates on every risk (data-N-estimates.csv, written here from N: detect, repair,
users and occurrences a year varying by id, one in five repairs a range for the newer
binary) into their own databases, untimed, and `report --format json` is timed on each,
interleaved; the target is ≤ 2× the baseline. The chance of missing the SLO is measured on
its own by `cargo bench --bench chance` (1,000 estimated risks, 20 milestones; ≤ 200 ms),
one row per run after the sizes.

Actions (issue 10): each dataset gets 3 actions per risk (actions-N.csv, written here from N:
open, done and dropped ones, due dates over three years, one in three long-term), imported
into riskreg.db with `riskreg import` and into floor.db as a plain `actions` table with the
partial index riskreg keeps on open actions by due date. action_overdue is the Actions tab's
question at the CLI: every open action past its due date, with its risk's title, by due
date then id, as CSV; the floor runs the same SELECT (joined to its risks table for the
title) in the sqlite3 shell with `.mode csv`, and both sides must return the same ids in the
same order.

The floor's exports write every row, so riskreg exports with --all (closed risks included).
Every run is a whole process. Each sample is two runs of the same job: one timed
(time.perf_counter() from start to reap) and one under GNU time for its peak RSS (the child's
ru_maxrss, KiB on Linux). They are separate because neither can be had from the other: a
child Python spawns inherits Python's own high-water RSS at exec (os.wait4 on it reports
>= the benchmark's memory, not the program's), and the GNU time wrapper adds ~0.7 ms, a
third of a sqlite3 start-up. The two sides are interleaved sample by sample (the one going
first alternates) so machine noise hits both alike; the table reports the median time, the
ratio riskreg/floor, the highest peak RSS seen, and PASS/FAIL against the targets, which
are set at N = 100,000; at smaller N the same limits are shown for reference as ok/over.

Before timing, each operation runs once per side untimed (a warm-up), and where the result is
a list of risks the ids are compared. The floor sorts `ORDER BY score DESC, id`: it breaks
ties on score by id only, where riskreg's priority order is score desc, impact desc,
milestone due date asc (none last), id asc. So the floor's rows are looked up in its own
table (one more untimed query on floor.db) and re-sorted by the priority order, and riskreg
must return exactly that id sequence: the same rows in the same order. For top50 the cut at
50 rows can fall inside a group of equal scores, where the two orders rightly keep different
rows; the expected rows are then the first 50, in the priority order, of every open risk
scoring at least the floor's 50th row (one more untimed query). A MISMATCH names the
rows only one side returned and the first position that differs, and makes the script
exit 1. A target FAIL exits 0 — this is a report — unless --strict is given. A failing
command stops the script with its stderr.

The TUI (after the CLI operations, for the same N and the same dataset) is measured by the
`tui` bench (benches/tui.rs), built once with `cargo bench --locked --bench tui --no-run` and
run as `tui --bench --rows N --machine --csv data-N.csv` --tui-runs times: in-process, frames
drawn into ratatui's TestBackend at 120×40. Rows: tui_first_screen (open → first frame with
rows, ≤ 500 ms), tui_actions_first_screen (open on the Actions tab → first frame with its rows,
≤ 500 ms), tui_keystroke_p99 (key → drawn frame over every key, ≤ 16 ms) and the same
p99 per kind of key (move, page, jump, filter typing: each held to ≤ 16 ms too, so a slow
kind cannot hide among the many fast ones), and tui_memory (peak RSS after the bench's own
import, ≤ 200 MiB). Each is the median over the runs (memory: the highest). They have no
floor: floor and ratio show "—".

After all sizes, "How cost grows with N" sets each operation's median at the smallest N
against the largest (and the step between the two largest N): constant (< 2× over 100× N),
linear (5×–15× per 10× N), worse than linear (> 15× per 10× N), or in between (sublinear:
a fixed cost still outweighs the part that grows). The marginal cost per 1,000 risks between
the two largest N shows the part that grows even where start-up hides it.

The riskreg binary (`cargo build --release --locked` first, a no-op when up to date) and the
tui bench are copied into the work directory first, so a rebuild during the run cannot swap
them out mid-measurement.
"""
import argparse
import contextlib
import csv
import datetime as dt
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_RISKREG = REPO / "target" / "release" / "riskreg"
DEFAULT_SHARED = REPO.parent / "shared" / "bench"
DEFAULT_MARKDOWN = REPO / "BENCHMARKS.md"
FLOOR_STARTUP_SQL = "SELECT id FROM risks LIMIT 1"


@dataclass(frozen=True)
class Target:
    # None: no limit on time (the row reports the ratio for reference and holds memory).
    max_ratio: float | None
    max_rss_mib: float | None = None

    def describe(self):
        parts = []
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}×")
        if self.max_rss_mib is not None:
            parts.append(f"≤ {self.max_rss_mib:g} MiB")
        return ", ".join(parts)

    def met(self, ratio, riskreg_rss_mib):
        return (self.max_ratio is None or ratio <= self.max_ratio) and (
            self.max_rss_mib is None or riskreg_rss_mib <= self.max_rss_mib)


TARGETS = {
    "import": Target(1.5),
    "top50": Target(2.0),
    "filtered": Target(2.0),
    "export_csv": Target(1.25, 32),
    "export_json": Target(1.25, 32),
    # Issue 13 sets the workbook's memory (constant-memory mode), not its time.
    "export_xlsx": Target(None, 64),
    "startup": Target(2.0),
    "action_overdue": Target(2.0),
    "report": Target(2.0),
    "as_of": Target(3.0),
    "trend": Target(5.0),
}
OPS = tuple(TARGETS)
# Held against riskreg's own export of today's register, on a register with a year of history.
HISTORY_OPS = ("as_of", "trend")
# The issue sets every target at 100,000 risks. At smaller N a process's fixed cost (start,
# opening the file, WAL set-up, the checkpoint on close) is most of a few milliseconds, and
# the ratios there are shown for reference: "ok" or "over", not PASS or FAIL.
TARGET_N = 100_000


def result_word(met, n):
    if n >= TARGET_N:
        return "PASS" if met else "FAIL"
    return "ok" if met else "over"


class BenchError(Exception):
    """A command failed or the setup is unusable; the message says which and why."""


# --- running one process --------------------------------------------------------------------

@dataclass
class Job:
    """One process: argv, optional stdin file, where stdout goes (None: /dev/null), the file
    holding its result (stdout, or the file it writes itself), and databases to delete (with
    -wal/-shm) before every run so each run starts fresh."""
    argv: list
    stdin: Path | None = None
    stdout: Path | None = None
    output: Path | None = None
    fresh_dbs: tuple = ()
    env: dict | None = None

    @property
    def result(self):
        return self.output or self.stdout


@dataclass
class Sample:
    ms: float
    rss_kib: int


def remove_db(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def execute(job, wrapper=()):
    """Run the job once (behind `wrapper`, if any); its wall time in ms. Raises on failure."""
    for db in job.fresh_dbs:
        remove_db(db)
    with contextlib.ExitStack() as files:
        stdin = files.enter_context(open(job.stdin, "rb")) if job.stdin else subprocess.DEVNULL
        stdout = files.enter_context(open(job.stdout, "wb")) if job.stdout else subprocess.DEVNULL
        err = files.enter_context(tempfile.TemporaryFile())
        start = time.perf_counter()
        proc = subprocess.Popen([*wrapper, *job.argv], stdin=stdin, stdout=stdout, stderr=err,
                                env={**os.environ, **job.env} if job.env else None)
        returncode = proc.wait()
        elapsed = time.perf_counter() - start
        if returncode != 0:
            err.seek(0)
            stderr = err.read().decode(errors="replace").strip()
            shown = " ".join(map(str, job.argv)) + (f" < {job.stdin}" if job.stdin else "")
            raise BenchError(f"`{shown}` exited {returncode}:\n{stderr}")
    return elapsed * 1000


def peak_rss_kib(job, gnu_time):
    """The job's peak RSS, as GNU time reports its child's ru_maxrss (KiB on Linux)."""
    with tempfile.NamedTemporaryFile("r") as report:
        execute(job, (gnu_time, "-f", "%M", "-o", report.name))
        return int(report.read().split()[-1])


def sample(job, gnu_time):
    """One timed run, then one memory run, of the same job."""
    return Sample(execute(job), peak_rss_kib(job, gnu_time))


# --- the work directory: dataset, databases, rendered floor SQL ------------------------------

@dataclass
class Workspace:
    """Everything one size needs, under work/N/ (the dataset is work/data-N.csv)."""
    n: int
    dir: Path
    csv: Path
    riskreg: Path
    shared: Path
    actions: Path
    riskreg_db: Path = field(init=False)
    floor_db: Path = field(init=False)

    def __post_init__(self):
        self.riskreg_db = self.dir / "riskreg.db"
        self.floor_db = self.dir / "floor.db"

    def floor_sql(self, name):
        return self.shared / "sqlite-floor" / name

    def render(self, template, placeholder, value):
        """The floor's `sed "s|@X@|path|"` step, done once before timing; the path is quoted
        for the sqlite3 dot-command."""
        text = self.floor_sql(template).read_text()
        out = self.dir / template.removesuffix(".in")
        out.write_text(text.replace(placeholder, f'"{value}"'))
        return out


def ensure_dataset(work, shared, n):
    """The generated CSV for N, reused if the work directory already has it. riskreg accepts
    a risk only with its approver and end date (on every way in, import included), so the
    generator's accepted rows get both in two added columns; the floor imports the same file
    and ignores them."""
    path = work / f"data-{n}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        generated = path.with_suffix(".generated")
        log(f"generating {n} risks -> {path}")
        execute(Job([sys.executable, str(shared / "gen_dataset.py"), str(n), str(generated)]))
        with open(generated, newline="", encoding="utf-8") as src, \
                open(partial, "w", newline="", encoding="utf-8") as dst:
            rows = csv.reader(src)
            out = csv.writer(dst, lineterminator="\n")
            header = next(rows)
            status = header.index("status")
            out.writerow(header + ["approver", "accepted_until"])
            for row in rows:
                accepted = row[status] == "accepted"
                out.writerow(row + (["cto", "2099-12-31"] if accepted else ["", ""]))
        generated.unlink()
        partial.rename(path)
    return path


ACTIONS_PER_RISK = 3
ACTION_COLUMNS = ["risk", "title", "status", "owner", "team", "milestone", "due", "link", "kind"]
ACTION_STATUSES = ["todo"] * 4 + ["doing"] * 2 + ["done"] * 3 + ["dropped"]
ACTIONS_FROM = dt.date(2025, 1, 1)


def action_rows(n):
    """3 actions per risk of the N-risk dataset, the same for the same N: a mix of statuses,
    due dates over three years from 2025-01-01, one in three long-term, teams as the
    dataset names them."""
    for risk in range(1, n + 1):
        for j in range(ACTIONS_PER_RISK):
            k = risk * ACTIONS_PER_RISK + j
            due = ACTIONS_FROM + dt.timedelta(days=(risk * 37 + j * 101) % 1095)
            yield [risk, f"Action {j + 1} on risk {risk}: add a canary stage and alerting",
                   ACTION_STATUSES[(risk * 7 + j * 3) % len(ACTION_STATUSES)],
                   f"owner{k % 200:03d}", f"team{risk % 20 + 1:02d}", "", due.isoformat(),
                   f"PLAT-{k}", "long-term" if j == 2 else "short-term"]


def ensure_actions(work, n):
    """The actions CSV for N (riskreg's action import format), reused when present."""
    path = work / f"actions-{n}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        log(f"writing {n * ACTIONS_PER_RISK} actions -> {path}")
        with open(partial, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(ACTION_COLUMNS)
            out.writerows(action_rows(n))
        partial.rename(path)
    return path


ESTIMATE_COLUMNS = ["ettd", "ettr", "users", "ettf"]


def ensure_estimates(work, n, ranges):
    """data-N with four estimates on every risk, the same for the same N; with `ranges`,
    one risk in five repairs within a range (a baseline binary from before ranges gets the
    range's mean instead, so both count the same expected minutes)."""
    name = f"data-{n}-estimates{'-ranges' if ranges else ''}.csv"
    path = work / name
    if not path.exists():
        partial = path.with_suffix(".partial")
        with open(work / f"data-{n}.csv", newline="", encoding="utf-8") as src, \
                open(partial, "w", newline="", encoding="utf-8") as dst:
            rows = csv.reader(src)
            out = csv.writer(dst, lineterminator="\n")
            out.writerow(next(rows) + ESTIMATE_COLUMNS)
            for i, row in enumerate(rows, 1):
                low, high = 5 + i % 40, 20 + i % 40 * 3
                mean = math.exp((math.log(low) + math.log(high)) / 2
                                + ((math.log(high) - math.log(low)) / 3.29) ** 2 / 2)
                ettr = (f"{low}..{high}" if ranges else f"{mean:.4f}") if i % 5 == 0 \
                    else str(10 + i % 90)
                out.writerow(row + [str(1 + i % 15), ettr, str(1 + i % 100),
                                    str(30 + i % 3000)])
        partial.rename(path)
    return path


def report_jobs(ws, baseline):
    """(riskreg job, baseline job): report --format json on registers each binary loaded
    from the estimates dataset, untimed."""
    jobs = []
    for binary, ranges, tag in ((ws.riskreg, True, "riskreg"), (baseline, False, "baseline")):
        db = ws.dir / f"report-{tag}.db"
        data = ensure_estimates(ws.dir.parent, ws.n, ranges)
        execute(Job([str(binary), "--db", str(db), "import", str(data)], fresh_dbs=(db,)))
        jobs.append(Job([str(binary), "--db", str(db), "report", "--format", "json"],
                        stdout=ws.dir / f"report-{tag}.json"))
    return tuple(jobs)


# The history register's frozen "now", and the rounds of edits that make its year.
HISTORY_NOW = "2026-11-30T12:00:00Z"
HISTORY_AS_OF = "2026-05-30"
HISTORY_ROUNDS = 12


def ensure_history(ws):
    """A register with a year of history, built once per work directory (untimed): data-N
    with four estimates imported on 2025-12-01, its actions the next day, then every four
    weeks from 2026-01-05 a round of edits, each its own command with a frozen clock: every
    open risk gets a new owner, one team's risks a new likelihood, and that team's open
    risks a new repair time. At N = 100,000 that is about 1.6 million events."""
    db = ws.dir / "history.db"
    done = ws.dir / "history.done"
    if done.exists() and db.exists():
        return db
    log(f"n={ws.n}: building a register with a year of history (untimed)")
    data = ensure_estimates(ws.dir.parent, ws.n, False)
    started = time.perf_counter()

    def run(at, *args):
        execute(Job(riskreg_argv(ws, db, *args), env={"RISKREG_NOW": at}))
    remove_db(db)
    run("2025-12-01T09:00:00Z", "import", str(data))
    run("2025-12-02T09:00:00Z", "import", str(ws.actions))
    day = dt.date(2026, 1, 5)
    for k in range(1, HISTORY_ROUNDS + 1):
        team = f"team{k:02d}"
        run(f"{day}T09:00:00Z", "edit", "--where", "status:open", "--owner", f"owner{k}", "--yes")
        run(f"{day}T10:00:00Z", "edit", "--where", f"team:{team}", "-l", str(k % 5 + 1),
            "--yes")
        run(f"{day}T11:00:00Z", "edit", "--where", f"team:{team} status:open",
            "--ettr", str(k * 7), "--yes")
        day += dt.timedelta(weeks=4)
    with contextlib.closing(sqlite3.connect(db)) as con:
        events = con.execute("SELECT count(*) FROM event").fetchone()[0]
    log(f"n={ws.n}: {events:,} events in {time.perf_counter() - started:.0f} s")
    done.write_text(f"{events}\n")
    return db


def history_jobs(op, ws):
    """(riskreg job, the export it is held against) on the history register, both at its
    frozen now: `list --as-of` six months back or `trend --weeks 52`, against `export --all
    --format json` of today's register."""
    db = ensure_history(ws)
    env = {"RISKREG_NOW": HISTORY_NOW}
    d = ws.dir
    args = (["list", "--all", "--as-of", HISTORY_AS_OF, "--format", "json"] if op == "as_of"
            else ["trend", "--weeks", "52", "--format", "json"])
    export = d / "history-export.json"
    return (Job(riskreg_argv(ws, db, *args), stdout=d / f"{op}-riskreg.json", env=env),
            Job(riskreg_argv(ws, db, "export", "--all", "--format", "json", "-o", str(export),
                             "--force"), output=export, env=env))


def load_floor_actions(floor_db, actions_csv):
    """The floor's actions: a plain table of the same rows (ids in file order, as riskreg
    gives them) and the partial index riskreg keeps on open actions by due date."""
    with contextlib.closing(sqlite3.connect(floor_db)) as con, \
            open(actions_csv, newline="", encoding="utf-8") as f:
        con.executescript("""
            DROP TABLE IF EXISTS actions;
            CREATE TABLE actions (id INTEGER PRIMARY KEY, risk_id INTEGER NOT NULL, title TEXT,
                status TEXT, owner TEXT, team TEXT, milestone TEXT, due TEXT, link TEXT,
                kind TEXT, incident INTEGER, created_at TEXT, updated_at TEXT, revision INTEGER);
        """)
        rows = csv.reader(f)
        next(rows)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        con.executemany(
            "INSERT INTO actions (risk_id, title, status, owner, team, milestone, due, link, "
            "kind, incident, created_at, updated_at, revision) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, 1)",
            ((*row, stamp, stamp) for row in rows))
        con.execute("CREATE INDEX actions_open_due ON actions (due, id) "
                    "WHERE status = 'todo' OR status = 'doing'")
        con.execute("CREATE INDEX actions_risk ON actions (risk_id)")
        con.commit()


def write_action_overdue_sql(ws):
    """The floor's action_overdue: the same SELECT riskreg answers, as of today."""
    path = ws.dir / "action_overdue.sql"
    path.write_text(f""".headers on
.mode csv
SELECT a.id, a.risk_id AS risk, r.title AS risk_title, a.title, a.status, a.owner, a.team,
       a.milestone, a.due, a.due AS effective_due, a.link, a.kind, a.incident, a.created_at,
       a.updated_at, a.revision
FROM actions a JOIN risks r ON r.id = a.risk_id
WHERE (a.status = 'todo' OR a.status = 'doing') AND a.due < '{dt.date.today().isoformat()}'
ORDER BY a.due, a.id;
""")
    return path


def prepare_workspace(work, shared, riskreg, n):
    """Dataset plus the two databases the read operations query, built untimed."""
    ws = Workspace(n, work / str(n), ensure_dataset(work, shared, n), riskreg, shared,
                   ensure_actions(work, n))
    ws.dir.mkdir(exist_ok=True)
    log(f"n={n}: loading riskreg.db and floor.db")
    execute(Job([str(riskreg), "--db", str(ws.riskreg_db), "import", str(ws.csv)],
            fresh_dbs=(ws.riskreg_db,)))
    execute(Job(["sqlite3", str(ws.floor_db)], stdin=ws.render("import.sql.in", "@CSV@", ws.csv),
                fresh_dbs=(ws.floor_db,)))
    took = execute(Job([str(riskreg), "--db", str(ws.riskreg_db), "import", str(ws.actions)]))
    log(f"n={n}: {n * ACTIONS_PER_RISK} actions imported into riskreg.db in {took / 1000:.1f} s")
    load_floor_actions(ws.floor_db, ws.actions)
    write_action_overdue_sql(ws)
    return ws


# --- the operations --------------------------------------------------------------------------

def riskreg_argv(ws, db, *args):
    return [str(ws.riskreg), "--db", str(db), *args]


def op_jobs(op, ws):
    """(riskreg job, floor job) doing the same work for one operation."""
    d = ws.dir
    if op == "import":
        fresh_r, fresh_f = d / "import-riskreg.db", d / "import-floor.db"
        return (Job(riskreg_argv(ws, fresh_r, "import", str(ws.csv)), fresh_dbs=(fresh_r,)),
                Job(["sqlite3", str(fresh_f)], stdin=ws.render("import.sql.in", "@CSV@", ws.csv),
                    fresh_dbs=(fresh_f,)))
    if op in ("top50", "filtered"):
        query = (["status:open", "--limit", "50"] if op == "top50"
                 else ["team:team03", "score>12", "-status:closed"])
        return (Job(riskreg_argv(ws, ws.riskreg_db, "list", *query, "--format", "csv"),
                    stdout=d / f"{op}-riskreg.csv"),
                Job(["sqlite3", "-csv", str(ws.floor_db)], stdin=ws.floor_sql(f"{op}.sql"),
                    stdout=d / f"{op}-floor.csv"))
    if op in ("export_csv", "export_json"):
        fmt = op.removeprefix("export_")
        ours, theirs = d / f"export-riskreg.{fmt}", d / f"export-floor.{fmt}"
        return (Job(riskreg_argv(ws, ws.riskreg_db, "export", "--all", "--format", fmt,
                                 "-o", str(ours), "--force"), output=ours),
                Job(["sqlite3", str(ws.floor_db)], output=theirs,
                    stdin=ws.render(f"{op}.sql.in", "@OUT@", theirs)))
    if op == "export_xlsx":
        ours, theirs = d / "export-riskreg.xlsx", d / "export-floor-for-xlsx.csv"
        return (Job(riskreg_argv(ws, ws.riskreg_db, "export", "--all", "-o", str(ours),
                                 "--force")),
                Job(["sqlite3", str(ws.floor_db)], output=theirs,
                    stdin=ws.render("export_csv.sql.in", "@OUT@", theirs)))
    if op == "action_overdue":
        return (Job(riskreg_argv(ws, ws.riskreg_db, "action", "list", "is:overdue",
                                 "--format", "csv"), stdout=d / "action_overdue-riskreg.csv"),
                Job(["sqlite3", str(ws.floor_db)], stdin=d / "action_overdue.sql",
                    stdout=d / "action_overdue-floor.csv"))
    if op == "startup":
        return (Job(riskreg_argv(ws, ws.riskreg_db, "list", "--limit", "1")),
                Job(["sqlite3", str(ws.floor_db), FLOOR_STARTUP_SQL]))
    raise ValueError(op)


# --- correctness: the ids each side returned --------------------------------------------------

def csv_ids(path):
    """Ids from a CSV with or without header/BOM, CRLF or LF: the `id` column, else column 0."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if rows and "id" in rows[0]:
        col = rows[0].index("id")
        rows = rows[1:]
    else:
        col = 0
    return [int(row[col]) for row in rows]


def json_ids(path):
    with open(path, encoding="utf-8") as f:
        return [int(record["id"]) for record in json.load(f)]


def result_ids(path):
    return json_ids(path) if path.suffix == ".json" else csv_ids(path)


PRIORITY_ORDER = "score desc, impact desc, milestone due date asc (none last), id asc"
TIE_NOTE = (f"the floor breaks ties on score by id only, so its rows are compared re-sorted "
            f"by riskreg's priority order: {PRIORITY_ORDER}")


@dataclass(frozen=True)
class FloorRisk:
    """One row of the floor's own table: what the priority order and the explanations use."""
    id: int
    score: int
    likelihood: int
    impact: int
    milestone: str
    status: str
    team: str

    def describe(self):
        return (f"id {self.id} (score {self.score} = {self.likelihood}×{self.impact}, "
                f"{self.milestone}, {self.status}, {self.team})")


def floor_risks(floor_db, ids):
    """The floor's rows for these ids, by id: one untimed read-only query on floor.db."""
    with contextlib.closing(sqlite3.connect(f"file:{floor_db}?mode=ro", uri=True)) as con:
        rows = con.execute(
            "SELECT id, score, likelihood, impact, milestone, status, team FROM risks "
            "WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(ids)),))
        return {row[0]: FloorRisk(*row) for row in rows}


def priority_key(risk):
    """riskreg's priority order (README "Scoring and the priority order") as a sort key.

    The milestone due date key is "none" for every row, so it cannot reorder anything: the
    floor's table records a milestone by name only, and the dataset has no milestone_due
    column, so every milestone is undated (riskreg imports them undated too)."""
    return (-risk.score, -risk.impact, risk.id)


def first_difference(ours, expected):
    """The first index where two different id sequences differ, or where the shorter ends."""
    return next((k for k, (a, b) in enumerate(zip(ours, expected)) if a != b),
                min(len(ours), len(expected)))


def explain_mismatch(ours, expected, risks):
    """Why riskreg's ids differ from the floor's re-sorted ids: rows only one side returned,
    or the same rows in another order, and the first position that differs."""
    def show(i):
        return risks[i].describe() if i in risks else f"id {i} (not in the floor's table)"

    def at(ids, k):
        return show(ids[k]) if k < len(ids) else "no row"

    lines = [f"riskreg {len(ours)} rows, floor {len(expected)} rows"]
    only_ours, only_floor = set(ours) - set(expected), set(expected) - set(ours)
    for name, ids in (("only riskreg", only_ours), ("only floor", only_floor)):
        if ids:
            shown = ", ".join(show(i) for i in sorted(ids)[:3])
            lines.append(f"{len(ids)} {name}: {shown}{', …' if len(ids) > 3 else ''}")
    if not (only_ours or only_floor):
        moved = sum(a != b for a, b in zip(ours, expected))
        lines.append(f"same ids, {moved} positions differ")
    k = first_difference(ours, expected)
    lines.append(f"first at row {k + 1}: riskreg {at(ours, k)}, floor {at(expected, k)}")
    lines.append(TIE_NOTE)
    return "; ".join(lines)


# top50.sql's filter and limit, for widening its cut (see widen_cut)
TOP50_WHERE, TOP50_LIMIT = "status = 'open'", 50


def widen_cut(floor_db, floor_ids, risks):
    """For a LIMIT query (top50), the ids the priority order's top rows must come from.

    The floor cuts its `ORDER BY score DESC, id LIMIT 50` inside a group of equal scores by
    id, where the priority order breaks that tie by impact first: at the cut the two can
    rightly pick different rows of the same score. Every row scoring above the floor's last
    one is in the floor's 50; so the candidates are those plus the whole group at the last
    score (one more untimed query on floor.db), and the expected rows are the first 50 of
    them in the priority order."""
    cut = min(risks[i].score for i in floor_ids)
    with contextlib.closing(sqlite3.connect(f"file:{floor_db}?mode=ro", uri=True)) as con:
        rows = con.execute(f"SELECT id FROM risks WHERE {TOP50_WHERE} AND score >= ?", (cut,))
        return [row[0] for row in rows], cut


def check(ws, ours_job, theirs_job, op):
    """MATCH, or MISMATCH with the reason. Expects both jobs to have just run."""
    ours, floor_ids = result_ids(ours_job.result), result_ids(theirs_job.result)
    if op == "action_overdue":
        if ours == floor_ids:
            return True, f"MATCH (same {len(ours)} actions in the same order: due date, id)"
        k = first_difference(ours, floor_ids)
        return False, (f"MISMATCH: riskreg {len(ours)} actions, floor {len(floor_ids)}; first "
                       f"difference at row {k + 1}")
    risks = floor_risks(ws.floor_db, {*ours, *floor_ids})
    note = "floor re-sorted by the priority order"
    if op == "top50" and len(floor_ids) == TOP50_LIMIT:
        candidates, cut = widen_cut(ws.floor_db, floor_ids, risks)
        risks = floor_risks(ws.floor_db, {*ours, *candidates})
        expected = sorted(candidates, key=lambda i: priority_key(risks[i]))[:TOP50_LIMIT]
        if set(expected) != set(floor_ids):
            note += (f"; the floor's cut falls inside the score-{cut} tie, so the expected rows"
                     f" are the first {TOP50_LIMIT} of the {len(candidates)} open risks scoring"
                     f" ≥ {cut}, in the priority order")
    else:
        expected = sorted(floor_ids, key=lambda i: priority_key(risks[i]))
    if ours == expected:
        return True, f"MATCH (same {len(ours)} rows; {note})"
    return False, "MISMATCH: " + explain_mismatch(ours, expected, risks)


# --- measuring and reporting ------------------------------------------------------------------

@dataclass
class Result:
    op: str
    riskreg: list
    floor: list

    @property
    def riskreg_ms(self):
        return statistics.median(s.ms for s in self.riskreg)

    @property
    def floor_ms(self):
        return statistics.median(s.ms for s in self.floor)

    @property
    def ratio(self):
        return self.riskreg_ms / self.floor_ms

    @property
    def riskreg_rss_mib(self):
        return max(s.rss_kib for s in self.riskreg) / 1024

    @property
    def floor_rss_mib(self):
        return max(s.rss_kib for s in self.floor) / 1024

    @property
    def passed(self):
        return TARGETS[self.op].met(self.ratio, self.riskreg_rss_mib)

    def row(self, n):
        return [self.op, f"{self.riskreg_ms:.1f}", f"{self.floor_ms:.1f}", f"{self.ratio:.2f}",
                f"{self.riskreg_rss_mib:.1f}", f"{self.floor_rss_mib:.1f}",
                TARGETS[self.op].describe(), result_word(self.passed, n)]


HEADER = ["op", "riskreg median ms", "floor median ms", "ratio", "riskreg peak RSS MiB",
          "floor peak RSS MiB", "target", "result"]


def measure(op, ws, runs, gnu_time, baseline=None):
    """Warm-up and correctness check, then `runs` interleaved samples per side."""
    if op == "report":
        ours, theirs = report_jobs(ws, baseline)
    elif op in HISTORY_OPS:
        ours, theirs = history_jobs(op, ws)
    else:
        ours, theirs = op_jobs(op, ws)
    execute(ours)
    execute(theirs)
    compares = ours.result and op != "report" and op not in HISTORY_OPS
    verdict = check(ws, ours, theirs, op) if compares else None
    result = Result(op, [], [])
    sides = [(ours, result.riskreg), (theirs, result.floor)]
    for i in range(runs):
        for job, samples in (sides if i % 2 == 0 else sides[::-1]):
            samples.append(sample(job, gnu_time))
    return result, verdict


def text_table(rows):
    widths = [max(len(r[c]) for r in [HEADER, *rows]) for c in range(len(HEADER))]

    def fmt(row):  # numbers right-aligned, words left-aligned
        return "  ".join(v.rjust(w) if 0 < c < 6 else v.ljust(w)
                         for c, (v, w) in enumerate(zip(row, widths))).rstrip()
    return "\n".join([fmt(HEADER), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def markdown_table(rows):
    lines = ["| " + " | ".join(HEADER) + " |",
             "|" + "|".join("---" if c in (0, 6, 7) else "---:" for c in range(len(HEADER))) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


# --- the TUI: benches/tui.rs, in-process ------------------------------------------------------

DASH = "—"


@dataclass(frozen=True)
class TuiMeasure:
    """One figure of the tui bench: its RESULT key, the row it makes, its unit and target."""
    op: str
    key: str
    unit: str  # "ms" or "MiB"
    limit: float
    meaning: str


TUI_MEASURES = (
    TuiMeasure("tui_first_screen", "first_screen_ms", "ms", 500,
               "open the register, first rows from the loader thread, first frame drawn"),
    TuiMeasure("tui_actions_first_screen", "actions_first_screen_ms", "ms", 500,
               "open the register on the Actions tab, its first rows, first frame drawn"),
    TuiMeasure("tui_keystroke_p99", "keystroke_p99_ms", "ms", 16,
               "p99 of key → drawn frame over every key below"),
    TuiMeasure("tui_move_p99", "move_p99_ms", "ms", 16, "p99 of `j` (down one row), 400 keys"),
    TuiMeasure("tui_page_p99", "page_p99_ms", "ms", 16, "p99 of PgDn/PgUp alternating, 400 keys"),
    TuiMeasure("tui_jump_p99", "jump_p99_ms", "ms", 16, "p99 of G/g (last/first row), 100 keys"),
    TuiMeasure("tui_filter_p99", "filter_p99_ms", "ms", 16,
               "p99 of typing three queries in the filter bar at 60 ms a key"
               " (≈ 57 keys: close to their maximum)"),
    TuiMeasure("tui_memory", "peak_mib", "MiB", 200,
               "peak RSS of the bench process after its own import (VmHWM reset), "
               "through all of the above"),
)
TUI_TIME_KEYS = [m.key for m in TUI_MEASURES if m.unit == "ms"]


@dataclass
class TuiResult:
    """The tui bench's figures for one N: the median of each time over the runs, the highest
    memory, and what the bench said about the register."""
    runs: list  # one dict of RESULT key -> value per run

    def value(self, key):
        values = [float(r[key]) for r in self.runs]
        return max(values) if key.endswith("_mib") else statistics.median(values)

    def info(self, key):
        return self.runs[-1].get(key, "?")

    def measures(self):
        return [(m, self.value(m.key)) for m in TUI_MEASURES]

    def rows(self, n):
        out = []
        for m, v in self.measures():
            is_ms = m.unit == "ms"
            out.append([m.op, f"{v:.1f}" if is_ms else DASH, DASH, DASH,
                        DASH if is_ms else f"{v:.1f}", DASH, f"≤ {m.limit:g} {m.unit}",
                        result_word(v <= m.limit, n)])
        return out

    @property
    def passed(self):
        return all(v <= m.limit for m, v in self.measures())


def build_bench(name):
    """Builds a bench once (bench profile) and returns its executable, from cargo's JSON
    messages: the compiler-artifact of target `name`, kind bench, profile.test true."""
    log(f"building the {name} bench: cargo bench --locked --bench {name} --no-run")
    proc = subprocess.run(
        ["cargo", "bench", "--locked", "--bench", name, "--no-run", "--message-format=json"],
        cwd=REPO, capture_output=True, text=True)
    if proc.returncode:
        raise BenchError(f"cargo bench --bench {name} --no-run failed:\n{proc.stderr.strip()}")
    found = None
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        target = msg.get("target") or {}
        if (msg.get("reason") == "compiler-artifact" and target.get("name") == name
                and "bench" in target.get("kind", [])
                and (msg.get("profile") or {}).get("test") and msg.get("executable")):
            found = Path(msg["executable"])
    if found is None or not found.is_file():
        raise BenchError(f"cargo built the {name} bench but named no executable for it")
    return found


CHANCE_LIMIT_MS = 200


def measure_chance(exe):
    """The chance bench's RESULT lines (its own median over 11 runs)."""
    proc = subprocess.run([str(exe), "--bench", "--runs", "11", "--machine"],
                          capture_output=True, text=True)
    got = parse_results(proc.stdout)
    if proc.returncode or "chance_ms" not in got:
        raise BenchError(f"the chance bench failed ({proc.returncode}):\n"
                         f"{proc.stderr.strip()}\n{proc.stdout.strip()}")
    return got


def chance_lines(got):
    ms = float(got["chance_ms"])
    word = "PASS" if ms <= CHANCE_LIMIT_MS else "FAIL"
    return [f"Chance of missing the SLO (cargo bench --bench chance): {got['risks']} estimated "
            f"risks, now and after each of {got['milestones']} milestones lands, "
            f"{ms:.1f} ms (median of 11) against ≤ {CHANCE_LIMIT_MS} ms: {word} "
            f"(miss probability {float(got['miss_probability']):.4f}, grid step "
            f"{got['step_minutes']} min)."]


def parse_results(stdout):
    """`RESULT key=value` lines, as a dict."""
    out = {}
    for line in stdout.splitlines():
        if line.startswith("RESULT ") and "=" in line:
            key, value = line.removeprefix("RESULT ").split("=", 1)
            out[key.strip()] = value.strip()
    return out


def measure_tui(exe, ws, runs):
    """Runs the tui bench `runs` times on this size's dataset; every run's RESULT lines."""
    results = []
    for i in range(runs):
        argv = [str(exe), "--bench", "--rows", str(ws.n), "--machine",
                "--shared", str(ws.shared), "--csv", str(ws.csv),
                "--actions-csv", str(ws.actions)]
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=ws.dir)
        if proc.returncode:
            raise BenchError(f"`{' '.join(argv)}` exited {proc.returncode}:\n"
                             f"{proc.stderr.strip()}\n{proc.stdout.strip()}")
        got = parse_results(proc.stdout)
        missing = [k for k in [*TUI_TIME_KEYS, "peak_mib", "imported"] if k not in got]
        if missing:
            raise BenchError(f"the tui bench printed no RESULT for {', '.join(missing)}:\n"
                             f"{proc.stdout.strip()}")
        log(f"n={ws.n}: tui run {i + 1}/{runs}: first screen {got['first_screen_ms']} ms, "
            f"actions tab {got['actions_first_screen_ms']} ms, "
            f"keystroke p99 {got['keystroke_p99_ms']} ms, peak {got['peak_mib']} MiB")
        results.append(got)
    return TuiResult(results)


def tui_check(n, tui):
    """The bench's register must hold the N risks of the dataset."""
    imported = tui.info("imported")
    actions = tui.info("imported_actions")
    text = (f"the bench's register holds {imported} risks and {actions} actions; the Actions "
            f"tab opened on {tui.info('actions')} open actions; the Risks tab opened on "
            f"{tui.info('risks')} rows (its default view, like `riskreg list` without --all); "
            f"memory measured over: {tui.info('peak_scope')}")
    ok = imported == str(n) and actions == str(n * ACTIONS_PER_RISK)
    return ok, ("MATCH: " if ok else f"MISMATCH: expected {n}, ") + text


# --- how cost grows with N --------------------------------------------------------------------

def short_n(n):
    for unit, div in (("M", 1_000_000), ("k", 1_000)):
        if n >= div and n % div == 0:
            return f"{n // div}{unit}"
    return f"{n:,}"


@dataclass
class Series:
    """One operation's figure at each N: riskreg's, and the floor's where there is one."""
    op: str
    unit: str
    ours: dict = field(default_factory=dict)
    floor: dict = field(default_factory=dict)


def series(sections):
    found = {}
    for sec in sections:
        for r in sec.results:
            s = found.setdefault(r.op, Series(r.op, "ms"))
            s.ours[sec.n], s.floor[sec.n] = r.riskreg_ms, r.floor_ms
        if sec.tui:
            for m, v in sec.tui.measures():
                found.setdefault(m.op, Series(m.op, m.unit)).ours[sec.n] = v
    return list(found.values())


def per_ten(factor, n_from, n_to):
    """A growth factor over n_from → n_to, expressed per 10× N."""
    return factor ** (1 / math.log10(n_to / n_from))


def classify(series_, sizes):
    """constant / linear / worse / sublinear, from riskreg's figures, and the reason."""
    lo, hi = sizes[0], sizes[-1]
    prev = sizes[-2]
    v = series_.ours
    overall = v[hi] / v[lo]
    # constant: < 2× over 100× N, i.e. < √2 per 10× N over the whole span
    if per_ten(overall, lo, hi) < math.sqrt(2):
        return "constant"
    last = per_ten(v[hi] / v[prev], prev, hi)
    if last > 15:
        return "worse than linear"
    if last >= 5:
        return "linear"
    return "sublinear (fixed cost + growing part)"


GROWTH_HEADER_FIXED = ["op", "unit"]


def growth_rows(sections):
    sizes = [sec.n for sec in sections]
    lo, prev, hi = sizes[0], sizes[-2], sizes[-1]
    rows = []
    for s in series(sections):
        if not all(n in s.ours for n in sizes):
            continue
        v, f = s.ours, s.floor
        row = [s.op, s.unit, *[f"{v[n]:.1f}" for n in sizes],
               f"{v[hi] / v[lo]:.1f}×", f"{v[hi] / v[prev]:.1f}×"]
        if f:
            row += [f"{f[hi] / f[lo]:.1f}×", f"{f[hi] / f[prev]:.1f}×"]
        else:
            row += [DASH, DASH]
        marginal = (v[hi] - v[prev]) / ((hi - prev) / 1000)
        row.append(f"{marginal:.3f}")
        row.append(classify(s, sizes))
        rows.append(row)
    return rows


def growth_header(sizes):
    lo, prev, hi = (short_n(n) for n in (sizes[0], sizes[-2], sizes[-1]))
    return (["op", "unit", *[f"at {short_n(n)}" for n in sizes],
             f"× {lo}→{hi}", f"× {prev}→{hi}", f"floor × {lo}→{hi}", f"floor × {prev}→{hi}",
             f"marginal {prev}→{hi} per 1k risks", "class"])


GROWTH_RULES = (
    "Classes (riskreg's figures): constant = grows < 2× over 100× N; linear = 5×–15× per 10× N "
    "between the two largest N; worse than linear = > 15× per 10× N there; sublinear = in "
    "between, a fixed cost still outweighs the part that grows. The marginal column is "
    "(figure at the largest N − figure at the one before) per 1,000 more risks: the part that "
    "grows, which a fixed cost can hide in the ratios.")
GROWTH_WHY = (
    "top50, startup and (at small N) filtered read a bounded number of rows through an index, "
    "so their time is the process's start-up and opening the database, which do not depend on "
    "N: \"constant\" is the honest answer for them, not a sign that nothing is measured.")


def growth_text(sections):
    sizes = [sec.n for sec in sections]
    header = growth_header(sizes)
    rows = growth_rows(sections)
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    last = len(header) - 1

    def fmt(row):
        return "  ".join(val.ljust(w) if c in (0, 1, last) else val.rjust(w)
                         for c, (val, w) in enumerate(zip(row, widths))).rstrip()
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def growth_markdown(sections):
    sizes = [sec.n for sec in sections]
    header = growth_header(sizes)
    rows = growth_rows(sections)
    last = len(header) - 1
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if c in (0, 1, last) else "---:"
                            for c in range(len(header))) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def summary_lines(sections):
    """Correctness, every target FAIL with its absolute gap, and anything worse than linear."""
    checks = [(sec.n, op, ok) for sec in sections for op, (ok, _) in sec.verdicts.items()]
    bad = [f"{op} at N = {n:,}" for n, op, ok in checks if not ok]
    lines = [f"Correctness: {len(checks) - len(bad)} of {len(checks)} checks MATCH"
             + (f"; MISMATCH: {', '.join(bad)}." if bad else ".")]
    total, fails, over = 0, [], []
    for sec in sections:
        missed = fails if sec.judged else over
        if sec.judged:
            total += len(sec.results) + (len(sec.tui.measures()) if sec.tui else 0)
        for r in sec.results:
            if not r.passed:
                target = TARGETS[r.op]
                missed.append(f"{r.op} at N = {sec.n:,}: {r.ratio:.2f}× against "
                              f"{target.describe()} ({r.riskreg_ms:.1f} vs {r.floor_ms:.1f} ms, "
                              f"{r.riskreg_ms - r.floor_ms:+.1f} ms; peak "
                              f"{r.riskreg_rss_mib:.1f} MiB)")
        if sec.tui:
            for m, v in sec.tui.measures():
                if v > m.limit:
                    missed.append(f"{m.op} at N = {sec.n:,}: {v:.1f} {m.unit} against "
                                  f"≤ {m.limit:g} {m.unit}")
    if total:
        lines.append(f"Targets at N = {TARGET_N:,} (where they are set): "
                     f"{total - len(fails)} of {total} PASS"
                     + (f"; FAIL: {'; '.join(fails)}." if fails else "."))
    else:
        lines.append(f"Targets: not judged (they are set at N = {TARGET_N:,}, "
                     "which this run did not measure).")
    if over:
        lines.append("At smaller N, for reference (a fixed cost of a few milliseconds "
                     f"dominates there): over the ratio: {'; '.join(over)}.")
    if len(sections) > 1:
        sizes = [sec.n for sec in sections]
        worse = [r[0] for r in growth_rows(sections) if r[-1] == "worse than linear"]
        lines.append(f"Growth {short_n(sizes[0])} → {short_n(sizes[-1])}: "
                     + (f"worse than linear: {', '.join(worse)}." if worse
                        else "nothing grows worse than linearly."))
    return lines


# --- environment and the Markdown report ------------------------------------------------------

def command_line(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.strip().splitlines()[0] if out.strip() else "unknown"


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def memory_total():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def source_state():
    head = command_line(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    try:
        changed = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain"],
                                 capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return f"git {head}"
    paths = [line[3:] for line in changed.splitlines() if line.strip()]
    if not paths:
        return f"git {head}, clean"
    shown = ", ".join(paths[:8]) + (", …" if len(paths) > 8 else "")
    return f"git {head} with uncommitted changes in {shown}"


def environment(riskreg, args):
    machine = {
        "uname": command_line(["uname", "-srm"]),
        "cores (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": cpu_model(),
        "memory": memory_total(),
    }
    versions = {
        "riskreg": command_line([str(riskreg), "--version"]),
        "riskreg source": source_state(),
        "sqlite3": command_line(["sqlite3", "--version"]),
        "rustc": command_line(["rustc", "--version"]),
        "python": platform.python_version(),
    }
    if args.baseline:
        versions["baseline (report op)"] = command_line([str(args.baseline), "--version"])
    run = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "CLI runs": f"{args.runs} per side, interleaved (the side going first alternates); "
                    f"median wall time of whole processes; peak RSS = highest of {args.runs} "
                    f"more runs under GNU time",
    }
    if not args.skip_tui:
        run["TUI runs"] = (f"{args.tui_runs} of the tui bench per N; median of each time, "
                           f"highest memory")
    return {"Machine": machine, "Versions": versions, "Run": run}


def reproduce_command():
    return " ".join(["python3", "benches/compare.py", *sys.argv[1:]])


OP_MEANINGS = {
    "import": "load the N-risk CSV into a fresh database, one transaction "
              "(riskreg import vs the shell's .import into a typed table + indexes)",
    "top50": "the 50 highest-priority open risks (riskreg list status:open --limit 50)",
    "filtered": "team03's risks scoring above 12, not closed "
                "(riskreg list team:team03 score>12 -status:closed)",
    "export_csv": "every risk, sorted by priority, to a CSV file (riskreg export --all)",
    "export_json": "every risk, sorted by priority, to a JSON file (riskreg export --all)",
    "export_xlsx": "every risk, sorted by priority, to an XLSX workbook with the open "
                   "actions' sheet (riskreg export --all -o FILE.xlsx); the sqlite3 shell "
                   "writes no workbook, so the floor column is its CSV export (no time "
                   "target: the issue sets peak memory)",
    "startup": "cold start: open the database and print one risk (riskreg list --limit 1)",
    "action_overdue": "every open action past its due date with its risk's title "
                      "(riskreg action list is:overdue --format csv)",
    "report": "the report with the budget, its chance of missing and the burn-down, every "
              "risk estimated (riskreg report --format json); the floor column is the "
              "--baseline riskreg doing the same",
    "as_of": "every risk as the register stood six months back, rebuilt from a year of "
             "history (riskreg list --all --as-of DATE --format json); the floor column is "
             "riskreg export --all --format json of today's register",
    "trend": "the last 52 weeks' figures from a year of history (riskreg trend --weeks 52 "
             "--format json); the floor column is riskreg export --all --format json of "
             "today's register",
}


def write_markdown(path, env, sections, wall_s, tui_skipped):
    parts = ["# riskreg benchmarks: speed at scale against the sqlite3 floor", "",
             "riskreg and the `sqlite3` shell (the *floor*: the same work done by SQLite's own "
             "shell on a plain table, `../shared/bench/sqlite-floor/`) run side by side, "
             "interleaved, in one run, on the same generated data "
             "(`../shared/bench/gen_dataset.py`). Times are medians of whole processes "
             "(warm page cache); the ratio is riskreg / floor.", "",
             "## How to reproduce", "",
             "From the repository root (needs `cargo`, `sqlite3` and GNU `time`):", "",
             f"    {reproduce_command()}", "",
             f"The whole run took {wall_s:.0f} s.", "",
             "## Summary", ""]
    parts += [f"- {line}" for line in summary_lines(sections)]
    parts.append("")
    for title, items in env.items():
        parts += [f"## {title}", ""]
        parts += [f"- {key}: {value}" for key, value in items.items()]
        parts.append("")
    parts += ["## What each row measures", ""]
    used = {r.op for sec in sections for r in sec.results}
    parts += [f"- **{op}**: {text}." for op, text in OP_MEANINGS.items() if op in used]
    if not tui_skipped:
        parts += [f"- **{m.op}**: {m.meaning}." for m in TUI_MEASURES]
        parts += ["", "The TUI rows come from `benches/tui.rs`: in-process, frames drawn into "
                  "ratatui's TestBackend at 120×40 (riskreg's work per keystroke, without a "
                  "terminal emulator's); they have no floor, so floor and ratio show —."]
    parts.append("")
    for sec in sections:
        parts += [f"## N = {sec.n:,}", "", markdown_table(sec.rows()), ""]
        if sec.verdicts:
            parts += ["Correctness (riskreg's ids against the floor's, re-sorted by the "
                      "priority order):", ""]
            parts += [f"- {op}: {text}" for op, (_, text) in sec.verdicts.items()]
            parts.append("")
    if len(sections) > 1:
        parts += ["## How cost grows with N", "", growth_markdown(sections), "",
                  GROWTH_RULES, "", GROWTH_WHY, ""]
    Path(path).write_text("\n".join(parts))


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- command line -----------------------------------------------------------------------------

def parse_args():
    def sizes(text):
        return [int(s) for s in text.split(",")]

    def ops(text):
        chosen = text.split(",")
        unknown = [o for o in chosen if o not in OPS]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown op {', '.join(unknown)}; "
                                             f"choose from {', '.join(OPS)}")
        return [o for o in OPS if o in chosen]

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=sizes, default=[1_000, 10_000, 100_000],
                    help="comma-separated N values [default: 1000,10000,100000]")
    ap.add_argument("--runs", type=int, default=7, help="timed runs per side (odd)")
    ap.add_argument("--tui-runs", type=int, default=3, help="runs of the tui bench per N (odd)")
    ap.add_argument("--riskreg", type=Path, help=f"binary [default: {DEFAULT_RISKREG}, "
                    "built first with cargo build --release --locked]")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="directory with gen_dataset.py and sqlite-floor/")
    ap.add_argument("--markdown", type=Path, default=DEFAULT_MARKDOWN,
                    help=f"write the results as Markdown here [default: {DEFAULT_MARKDOWN}]")
    ap.add_argument("--no-markdown", action="store_true", help="write no Markdown")
    ap.add_argument("--keep", type=Path, help="work directory to keep (datasets are reused)")
    ap.add_argument("--only", type=ops, default=list(OPS), help=f"subset of {','.join(OPS)}")
    ap.add_argument("--skip-tui", action="store_true", help="do not measure the TUI")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target FAILs")
    ap.add_argument("--baseline", type=Path,
                    help="an earlier riskreg binary: adds the report op, timed against it")
    a = ap.parse_args()
    if a.runs < 1 or a.runs % 2 == 0:
        ap.error("--runs must be odd and positive, so the median is one measured run")
    if a.tui_runs < 1 or a.tui_runs % 2 == 0:
        ap.error("--tui-runs must be odd and positive")
    if any(n < 1 for n in a.sizes):
        ap.error("--sizes must be positive")
    a.sizes = sorted(set(a.sizes))
    return a


def locate_riskreg(explicit):
    if explicit:
        if not explicit.is_file():
            raise BenchError(f"--riskreg {explicit}: no such file")
        return explicit
    log("building riskreg: cargo build --release --locked")
    if subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO).returncode:
        raise BenchError("cargo build --release --locked failed (output above)")
    return DEFAULT_RISKREG


def is_gnu_time(path):
    return path is not None and "GNU" in command_line([path, "--version"])


def find_gnu_time():
    """GNU time (the `time` package), which reports a child's peak RSS untainted by ours;
    installed with apt-get (through sudo when not root) when missing."""
    path = shutil.which("time")
    if is_gnu_time(path):
        return path
    if shutil.which("apt-get"):
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        if not sudo or shutil.which("sudo"):
            log(f"GNU time is missing: {' '.join([*sudo, 'apt-get', 'install', '-y', 'time'])}")
            subprocess.run([*sudo, "apt-get", "install", "-y", "time"],
                           stdout=subprocess.DEVNULL)
            path = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists()
                                            else None)
            if is_gnu_time(path):
                return path
    raise BenchError("GNU time is not on PATH and could not be installed (apt-get install "
                     "time, as root): it measures each process's peak RSS")


@dataclass
class SizeResult:
    n: int
    results: list
    verdicts: dict
    tui: TuiResult | None = None

    def rows(self):
        return [r.row(self.n) for r in self.results] + (self.tui.rows(self.n) if self.tui else [])

    @property
    def judged(self):
        """Whether this N is at the targets' scale."""
        return self.n >= TARGET_N

    @property
    def passed(self):
        """Whether every target holds; only judged at the targets' scale."""
        return not self.judged or (all(r.passed for r in self.results)
                                   and (self.tui is None or self.tui.passed))


def benchmark(args, work, gnu_time):
    riskreg = work / "riskreg"
    shutil.copy2(locate_riskreg(args.riskreg), riskreg)
    tui_exe = None
    if not args.skip_tui:
        tui_exe = work / "tui-bench"
        shutil.copy2(build_bench("tui"), tui_exe)
    env = environment(riskreg, args)
    sections = []
    for n in args.sizes:
        ws = prepare_workspace(work, args.shared.resolve(), riskreg, n)
        sec = SizeResult(n, [], {})
        for op in args.only:
            if op == "report" and args.baseline is None:
                continue
            log(f"n={n}: {op} ({args.runs} runs per side)")
            result, verdict = measure(op, ws, args.runs, gnu_time, args.baseline)
            sec.results.append(result)
            if verdict:
                sec.verdicts[op] = verdict
                print(f"check n={n} {op}: {verdict[1]}", flush=True)
        if tui_exe:
            log(f"n={n}: tui ({args.tui_runs} runs of the tui bench)")
            sec.tui = measure_tui(tui_exe, ws, args.tui_runs)
            sec.verdicts["tui"] = tui_check(n, sec.tui)
            print(f"check n={n} tui: {sec.verdicts['tui'][1]}", flush=True)
        print(f"\nN = {n:,}\n{text_table(sec.rows())}\n", flush=True)
        sections.append(sec)
    if len(sections) > 1:
        print(f"How cost grows with N\n{growth_text(sections)}\n\n{GROWTH_RULES}\n"
              f"{GROWTH_WHY}\n", flush=True)
    if not args.skip_tui:
        env["The chance of missing the SLO"] = {"result": chance_lines(measure_chance(build_bench("chance")))[0]}
        print(env["The chance of missing the SLO"]["result"], flush=True)
    return env, sections


def main():
    args = parse_args()
    if shutil.which("sqlite3") is None:
        raise BenchError("sqlite3 is not on PATH")
    gnu_time = find_gnu_time()
    started = time.perf_counter()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        env, sections = benchmark(args, args.keep.resolve(), gnu_time)
    else:
        with tempfile.TemporaryDirectory(prefix="riskreg-bench-") as tmp:
            env, sections = benchmark(args, Path(tmp), gnu_time)
    wall_s = time.perf_counter() - started
    print("\n".join(summary_lines(sections)))
    print(f"whole run: {wall_s:.1f} s")
    if not args.no_markdown:
        write_markdown(args.markdown, env, sections, wall_s, args.skip_tui)
        print(f"wrote {args.markdown}")
    mismatched = any(not ok for sec in sections for ok, _ in sec.verdicts.values())
    failed = any(not sec.passed for sec in sections)
    if mismatched:
        print("correctness: MISMATCH (see the check lines above)")
    if failed:
        print("targets: FAIL (see the result column above)")
    return 1 if mismatched or (args.strict and failed) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        sys.exit(f"compare.py: {e}")
