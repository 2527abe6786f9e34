#!/usr/bin/env bash
# The one test command (README's Quick start, CI): types, lint, every test on SQLite, then the
# store, engine and API tests again on PostgreSQL, with the resilience suites (worker processes on
# one PostgreSQL; without FERRY_TEST_DATABASE_URL they fail rather than skip). Node 20's test
# runner finds no .ts files by itself, so the files are listed explicitly.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob
files=(test/**/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found under test/" >&2; exit 1; fi
# test/resilience runs worker processes on one PostgreSQL: only in the PostgreSQL phase.
sqlite_files=()
for f in "${files[@]}"; do [[ $f == test/resilience/* ]] || sqlite_files+=("$f"); done
echo "» typecheck"; npx tsc --noEmit && npx tsc -p web/tsconfig.json
echo "» lint"; npx biome check --diagnostic-level=error .
echo "» tests on SQLite (${#sqlite_files[@]} files)"
node --import tsx --test --test-concurrency=2 "${sqlite_files[@]}"

export FERRY_TEST_DATABASE_URL="${FERRY_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if ! node -e 'const c=new (require("pg").Client)({connectionString:process.env.FERRY_TEST_DATABASE_URL});c.connect().then(()=>c.end(),e=>{console.error(e.message);process.exit(1)})'; then
  echo "PostgreSQL is not reachable at $FERRY_TEST_DATABASE_URL: start it (scripts/start-postgres.sh) or set FERRY_TEST_DATABASE_URL" >&2
  exit 1
fi
# The API's tests too (not query-plans.test.ts: it reads SQLite's own query plans).
pg_files=(test/engine/*.test.ts test/store/*.test.ts test/wiring/outbox-store.test.ts test/wiring/engine-mail.test.ts test/resilience/*.test.ts)
for f in test/server/*.test.ts; do [[ $f == */query-plans.test.ts ]] || pg_files+=("$f"); done
echo "» store, engine, API and resilience (worker processes) tests on PostgreSQL (${#pg_files[@]} files)"
node --import tsx --test --test-concurrency=2 "${pg_files[@]}"
