#!/usr/bin/env bash
# Mutation testing of the security-critical files with Stryker.NET against the unit tests (tests/SalesforceAuth.Tests,
# net10.0), then a per-file score; exits 1 when any file scores below the threshold (90 by default). Not part of CI: a run
# takes tens of minutes on a 2-core machine. See docs/reliability.md, "Mutation testing".
#
#   bash eng/mutation.sh                      # all six files
#   bash eng/mutation.sh ClockSkewTracker.cs  # some of them (file names)
#
# Environment: SALESFORCEAUTH_MUTATION_THRESHOLD (90), SALESFORCEAUTH_MUTATION_CONCURRENCY (2: Stryker's test processes),
# SALESFORCEAUTH_MUTATION_OUTPUT (artifacts/mutation: logs, HTML and JSON reports).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

threshold=${SALESFORCEAUTH_MUTATION_THRESHOLD:-90}
concurrency=${SALESFORCEAUTH_MUTATION_CONCURRENCY:-2}
output=${SALESFORCEAUTH_MUTATION_OUTPUT:-$root/artifacts/mutation}

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=(SalesforceLoginHost.cs SalesforceAudience.cs TokenCacheKey.cs ClockSkewTracker.cs JwtAssertionBuilder.cs SalesforceAuthenticationHandler.cs)
fi

# Found by name, wherever they live under src/SalesforceAuth: a file moved to another folder is still mutated, and a
# renamed or duplicated one stops the run instead of silently mutating nothing (or the wrong file).
mutate=()
paths=()
for name in "${files[@]}"; do
  mapfile -t matches < <(find src/SalesforceAuth -name "$name" -type f -not -path '*/obj/*' -not -path '*/bin/*')
  if [ ${#matches[@]} -ne 1 ]; then
    echo "mutation.sh: expected one $name under src/SalesforceAuth, found ${#matches[@]}: ${matches[*]:-none}" >&2
    exit 2
  fi
  mutate+=(--mutate "**/${matches[0]#src/SalesforceAuth/}")
  paths+=("${matches[0]}")
done

dotnet tool restore >/dev/null
rm -rf "$output"
mkdir -p "$output"

# The mutated assembly replaces the one in the test project's bin folder: build nothing else there meanwhile.
(
  cd tests/SalesforceAuth.Tests
  dotnet tool run dotnet-stryker --config-file ../../eng/stryker-config.json --concurrency "$concurrency" \
    --output "$output" --skip-version-check "${mutate[@]}"
) | tee "$output/stryker.log"

report="$output/reports/mutation-report.json"
if [ ! -f "$report" ]; then
  echo "mutation.sh: Stryker wrote no report ($report); see $output/stryker.log" >&2
  exit 2
fi

# Score = detected / valid, as Stryker computes it: detected = killed + timeout; valid also counts survived and
# no coverage; ignored, compile and runtime errors are not mutants the tests could see.
# The report lists every file of the project; only the mutated ones are scored.
python3 - "$report" "$threshold" "$root" "${paths[@]}" <<'PY'
import json, os, sys

report, threshold, root, wanted = sys.argv[1], float(sys.argv[2]), sys.argv[3], set(sys.argv[4:])
files = {p: f for p, f in json.load(open(report, encoding="utf-8"))["files"].items() if os.path.relpath(p, root) in wanted}
failed = False
print()
print(f"{'file':<60} {'killed':>6} {'timeout':>7} {'survived':>8} {'no cov':>6} {'score':>7}")
for path in sorted(files):
    mutants = files[path]["mutants"]
    count = lambda status: sum(1 for m in mutants if m["status"] == status)
    killed, timeout, survived, nocov = count("Killed"), count("Timeout"), count("Survived"), count("NoCoverage")
    valid = killed + timeout + survived + nocov
    score = 100.0 * (killed + timeout) / valid if valid else 100.0
    name = os.path.relpath(path, root)
    mark = "" if score >= threshold else "  < %g" % threshold
    failed |= score < threshold
    print(f"{name:<60} {killed:>6} {timeout:>7} {survived:>8} {nocov:>6} {score:>6.2f}%{mark}")
print()
for path in sorted(files):
    for m in sorted(files[path]["mutants"], key=lambda m: (m["location"]["start"]["line"], m["location"]["start"]["column"])):
        if m["status"] in ("Survived", "NoCoverage"):
            where = f"{os.path.relpath(path, root)}:{m['location']['start']['line']}"
            print(f"{m['status']:<10} {where:<60} {m['mutatorName']}: {m.get('replacement', '').strip()[:100]}")
sys.exit(1 if failed else 0)
PY
