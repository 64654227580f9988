#!/usr/bin/env python3
"""riskreg on PostgreSQL against psql doing the same work on the same data, side by side.

The floor is what a person would do with psql alone: `\\copy` the CSV into a table and build
the indexes (import), the same SELECT (top 50, filtered), `\\copy (SELECT …) TO` (CSV
export). Each side runs `--runs` times on a fresh or the same database; the median is kept
and the ratio riskreg / psql is compared with the issue's targets.

    python3 benches/compare_pg.py --url postgres://USER:PW@127.0.0.1/postgres \\
        --csv /tmp/bench-work/data-100000.csv --riskreg target/release/riskreg

The URL names a role that may create databases; two are made (`riskreg_bench_ours`,
`riskreg_bench_floor`) and dropped at the end. Prints a Markdown table for BENCHMARKS.md.
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"import": 1.5, "top50": 2.0, "filtered": 2.0, "export_csv": 1.5}

FLOOR_IMPORT = r"""
\set ON_ERROR_STOP on
BEGIN;
CREATE TABLE risks(
  id          BIGINT PRIMARY KEY,
  title       TEXT NOT NULL,
  description TEXT NOT NULL,
  category    TEXT NOT NULL,
  likelihood  INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
  impact      INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
  team        TEXT NOT NULL,
  milestone   TEXT NOT NULL,
  status      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  score       INTEGER GENERATED ALWAYS AS (likelihood * impact) STORED
);
CREATE TEMP TABLE staging(id TEXT, title TEXT, description TEXT, category TEXT, likelihood TEXT,
  impact TEXT, team TEXT, milestone TEXT, status TEXT, created_at TEXT, approver TEXT,
  accepted_until TEXT) ON COMMIT DROP;
\copy staging FROM '@CSV@' WITH (FORMAT csv, HEADER true)
INSERT INTO risks(id, title, description, category, likelihood, impact, team, milestone, status, created_at)
  SELECT id::bigint, title, description, category, likelihood::int, impact::int, team,
         milestone, status, created_at
  FROM staging;
