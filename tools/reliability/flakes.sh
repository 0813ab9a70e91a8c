#!/usr/bin/env bash
# tools/reliability/flakes.sh [--runs N] [--filter F] - run the multi-process NUnit tests N times (20) in a loop
# and count the runs with a failure: a flaky test shows up as a failure in some runs only. Not CI: run it on a
# quiet machine after ./build.sh build, and record the result in docs/reliability.md.
# Ends with the line "flakes: R runs, F failed runs" and the names of the tests that failed; exit 1 when any run failed.
set -uo pipefail

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
CONFIGURATION="${CONFIGURATION:-Release}"
RUNS=20
FILTER='FullyQualifiedName~MultiProcess|FullyQualifiedName~ProcessTests'
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS="$2"; shift 2 ;;
        --filter) FILTER="$2"; shift 2 ;;
        *) echo "flakes.sh: unknown argument '$1' (--runs N, --filter F)" >&2; exit 2 ;;
    esac
done

OUT="$ROOT/build/flakes"
rm -rf "$OUT"
mkdir -p "$OUT"
failed_runs=0
for ((run = 1; run <= RUNS; run++)); do
    run_failed=0
    for proj in "$ROOT"/tests/*/*.Tests.csproj; do
        name=$(basename "$proj" .csproj)
        log="$OUT/run-$run-$name.log"
        dotnet test "$proj" -c "$CONFIGURATION" --no-build --filter "$FILTER" -- NUnit.DefaultTimeout=600000 >"$log" 2>&1
        rc=$?
        # No test matched the filter in this project: not a failure.
        if [[ $rc != 0 ]] && ! grep -q "No test matches the given testcase filter" "$log"; then
            run_failed=1
            grep -E '^\s+Failed ' "$log" | sed "s/^/run $run: /" | tee -a "$OUT/failures.txt"
        fi
    done
    failed_runs=$((failed_runs + run_failed))
    echo "flakes: run $run of $RUNS $([[ $run_failed == 0 ]] && echo passed || echo FAILED)" >&2
done
echo "flakes: $RUNS runs, $failed_runs failed runs"
[[ -f "$OUT/failures.txt" ]] && sort "$OUT/failures.txt" | sed 's/^run [0-9]*: *//' | sort | uniq -c
[[ $failed_runs == 0 ]]
