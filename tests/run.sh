#!/usr/bin/env bash
# The whole test suite: every test on SQLite (the PostgreSQL tests included, on the server
# $RISKREG_TEST_PG names), then the suites that touch storage once more with every register
# in PostgreSQL. Without $RISKREG_TEST_PG the second pass is skipped with a notice (in CI,
# where RISKREG_REQUIRE_PG is set, it must run). Arguments go to every `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --locked "$@"

if [ -z "${RISKREG_TEST_PG:-}" ]; then
  if [ -n "${RISKREG_REQUIRE_PG:-}" ]; then
    echo "RISKREG_REQUIRE_PG is set but RISKREG_TEST_PG names no server" >&2
    exit 1
  fi
  echo "notice: the PostgreSQL pass is skipped: set RISKREG_TEST_PG (see README, \"Testing against PostgreSQL\")" >&2
  exit 0
fi
RISKREG_TEST_BACKEND=postgres cargo test --locked "$@" \
  --test cli --test actions --test asof --test availability --test budget \
  --test concurrency --test csv --test xlsx --test tui_state
