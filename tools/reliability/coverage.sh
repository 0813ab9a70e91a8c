#!/usr/bin/env bash
# tools/reliability/coverage.sh - `./build.sh coverage`: line and branch coverage of the C core (gcc --coverage,
# every ctest test including the fuzz corpus replays, summarised by gcovr over native/src) and of the C#
# assemblies (coverlet in every NUnit project, merged by ReportGenerator). Reports land in build/coverage.
# Ends with the lines "native line coverage: NN.N%" and "dotnet line coverage: NN.N%".
#
# gcovr is installed with apt-get when missing and running as root; ReportGenerator as a local .NET tool.
# A half that cannot run prints why and reports "n/a". Environment: ROOT, CONFIGURATION,
# TP_COVERAGE_FILTER (a dotnet test --filter for a quicker partial run), TP_COVERAGE_PROJECTS (test project names),
# TP_COVERAGE_NATIVE=0 / TP_COVERAGE_DOTNET=0 to skip a half.
set -uo pipefail

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
CONFIGURATION="${CONFIGURATION:-Release}"
OUT="$ROOT/build/coverage"
COV_BUILD="$ROOT/build/native-cov"
RG_VERSION="5.6.0"
RG_DIR="$ROOT/.tools/reportgenerator"
mkdir -p "$OUT"
native_line="n/a" native_branch="n/a" dotnet_line="n/a" dotnet_branch="n/a"

ensure_gcovr() {
    command -v gcovr >/dev/null 2>&1 && return 0
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "coverage: installing gcovr (apt-get)" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcovr >/dev/null 2>&1; } || true
    fi
    command -v gcovr >/dev/null 2>&1
}

native_half() {
    if ! ensure_gcovr; then
        echo "coverage: native half skipped: gcovr is not installed (apt-get install gcovr)" >&2
        return
    fi
    # -fprofile-update=atomic: the concurrent tests (log, seqlock) would otherwise race on the counters and leave
    # negative counts that gcovr cannot parse.
    echo "==> coverage: native tests built with gcc --coverage" >&2
    rm -rf "$OUT/native" && mkdir -p "$OUT/native" # each half replaces only its own reports
    rm -rf "$COV_BUILD"
    CC=gcc cmake -S "$ROOT" -B "$COV_BUILD" -DCMAKE_BUILD_TYPE=Debug -DTP_BUILD_EXAMPLES=OFF \
        -DCMAKE_C_FLAGS="--coverage -fprofile-update=atomic -O0" -DCMAKE_EXE_LINKER_FLAGS="--coverage" -DCMAKE_SHARED_LINKER_FLAGS="--coverage" >/dev/null &&
        cmake --build "$COV_BUILD" --parallel >/dev/null || { echo "coverage: native build failed" >&2; return; }
    ctest --test-dir "$COV_BUILD" --parallel 2 --output-junit "$OUT/native/ctest.xml" >"$OUT/native/ctest.log" 2>&1 ||
        echo "coverage: some native tests failed (see $OUT/native/ctest.log); coverage is of what ran" >&2
    gcovr --root "$ROOT" --object-directory "$COV_BUILD" --filter "$ROOT/native/src/" --print-summary \
        --txt "$OUT/native/summary.txt" --html-details "$OUT/native/index.html" --exclude-unreachable-branches --gcov-ignore-parse-errors \
        >"$OUT/native/gcovr.log" 2>&1
    native_line=$(grep -o 'lines: *[0-9.]*%' "$OUT/native/gcovr.log" | grep -o '[0-9.]*%' | head -1)
    native_branch=$(grep -o 'branches: *[0-9.]*%' "$OUT/native/gcovr.log" | grep -o '[0-9.]*%' | head -1)
    cat "$OUT/native/gcovr.log"
}

