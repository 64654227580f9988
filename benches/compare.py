#!/usr/bin/env python3
"""riskreg against the sqlite3 shell "floor", side by side on the same generated data.

Run from anywhere (python3, standard library only; needs `sqlite3` and GNU `time` on PATH):

    python3 benches/compare.py                          # N = 100,000, 7 runs per side
    python3 benches/compare.py --sizes 1000,100000 --markdown /tmp/bench.md
    python3 benches/compare.py --only top50,startup --runs 11 --keep /tmp/bench-work

What it measures, for each size N (dataset from ../shared/bench/gen_dataset.py, cached per N
in the work directory):

    import       riskreg import data.csv into a fresh db   vs  sqlite-floor/import.sql.in
    top50        riskreg list status:open --limit 50      vs  sqlite-floor/top50.sql
    filtered     riskreg list team:team03 score>12
                 -status:closed                           vs  sqlite-floor/filtered.sql
    export_csv   riskreg export --all --format csv        vs  sqlite-floor/export_csv.sql.in
    export_json  riskreg export --all --format json       vs  sqlite-floor/export_json.sql.in
    startup      riskreg list --limit 1                   vs  sqlite3 db "SELECT id FROM risks LIMIT 1"

The floor's exports write every row, so riskreg exports with --all (closed risks included).
Every run is a whole process. Each sample is two runs of the same job: one timed
(time.perf_counter() from start to reap) and one under GNU time for its peak RSS (the child's
ru_maxrss, KiB on Linux). They are separate because neither can be had from the other: a
child Python spawns inherits Python's own high-water RSS at exec (os.wait4 on it reports
>= the benchmark's memory, not the program's), and the GNU time wrapper adds ~0.7 ms, a
third of a sqlite3 start-up. The two sides are interleaved sample by sample (the one going
first alternates) so machine noise hits both alike; the table reports the median time, the
ratio riskreg/floor, the highest peak RSS seen, and PASS/FAIL against the targets.

Before timing, each operation runs once per side untimed (a warm-up), and where the result is
a list of risks the ids are compared. The floor sorts `ORDER BY score DESC, id`: it breaks
ties on score by id only, where riskreg's priority order is score desc, impact desc,
milestone due date asc (none last), id asc. So the floor's rows are looked up in its own
table (one more untimed query on floor.db) and re-sorted by the priority order, and riskreg
must return exactly that id sequence: the same rows in the same order. A MISMATCH names the
rows only one side returned and the first position that differs, and makes the script
exit 1. A target FAIL exits 0 — this is a report — unless --strict is given. A failing
command stops the script with its stderr.

The riskreg binary is copied into the work directory first, so a rebuild during the run
cannot swap it out mid-measurement.
"""
import argparse
import contextlib
import csv
import datetime as dt
import json
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
FLOOR_STARTUP_SQL = "SELECT id FROM risks LIMIT 1"


@dataclass(frozen=True)
class Target:
    max_ratio: float
    max_rss_mib: float | None = None

    def describe(self):
        text = f"≤ {self.max_ratio:g}×"
        if self.max_rss_mib is not None:
            text += f", ≤ {self.max_rss_mib:g} MiB"
        return text

    def met(self, ratio, riskreg_rss_mib):
        return ratio <= self.max_ratio and (
            self.max_rss_mib is None or riskreg_rss_mib <= self.max_rss_mib)


TARGETS = {
    "import": Target(1.5),
    "top50": Target(2.0),
    "filtered": Target(2.0),
    "export_csv": Target(1.25, 32),
    "export_json": Target(1.25, 32),
    "startup": Target(2.0),
}
OPS = tuple(TARGETS)


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
        proc = subprocess.Popen([*wrapper, *job.argv], stdin=stdin, stdout=stdout, stderr=err)
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
    """The generated CSV for N, reused if the work directory already has it."""
    path = work / f"data-{n}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        log(f"generating {n} risks -> {path}")
        execute(Job([sys.executable, str(shared / "gen_dataset.py"), str(n), str(partial)]))
        partial.rename(path)
    return path


def prepare_workspace(work, shared, riskreg, n):
    """Dataset plus the two databases the read operations query, built untimed."""
    ws = Workspace(n, work / str(n), ensure_dataset(work, shared, n), riskreg, shared)
    ws.dir.mkdir(exist_ok=True)
    log(f"n={n}: loading riskreg.db and floor.db")
    execute(Job([str(riskreg), "--db", str(ws.riskreg_db), "import", str(ws.csv)],
            fresh_dbs=(ws.riskreg_db,)))
    execute(Job(["sqlite3", str(ws.floor_db)], stdin=ws.render("import.sql.in", "@CSV@", ws.csv),
                fresh_dbs=(ws.floor_db,)))
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