CREATE INDEX risks_status_score ON risks(status, score DESC);
CREATE INDEX risks_score        ON risks(score DESC);
CREATE INDEX risks_team         ON risks(team);
CREATE INDEX risks_milestone    ON risks(milestone);
COMMIT;
"""

FLOOR_TOP50 = """SELECT id, score, likelihood, impact, team, milestone, title FROM risks
WHERE status = 'open' ORDER BY score DESC, id LIMIT 50"""

FLOOR_FILTERED = """SELECT id, score, likelihood, impact, milestone, status, title FROM risks
WHERE team = 'team03' AND score > 12 AND status <> 'closed' ORDER BY score DESC, id"""

FLOOR_EXPORT = r"""\copy (SELECT id, title, description, category, likelihood, impact, score, team, milestone, status, created_at FROM risks ORDER BY score DESC, id) TO '@OUT@' WITH (FORMAT csv, HEADER true)"""


def with_database(url, db):
    base, _, query = url.partition("?")
    scheme, _, rest = base.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/{db}" + (f"?{query}" if query else "")


def psql(url, *args, stdin=None, stdout=subprocess.DEVNULL):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, *args], input=stdin,
                   stdout=stdout, check=True, text=True)


def fresh(admin, db):
    psql(admin, "-c", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    psql(admin, "-c", f"CREATE DATABASE {db}")


def timed(argv, stdout=subprocess.DEVNULL, stdin=None):
    started = time.perf_counter()
    subprocess.run(argv, stdout=stdout, stdin=stdin, stderr=subprocess.PIPE, check=True)
    return (time.perf_counter() - started) * 1000


def column(path, name):
    """The integers of the column headed `name` in a CSV file with a header row."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [int(row[name]) for row in csv.DictReader(f)]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default=os.environ.get("RISKREG_TEST_PG"))
    p.add_argument("--csv", required=True, type=Path)
    p.add_argument("--riskreg", default="target/release/riskreg", type=Path)
    p.add_argument("--runs", default=3, type=int)
    a = p.parse_args()
    if not a.url:
        sys.exit("give --url (a role that may create databases) or set RISKREG_TEST_PG")
    ours_db, floor_db = "riskreg_bench_ours", "riskreg_bench_floor"
    ours, floor = with_database(a.url, ours_db), with_database(a.url, floor_db)
    riskreg = [str(a.riskreg.resolve()), "--db", ours]
    env_note = subprocess.run(["psql", "-X", "-Atc", "SHOW server_version", a.url],
                              capture_output=True, text=True).stdout.strip()
    times = {op: ([], []) for op in TARGETS}
    tmp = Path(tempfile.mkdtemp(prefix="riskreg-pg-bench-"))
    import_sql = FLOOR_IMPORT.replace("@CSV@", str(a.csv.resolve()))
    for run in range(a.runs):
        print(f"run {run + 1}/{a.runs}: import", file=sys.stderr)
        fresh(a.url, ours_db)
        times["import"][0].append(timed([*riskreg, "import", str(a.csv)]))
        fresh(a.url, floor_db)
        times["import"][1].append(timed_psql_script(floor, import_sql))
    # Both databases settled the same way before the reads, so autovacuum does not wake
    # during one side's measurement.
    psql(ours, "-c", "VACUUM ANALYZE")
    psql(floor, "-c", "VACUUM ANALYZE")
    checks = {}
    for op, query, args in [
        ("top50", FLOOR_TOP50, ["list", "status:open", "--limit", "50"]),
        ("filtered", FLOOR_FILTERED, ["list", "team:team03", "score>12", "-status:closed"]),
    ]:
        for run in range(a.runs):
            out_ours, out_floor = tmp / f"{op}-ours.csv", tmp / f"{op}-floor.csv"
            with open(out_ours, "w") as f:
                times[op][0].append(timed([*riskreg, *args, "--format", "csv"], stdout=f))
            with open(out_floor, "w") as f:
                times[op][1].append(timed(["psql", "-X", "-q", "--csv", "-c", query, floor],
                                          stdout=f))
        # Ties in score are ordered differently (riskreg: impact, milestone, id; the floor:
        # id), so the top 50 is compared by its scores, the filtered list by its ids.
        key = "score" if op == "top50" else "id"
        got, want = column(out_ours, key), column(out_floor, key)
        same = got == want if op == "top50" else sorted(got) == sorted(want)
        checks[op] = "MATCH" if same else "DIFFER"
    for run in range(a.runs):
        out_ours, out_floor = tmp / "export-ours.csv", tmp / "export-floor.csv"
        times["export_csv"][0].append(timed([*riskreg, "export", "--all", "--format", "csv",
                                             "-o", str(out_ours), "--force"]))
        times["export_csv"][1].append(timed_psql_script(
            floor, FLOOR_EXPORT.replace("@OUT@", str(out_floor))))
    checks["export_csv"] = ("MATCH" if sorted(column(out_ours, "id"))
                            == sorted(column(out_floor, "id")) else "DIFFER")
    checks["import"] = "MATCH" if subprocess.run(
        ["psql", "-X", "-Atc", "SELECT count(*) FROM risk", ours],
        capture_output=True, text=True).stdout.strip() == subprocess.run(
        ["psql", "-X", "-Atc", "SELECT count(*) FROM risks", floor],
        capture_output=True, text=True).stdout.strip() else "DIFFER"
    psql(a.url, "-c", f"DROP DATABASE IF EXISTS {ours_db} WITH (FORCE)")
    psql(a.url, "-c", f"DROP DATABASE IF EXISTS {floor_db} WITH (FORCE)")
    with open(a.csv, newline="", encoding="utf-8") as f:
        rows = sum(1 for _ in csv.DictReader(f))
    print(f"\nPostgreSQL {env_note}, {rows} risks, median of {a.runs} runs\n")
    print("| operation | riskreg (ms) | psql (ms) | ratio | target | result | same rows |")
    print("|---|---:|---:|---:|---:|---|---|")
    for op, target in TARGETS.items():
        ours_ms, floor_ms = (statistics.median(t) for t in times[op])
        ratio = ours_ms / floor_ms
        verdict = "PASS" if ratio <= target else "FAIL"
        print(f"| {op} | {ours_ms:.0f} | {floor_ms:.0f} | {ratio:.2f}× | ≤ {target}× | "
              f"{verdict} | {checks[op]} |")


def timed_psql_script(url, script):
    started = time.perf_counter()
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url], input=script, text=True,
                   stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
