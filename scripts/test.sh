#!/usr/bin/env bash
# The one test command (README's Quick start, CI): types, lint, then every test file.
# Node 20's test runner finds no .ts files by itself, so the files are listed explicitly.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob
files=(test/**/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found under test/" >&2; exit 1; fi
echo "» typecheck"; npx tsc --noEmit
echo "» lint"; npx biome check --diagnostic-level=error .
echo "» tests (${#files[@]} files)"
node --import tsx --test --test-concurrency=2 "${files[@]}"
