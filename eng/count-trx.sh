#!/usr/bin/env bash
# Prints "passed failed total" summed over the TRX files under a folder (the real test results); with a target
# framework (net8.0), only over that runtime's files, which tests/Directory.Build.props names <project>_<tfm>.trx.
# failed counts failed, error, timeout and aborted outcomes. Pure bash + grep: no interpreter needed on a fresh machine.
dir="${1:-TestResults}"
pattern='*.trx'
[ -n "${2:-}" ] && pattern="*_$2.trx"
passed=0 failed=0 total=0
attr() { printf '%s' "$1" | grep -o "$2=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
while IFS= read -r -d '' trx; do
  counters=$(grep -o '<Counters[^>]*>' "$trx" | head -n 1)
  [ -n "$counters" ] || continue
  total=$((total + $(attr "$counters" total)))
  passed=$((passed + $(attr "$counters" passed)))
  failed=$((failed + $(attr "$counters" failed) + $(attr "$counters" error) + $(attr "$counters" timeout) + $(attr "$counters" aborted)))
done < <(find "$dir" -name "$pattern" -print0 2>/dev/null)
echo "$passed $failed $total"