def check(ws, ours_job, theirs_job):
    """MATCH, or MISMATCH with the reason. Expects both jobs to have just run."""
    ours, floor_ids = result_ids(ours_job.result), result_ids(theirs_job.result)
    risks = floor_risks(ws.floor_db, {*ours, *floor_ids})
    expected = sorted(floor_ids, key=lambda i: priority_key(risks[i]))
    if ours == expected:
        return True, f"MATCH (same {len(ours)} rows; floor re-sorted by the priority order)"
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

    def row(self):
        return [self.op, f"{self.riskreg_ms:.1f}", f"{self.floor_ms:.1f}", f"{self.ratio:.2f}",
                f"{self.riskreg_rss_mib:.1f}", f"{self.floor_rss_mib:.1f}",
                TARGETS[self.op].describe(), "PASS" if self.passed else "FAIL"]


HEADER = ["op", "riskreg median ms", "floor median ms", "ratio", "riskreg peak RSS MiB",
          "floor peak RSS MiB", "target", "result"]


def measure(op, ws, runs, gnu_time):
    """Warm-up and correctness check, then `runs` interleaved samples per side."""
    ours, theirs = op_jobs(op, ws)
    execute(ours)
    execute(theirs)
    verdict = check(ws, ours, theirs) if ours.result else None
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


def environment(riskreg, runs):
    return {
        "machine": command_line(["uname", "-srm"]),
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": cpu_model(),
        "riskreg": command_line([str(riskreg), "--version"]),
        "riskreg source": "git " + command_line(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"]),
        "sqlite3": command_line(["sqlite3", "--version"]),
        "python": platform.python_version(),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "runs": f"{runs} per side, interleaved; median wall time; peak RSS = highest of "
                f"{runs} more runs under GNU time",
    }


def write_markdown(path, env, sections, wall_s):
    parts = ["# riskreg vs the sqlite3 floor", ""]
    parts += [f"- {key}: {value}" for key, value in env.items()]
    parts += [f"- whole script: {wall_s:.0f} s", ""]
    for n, results, verdicts in sections:
        parts += [f"## N = {n:,}", "", markdown_table([r.row() for r in results]), ""]
        parts += [f"- {op}: {text}" for op, (_, text) in verdicts.items()]
        parts.append("")
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
    ap.add_argument("--sizes", type=sizes, default=[100_000], help="comma-separated N values")
    ap.add_argument("--runs", type=int, default=7, help="timed runs per side (odd)")
    ap.add_argument("--riskreg", type=Path, help=f"binary [default: {DEFAULT_RISKREG}, "
                    "built with cargo build --release --locked if missing]")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="directory with gen_dataset.py and sqlite-floor/")
    ap.add_argument("--markdown", type=Path, help="also write the results as Markdown here")
    ap.add_argument("--keep", type=Path, help="work directory to keep (datasets are reused)")
    ap.add_argument("--only", type=ops, default=list(OPS), help=f"subset of {','.join(OPS)}")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target FAILs")
    a = ap.parse_args()
    if a.runs < 1 or a.runs % 2 == 0:
        ap.error("--runs must be odd and positive, so the median is one measured run")
    if any(n < 1 for n in a.sizes):
        ap.error("--sizes must be positive")
    return a


def locate_riskreg(explicit):
    if explicit:
        if not explicit.is_file():
            raise BenchError(f"--riskreg {explicit}: no such file")
        return explicit
    if not DEFAULT_RISKREG.is_file():
        log("building riskreg: cargo build --release --locked")
        if subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO).returncode:
            raise BenchError("cargo build --release --locked failed (output above)")
    return DEFAULT_RISKREG


def find_gnu_time():
    """GNU time (the `time` package), which reports a child's peak RSS untainted by ours."""
    path = shutil.which("time")
    if path is None or "GNU" not in command_line([path, "--version"]):
        raise BenchError("GNU time is not on PATH (apt-get install time): it measures peak RSS")
    return path


def benchmark(args, work, gnu_time):
    riskreg = work / "riskreg"
    shutil.copy2(locate_riskreg(args.riskreg), riskreg)
    env = environment(riskreg, args.runs)
    sections = []
    for n in args.sizes:
        ws = prepare_workspace(work, args.shared.resolve(), riskreg, n)
        results, verdicts = [], {}
        for op in args.only:
            log(f"n={n}: {op} ({args.runs} runs per side)")
            result, verdict = measure(op, ws, args.runs, gnu_time)
            results.append(result)
            if verdict:
                verdicts[op] = verdict
                print(f"check n={n} {op}: {verdict[1]}", flush=True)
        print(f"\nN = {n:,}\n{text_table([r.row() for r in results])}\n", flush=True)
        sections.append((n, results, verdicts))
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
    print(f"whole run: {wall_s:.1f} s")
    if args.markdown:
        write_markdown(args.markdown, env, sections, wall_s)
    mismatched = any(not ok for _, _, v in sections for ok, _ in v.values())
    failed = any(not r.passed for _, results, _ in sections for r in results)
    if mismatched:
        print("correctness: MISMATCH (see the check lines above)")
    return 1 if mismatched or (args.strict and failed) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        sys.exit(f"compare.py: {e}")