# Every assembly the project ships (src/ and bindings/): the client library, driver, discovery, supervisor, TraceLink
# store, Aeron transport, process helpers, the generated P/Invoke layers and tp. Not the build-time SBE generator,
# the benchmarks or test code.
PRODUCT_ASSEMBLIES="[TensorPool]*,[TensorPool.Driver]*,[TensorPool.Discovery]*,[TensorPool.Supervisor]*"
PRODUCT_ASSEMBLIES+=",[TensorPool.TraceLink.Store]*,[TensorPool.Transport.Aeron]*,[TensorPool.Processes]*"
PRODUCT_ASSEMBLIES+=",[TensorPool.Native]*,[TensorPool.Aeron.Native]*,[tp]*"

dotnet_half() {
    echo "==> coverage: NUnit suites with coverlet" >&2
    rm -rf "$OUT/dotnet" && mkdir -p "$OUT/dotnet"
    local proj name rc=0
    local filter=()
    [[ -n "${TP_COVERAGE_FILTER:-}" ]] && filter=(--filter "$TP_COVERAGE_FILTER")
    for proj in "$ROOT"/tests/*/*.Tests.csproj; do
        name=$(basename "$proj" .csproj)
        # TP_COVERAGE_PROJECTS: a space-separated subset of test project names (a quicker, partial figure).
        if [[ -n "${TP_COVERAGE_PROJECTS:-}" && " $TP_COVERAGE_PROJECTS " != *" $name "* ]]; then
            continue
        fi
        # Child processes (tp, TestHost scenarios) load the instrumented assemblies from the test's output folder and
        # add their hits when they exit normally (coverlet's tracker, shared through a named mutex); a child killed
        # with SIGKILL adds nothing.
        dotnet test "$proj" -c "$CONFIGURATION" --no-build --collect:"XPlat Code Coverage" \
            --results-directory "$OUT/dotnet/$name" "${filter[@]}" \
            -- NUnit.DefaultTimeout=600000 \
            DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Format=cobertura \
            DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Include="$PRODUCT_ASSEMBLIES" \
            DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.ExcludeByAttribute="GeneratedCodeAttribute,CompilerGeneratedAttribute" \
            >"$OUT/dotnet/$name.log" 2>&1 || rc=1
        tail -3 "$OUT/dotnet/$name.log" | grep -E 'Passed!|Failed!' || true
    done
    [[ $rc == 0 ]] || echo "coverage: some dotnet tests failed (logs in $OUT/dotnet); coverage is of what ran" >&2
    if [[ ! -x "$RG_DIR/reportgenerator" ]]; then
        dotnet tool install dotnet-reportgenerator-globaltool --version "$RG_VERSION" --tool-path "$RG_DIR" >/dev/null ||
            { echo "coverage: cannot install ReportGenerator" >&2; return; }
    fi
    shopt -s globstar nullglob
    local reports=("$OUT"/dotnet/**/coverage.cobertura.xml)
    shopt -u globstar nullglob
    if [[ ${#reports[@]} == 0 ]]; then
        echo "coverage: no coverlet report was written" >&2
        return
    fi
    local joined
    joined=$(IFS=';'; echo "${reports[*]}")
    "$RG_DIR/reportgenerator" "-reports:$joined" "-targetdir:$OUT/dotnet/report" \
        "-reporttypes:TextSummary;Html" >"$OUT/dotnet/reportgenerator.log" 2>&1 ||
        { echo "coverage: ReportGenerator failed (see $OUT/dotnet/reportgenerator.log)" >&2; return; }
    sed -n '1,40p' "$OUT/dotnet/report/Summary.txt"
    dotnet_line=$(grep -m1 'Line coverage:' "$OUT/dotnet/report/Summary.txt" | grep -o '[0-9.]*%')
    dotnet_branch=$(grep -m1 'Branch coverage:' "$OUT/dotnet/report/Summary.txt" | grep -o '[0-9.]*%')
}

[[ "${TP_COVERAGE_NATIVE:-1}" == 1 ]] && native_half
[[ "${TP_COVERAGE_DOTNET:-1}" == 1 ]] && dotnet_half
echo "native branch coverage: ${native_branch:-n/a}"
echo "dotnet branch coverage: ${dotnet_branch:-n/a}"
echo "native line coverage: ${native_line:-n/a}"
echo "dotnet line coverage: ${dotnet_line:-n/a}"
