#!/usr/bin/env bash
# build.sh - build, test, run and package TensorPool.NET. build.ps1 mirrors it.
#
#   ./build.sh               build the native core (CMake; linux-x64, and linux-arm64 with the cross compiler)
#                            and the .NET solution (Release)
#   ./build.sh test          build, then run every test (ctest, ctest under ASan/UBSan, ctest of the linux-arm64
#                            build under qemu-user, NUnit, build.ps1 parity); ends with the line "N passed, N failed"
#   ./build.sh demo [args]   run `tp demo` (the main job) with its arguments
#   ./build.sh tp [args]     run the `tp` command line
#   ./build.sh bindings      regenerate bindings/TensorPool.Native/Generated and native/abi from native/include, and
#                            the Aeron bindings from the local Aeron prefix when there is one
#                            (./build.sh bindings --check only compares; exit 1 when they are stale)
#   ./build.sh aeron [--source DIR]  build the Aeron C client and media driver (libaeron, libaeron_driver, aeronmd) from
#                            an Aeron source tree, or from a clone of the pinned release tag, into build/aeron/install,
#                            where the Aeron transport's tests and tools find them (as root, also iproute2 for the
#                            UDP test between network namespaces, with apt-get when missing)
#   ./build.sh bench [args]  run `tp bench` (the tp-bench tool built here), the benchmark matrix with same-run
#                            baselines (--quick, --out DIR, ...)
#   ./build.sh bench-micro [args]  run the BenchmarkDotNet suites (pass BenchmarkDotNet arguments, e.g. --filter)
#   ./build.sh pack          produce the NuGet packages under artifacts/packages (TensorPool, TensorPool.Cli,
#                            TensorPool.Bench.Cli), with linux-x64 and linux-arm64 libraries (fails when the cross
#                            compiler is missing)
#   ./build.sh public-api    rewrite PublicAPI.Unshipped.txt of every library that ships public API after an API change
#                            (--ship at a release: move Unshipped into Shipped); see tools/public-api.sh
#   ./build.sh fuzz [--seconds N]  every fuzz target (native libFuzzer, C# decoders) for N seconds (60) each;
#                            ends with the line "fuzz: T targets, E executions, C crashes"
#   ./build.sh coverage      line and branch coverage of the C core (gcovr) and the C# assemblies (coverlet);
#                            ends with "native line coverage: NN.N%" and "dotnet line coverage: NN.N%"
#   ./build.sh clean         remove build output
#
# linux-arm64: the C core is cross-compiled with Debian's aarch64 toolchain (cmake/toolchains/aarch64-linux-gnu.cmake).
# When gcc-aarch64-linux-gnu, libc6-dev-arm64-cross or qemu-user is missing and this runs as root with apt-get, they
# are installed once (quietly); otherwise the arm64 part is skipped with the reason printed.
#
# clang with libFuzzer (fuzz) and gcovr (coverage) are installed with apt-get when missing and running as root;
# otherwise that half is skipped with the reason printed.
#
# Environment: TP_SKIP_FUZZ=1 to skip the fuzz smoke run of `test` (TP_FUZZ_SMOKE_SECONDS a target, default 3),
# CONFIGURATION (Release), TP_SKIP_SANITIZERS=1 to skip the sanitizer ctest runs (ASan/UBSan, TSan), TP_SKIP_ARM64=1 to
# skip the linux-arm64 build and its qemu run, TP_SKIP_PWSH=1 to skip the build.ps1 parity check, TP_VERSION_SUFFIX
# to replace the pre-release label of Version.props ("dev"; set it empty for a release version).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

CONFIGURATION="${CONFIGURATION:-Release}"
NATIVE_BUILD="$ROOT/build/native"
NATIVE_SAN_BUILD="$ROOT/build/native-san"
NATIVE_TSAN_BUILD="$ROOT/build/native-tsan"
NATIVE_ARM64_BUILD="$ROOT/build/native-arm64"
ARM64_TOOLCHAIN="$ROOT/cmake/toolchains/aarch64-linux-gnu.cmake"
ARM64_CC=aarch64-linux-gnu-gcc
ARM64_SYSROOT=/usr/aarch64-linux-gnu
ARM64_INSTALL_MARKER="$ROOT/build/.arm64-toolchain-install-tried"
RESULTS="$ROOT/build/test-results"
PWSH_VERSION="7.6.9"
PWSH_DIR="$ROOT/.tools/pwsh"
AERON_TAG="1.50.0"   # the Aeron release the Aeron bindings are generated from
AERON_REPO="${TP_AERON_REPO:-https://github.com/aeron-io/aeron.git}"  # TP_AERON_REPO: a mirror (or a local clone) to take the tag from
AERON_PREFIX="$ROOT/build/aeron/install"
TP_DLL="$ROOT/src/TensorPool.Cli/bin/$CONFIGURATION/net10.0/tp.dll"
# `tp bench` runs the separate tool tp-bench; from a clone, the one this build makes.
BENCH_DLL="$ROOT/bench/TensorPool.Bench.Cli/bin/$CONFIGURATION/net10.0/tp-bench.dll"

# The version comes from Version.props; TP_VERSION_SUFFIX (even empty) overrides its VersionSuffix everywhere.
VERSION_ARGS=()
if [[ -n "${TP_VERSION_SUFFIX+set}" ]]; then VERSION_ARGS=("-p:VersionSuffix=$TP_VERSION_SUFFIX"); fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\n==> %s\n' "$*" >&2; }

require() {
    command -v "$1" >/dev/null 2>&1 || { echo "build.sh: '$1' is required but not installed ($2)" >&2; exit 127; }
}

native_build() {
    require cmake "CMake 3.25 or newer"
    require cc "a C11 compiler (gcc or clang)"
    log "native: configure and build ($NATIVE_BUILD)"
    cmake -S "$ROOT" -B "$NATIVE_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$NATIVE_BUILD" --parallel
}

# The linux-arm64 cross toolchain: installed with apt-get when missing (root only, once per build folder).
# Returns 0 when the cross compiler and its C library are there; otherwise sets ARM64_SKIPPED to the reason.
ARM64_CHECKED=0 ARM64_READY=0 ARM64_SKIPPED=""
arm64_toolchain() {
    if [[ $ARM64_CHECKED == 1 ]]; then [[ $ARM64_READY == 1 ]]; return; fi
    ARM64_CHECKED=1
    if [[ "${TP_SKIP_ARM64:-0}" == 1 ]]; then ARM64_SKIPPED="TP_SKIP_ARM64=1"; return 1; fi
    local missing=()
    command -v "$ARM64_CC" >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu)
    [[ -f "$ARM64_SYSROOT/include/stdio.h" ]] || missing+=(libc6-dev-arm64-cross)
    command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
    if (( ${#missing[@]} > 0 )); then
        if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1 && [[ ! -e "$ARM64_INSTALL_MARKER" ]]; then
            mkdir -p "$(dirname "$ARM64_INSTALL_MARKER")"
            touch "$ARM64_INSTALL_MARKER"
            log "linux-arm64: installing ${missing[*]} (apt-get, once)"
            export DEBIAN_FRONTEND=noninteractive
            { apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
              { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; } >/dev/null 2>&1 ||
                echo "build.sh: apt-get could not install ${missing[*]}" >&2
        fi
    fi
    if ! command -v "$ARM64_CC" >/dev/null 2>&1 || [[ ! -f "$ARM64_SYSROOT/include/stdio.h" ]]; then
        if [[ -e "$ARM64_INSTALL_MARKER" ]]; then
            ARM64_SKIPPED="the cross compiler is missing and installing it failed before (remove $ARM64_INSTALL_MARKER to retry)"
        elif [[ $(id -u) != 0 ]]; then
            ARM64_SKIPPED="the cross compiler is missing (as root: apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)"
        else
            ARM64_SKIPPED="the cross compiler is missing and there is no apt-get to install gcc-aarch64-linux-gnu"
        fi
        return 1
    fi
    ARM64_READY=1
}

# iproute2 (`ip`), which the Aeron UDP test between two network namespaces needs: installed with apt-get when missing
# (root only, once per build folder); without it that test skips with the reason.
IPROUTE_INSTALL_MARKER="$ROOT/build/.iproute2-install-tried"
netns_tools() {
    command -v ip >/dev/null 2>&1 && return 0
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1 && [[ ! -e "$IPROUTE_INSTALL_MARKER" ]]; then
        mkdir -p "$(dirname "$IPROUTE_INSTALL_MARKER")"
        touch "$IPROUTE_INSTALL_MARKER"
        log "aeron: installing iproute2 for the network namespace test (apt-get, once)"
        export DEBIAN_FRONTEND=noninteractive
        { apt-get install -y -qq --no-install-recommends iproute2 ||
          { apt-get update -qq && apt-get install -y -qq --no-install-recommends iproute2; }; } >/dev/null 2>&1 ||
            echo "build.sh: apt-get could not install iproute2" >&2
    fi
    command -v ip >/dev/null 2>&1 ||
        log "aeron: 'ip' (iproute2) is missing; the UDP test between network namespaces will skip (as root: apt-get install iproute2)"
    return 0
}

# The C core cross-compiled for linux-arm64 (Release). Arguments: targets (the library and the ABI probe), or none for everything.
native_arm64_build() {
    if ! arm64_toolchain; then
        log "native linux-arm64: skipped: $ARM64_SKIPPED"
        return 0
    fi
    log "native linux-arm64: configure and build ($NATIVE_ARM64_BUILD)"
    cmake -S "$ROOT" -B "$NATIVE_ARM64_BUILD" -DCMAKE_TOOLCHAIN_FILE="$ARM64_TOOLCHAIN" -DCMAKE_BUILD_TYPE=Release \
        -DTP_BUILD_EXAMPLES=OFF >/dev/null
    if (( $# > 0 )); then
        cmake --build "$NATIVE_ARM64_BUILD" --parallel --target "$@"
    else
        cmake --build "$NATIVE_ARM64_BUILD" --parallel
    fi
}

dotnet_build() {
    require dotnet ".NET SDK 10"
    log "dotnet: build TensorPool.sln ($CONFIGURATION)"
    dotnet build "$ROOT/TensorPool.sln" -c "$CONFIGURATION" -p:TensorPoolSkipNativeBuild=true "${VERSION_ARGS[@]}" -nologo -clp:ErrorsOnly
}

build() {
    native_build
    native_arm64_build tensorpool tp_abi_probe
    dotnet_build
}

# Sum the counters of ctest's JUnit report: prints "passed failed skipped".
junit_counts() {
    local file="$1" suite tests failures skipped disabled
    if [[ ! -f "$file" ]]; then echo "0 1 0"; return; fi
    suite=$(tr '\n\t' '  ' <"$file" | grep -o '<testsuite [^>]*' | head -1)
    tests=$(echo "$suite" | grep -o ' tests="[0-9]*"' | grep -o '[0-9]*')
    failures=$(echo "$suite" | grep -o ' failures="[0-9]*"' | grep -o '[0-9]*')
    skipped=$(echo "$suite" | grep -o ' skipped="[0-9]*"' | grep -o '[0-9]*')
    disabled=$(echo "$suite" | grep -o ' disabled="[0-9]*"' | grep -o '[0-9]*')
    tests=${tests:-0} failures=${failures:-0} skipped=${skipped:-0} disabled=${disabled:-0}
    echo "$((tests - failures - skipped - disabled)) $failures $((skipped + disabled))"
}

# Sum the counters of every TRX file in a folder: prints "passed failed skipped".
trx_counts() {
    local dir="$1" passed=0 failed=0 skipped=0 f counters v
    shopt -s nullglob
    for f in "$dir"/*.trx; do
        counters=$(grep -o '<Counters [^>]*' "$f" | head -1)
        if [[ -z "$counters" ]]; then failed=$((failed + 1)); continue; fi
        attr() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
        passed=$((passed + $(attr passed)))
        v=$(( $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted) ))
        failed=$((failed + v))
        # NUnit's ignored tests appear as total - executed (notExecuted stays 0 in the counters).
        skipped=$((skipped + $(attr total) - $(attr executed) + $(attr inconclusive)))
    done
    shopt -u nullglob
    echo "$passed $failed $skipped"
}

TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0
add_counts() { # label "passed failed skipped"
    local label="$1" p f s
    read -r p f s <<<"$2"
    TOTAL_PASSED=$((TOTAL_PASSED + p)) TOTAL_FAILED=$((TOTAL_FAILED + f)) TOTAL_SKIPPED=$((TOTAL_SKIPPED + s))
    printf '  %-28s %5d passed, %d failed, %d skipped\n' "$label" "$p" "$f" "$s"
}

ensure_pwsh() {
    if [[ ! -x "$PWSH_DIR/pwsh" ]]; then
        log "installing PowerShell $PWSH_VERSION as a local .NET tool ($PWSH_DIR)"
        dotnet tool install PowerShell --version "$PWSH_VERSION" --tool-path "$PWSH_DIR" >/dev/null
    fi
}

test_all() {
    rm -rf "$RESULTS"
    mkdir -p "$RESULTS/dotnet"
    local build_ok=1
    build || build_ok=0

    local ctest_rc=0 san_rc=0 tsan_rc=0 fuzz_rc=0 arm64_rc=0 dotnet_rc=0 pwsh_rc=0 arm64_ran=0
    if [[ $build_ok == 1 ]]; then
        log "ctest: native tests (Release)"
        ctest --test-dir "$NATIVE_BUILD" --output-on-failure --output-junit "$RESULTS/ctest.xml" --parallel 2 || ctest_rc=$?

        # The Release suite again, cross-compiled for linux-arm64 and run under qemu-user (the toolchain file makes
        # qemu-aarch64 ctest's emulator). Before the NUnit run, whose ABI test also reads the arm64 probe.
        if ! arm64_toolchain; then
            log "ctest: linux-arm64 under qemu-user: skipped: $ARM64_SKIPPED"
        elif ! command -v qemu-aarch64 >/dev/null 2>&1; then
            log "ctest: linux-arm64 under qemu-user: skipped: qemu-aarch64 is missing (apt-get install qemu-user)"
        else
            arm64_ran=1
            log "ctest: native tests on linux-arm64 under qemu-user (Release)"
            if native_arm64_build >"$RESULTS/native-arm64-build.log" 2>&1; then
                ctest --test-dir "$NATIVE_ARM64_BUILD" --output-on-failure --output-junit "$RESULTS/ctest-arm64.xml" \
                    --parallel 4 || arm64_rc=$?
            else
                tail -20 "$RESULTS/native-arm64-build.log" >&2
                arm64_rc=1
            fi
        fi

        if [[ "${TP_SKIP_SANITIZERS:-0}" != 1 ]]; then
            log "ctest: native tests under AddressSanitizer + UndefinedBehaviorSanitizer"
            if cmake -S "$ROOT" -B "$NATIVE_SAN_BUILD" -DCMAKE_BUILD_TYPE=Debug -DTP_SANITIZE=ON >/dev/null &&
               cmake --build "$NATIVE_SAN_BUILD" --parallel >/dev/null; then
                ASAN_OPTIONS=detect_leaks=1 ctest --test-dir "$NATIVE_SAN_BUILD" --output-on-failure \
                    --output-junit "$RESULTS/ctest-san.xml" --parallel 2 || san_rc=$?
            else
                san_rc=1
            fi
            # ThreadSanitizer over the concurrent parts, the tp:ipc log and the seqlock: all their tests, the
            # multi-process ones too (TSan sees races within a process only; their counts must still hold, D214).
            log "ctest: tp:ipc log and seqlock tests under ThreadSanitizer"
            if cmake -S "$ROOT" -B "$NATIVE_TSAN_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTP_SANITIZE_THREAD=ON \
                    -DTP_BUILD_EXAMPLES=OFF >/dev/null &&
               cmake --build "$NATIVE_TSAN_BUILD" --parallel >/dev/null; then
                TSAN_OPTIONS="suppressions=$ROOT/native/tests/tsan.supp halt_on_error=1" ctest --test-dir "$NATIVE_TSAN_BUILD" \
                    -R '^test_(log_|seqlock)' \
                    --output-on-failure --output-junit "$RESULTS/ctest-tsan.xml" --parallel 2 || tsan_rc=$?
            else
                tsan_rc=1
            fi
        fi

        if [[ "${TP_SKIP_FUZZ:-0}" != 1 ]]; then
            log "fuzz: smoke run, ${TP_FUZZ_SMOKE_SECONDS:-3} s a target"
            ROOT="$ROOT" CONFIGURATION="$CONFIGURATION" bash "$ROOT/tools/reliability/fuzz.sh" \
                --seconds "${TP_FUZZ_SMOKE_SECONDS:-3}" | tee "$RESULTS/fuzz.log" || fuzz_rc=1
        fi

        # The Aeron tests run when Aeron is here; their network namespace test needs iproute2.
        if [[ -f "$AERON_PREFIX/lib/libaeron.so" || -n "${TP_AERON_LIBRARY:-}" ]]; then netns_tools; fi
        log "dotnet test: NUnit suites"
        # One run per test project so each writes its own TRX (names by timestamp can collide).
        local proj name
        for proj in "$ROOT"/tests/*/*.Tests.csproj; do
            name=$(basename "$proj" .csproj)
            dotnet test "$proj" -c "$CONFIGURATION" --no-build \
                --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS/dotnet" \
                -- NUnit.DefaultTimeout=600000 || dotnet_rc=$?
        done

        if [[ "${TP_SKIP_PWSH:-0}" != 1 ]]; then
            log "build.ps1 parity: pwsh build.ps1 build"
            if ensure_pwsh; then
                "$PWSH_DIR/pwsh" -NoLogo -NoProfile -File "$ROOT/build.ps1" build || pwsh_rc=$?
            else
                pwsh_rc=1
            fi
        fi
    fi

    echo
    echo "Test summary"
    if [[ $build_ok == 0 ]]; then
        add_counts "build" "0 1 0"
    else
        add_counts "native (ctest)" "$(junit_counts "$RESULTS/ctest.xml")"
        [[ "${TP_SKIP_SANITIZERS:-0}" == 1 ]] || add_counts "native (ASan/UBSan)" "$(junit_counts "$RESULTS/ctest-san.xml")"
        [[ "${TP_SKIP_SANITIZERS:-0}" == 1 ]] || add_counts "native (TSan)" "$(junit_counts "$RESULTS/ctest-tsan.xml")"
        if [[ "${TP_SKIP_FUZZ:-0}" != 1 ]]; then
            # One test a target; a target that found a crash is a failed test.
            local fuzz_t=0 fuzz_e=0 fuzz_c=1
            read -r fuzz_t fuzz_e fuzz_c <<<"$(grep '^fuzz: ' "$RESULTS/fuzz.log" 2>/dev/null | tail -1 | grep -o '[0-9]\+' | tr '\n' ' ')" || true
            fuzz_t=${fuzz_t:-0} fuzz_c=${fuzz_c:-1}
            if [[ $fuzz_rc != 0 && $fuzz_c == 0 ]]; then fuzz_c=1; fi
            add_counts "fuzz smoke (${fuzz_e:-0} inputs)" "$(( fuzz_t > fuzz_c ? fuzz_t - fuzz_c : 0 )) $fuzz_c 0"
        fi
        [[ $arm64_ran == 0 ]] || add_counts "native linux-arm64 (qemu)" "$(junit_counts "$RESULTS/ctest-arm64.xml")"
        add_counts "dotnet (NUnit)" "$(trx_counts "$RESULTS/dotnet")"
        if [[ "${TP_SKIP_PWSH:-0}" != 1 ]]; then
            if [[ $pwsh_rc == 0 ]]; then add_counts "build.ps1 parity" "1 0 0"; else add_counts "build.ps1 parity" "0 1 0"; fi
        fi
        # A runner that failed without reporting a failed test (crash, abort) still fails the run.
        if [[ $dotnet_rc != 0 || $ctest_rc != 0 || $san_rc != 0 || $tsan_rc != 0 || $arm64_rc != 0 ]] && [[ $TOTAL_FAILED == 0 ]]; then
            add_counts "runner errors" "0 1 0"
        fi
    fi
    echo "  ($TOTAL_SKIPPED skipped)"
    echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
    [[ $TOTAL_FAILED == 0 ]]
}

# Build Aeron's C client and media driver into $AERON_PREFIX (lib/, bin/aeronmd, include/aeron/aeronc.h,
# include/aeronmd/aeronmd.h, VERSION). Aeron is not a dependency of the build: without it, the Aeron tests skip.
aeron_build() {
    local source="" arg
    while [[ $# -gt 0 ]]; do
        arg="$1"; shift
        case "$arg" in
            --source) source="${1:?--source needs a directory}"; shift ;;
            *) echo "build.sh aeron: unknown argument '$arg' (usage: ./build.sh aeron [--source DIR])" >&2; exit 2 ;;
        esac
    done
    require cmake "CMake 3.25 or newer"
    require cc "a C11 compiler (gcc or clang)"
    local work="$ROOT/build/aeron"
    mkdir -p "$work"
    if [[ -z "$source" ]]; then
        source="$work/src"
        if [[ ! -f "$source/CMakeLists.txt" ]]; then
            require git "git, to clone Aeron $AERON_TAG"
            log "aeron: cloning $AERON_REPO at $AERON_TAG into $source"
            git -c advice.detachedHead=false clone --quiet --depth 1 --branch "$AERON_TAG" "$AERON_REPO" "$source" ||
                { echo "build.sh aeron: could not clone Aeron (no network?); pass --source DIR with an Aeron checkout" >&2; exit 1; }
        fi
    fi
    source="$(cd "$source" && pwd)"
    [[ -f "$source/aeron-client/src/main/c/aeronc.h" ]] ||
        { echo "build.sh aeron: $source is not an Aeron source tree (no aeron-client/src/main/c/aeronc.h)" >&2; exit 2; }
    # Aeron asks for CMake 3.30; its C client and driver build with 3.25. With an older CMake, build a copy whose
    # minimum is lowered (the given tree is never modified).
    local have need
    have=$(cmake --version | head -1 | grep -o '[0-9]*\.[0-9]*' | head -1)
    need=$(grep -o 'cmake_minimum_required(VERSION [0-9.]*' "$source/CMakeLists.txt" | grep -o '[0-9]*\.[0-9]*' | head -1)
    if [[ -n "$need" ]] && [[ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]]; then
        log "aeron: CMake $have is older than the $need Aeron asks for; building a copy with the minimum lowered"
        rm -rf "$work/src-cmake"
        mkdir -p "$work/src-cmake"
        (cd "$source" && tar --exclude=.git --exclude='./build*' -cf - .) | (cd "$work/src-cmake" && tar -xf -)
        sed -i "s/cmake_minimum_required(VERSION $need/cmake_minimum_required(VERSION $have/; s/cmake_policy(VERSION $need)/cmake_policy(VERSION $have)/" \
            "$work/src-cmake/CMakeLists.txt"
        source="$work/src-cmake"
    fi
    log "aeron: configure and build the C client and media driver ($work/build)"
    cmake -S "$source" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_AERON_DRIVER=ON -DBUILD_AERON_ARCHIVE_API=OFF \
        -DAERON_TESTS=OFF -DAERON_UNIT_TESTS=OFF -DAERON_SYSTEM_TESTS=OFF -DAERON_BUILD_SAMPLES=OFF \
        -DAERON_BUILD_DOCUMENTATION=OFF >"$work/configure.log" ||
        { echo "build.sh aeron: configuring Aeron failed; see $work/configure.log" >&2; exit 1; }
    # aeronmd_s: the media driver linked statically, so the installed binary needs no path to the build tree.
    cmake --build "$work/build" --parallel --target aeron aeron_driver aeronmd_s >"$work/build.log" ||
        { tail -20 "$work/build.log" >&2; echo "build.sh aeron: building Aeron failed; see $work/build.log" >&2; exit 1; }
    rm -rf "$AERON_PREFIX"
    mkdir -p "$AERON_PREFIX/lib" "$AERON_PREFIX/bin" "$AERON_PREFIX/include/aeron" "$AERON_PREFIX/include/aeronmd"
    cp -P "$work/build/lib/"libaeron.so* "$work/build/lib/"libaeron_driver.so* "$AERON_PREFIX/lib/"
    cp "$work/build/binaries/aeronmd_s" "$AERON_PREFIX/bin/aeronmd"
    cp "$source/aeron-client/src/main/c/aeronc.h" "$AERON_PREFIX/include/aeron/"
    cp "$source/aeron-driver/src/main/c/aeronmd.h" "$AERON_PREFIX/include/aeronmd/"
    cp "$source/version.txt" "$AERON_PREFIX/VERSION"
    log "aeron: $(cat "$AERON_PREFIX/VERSION") installed in $AERON_PREFIX (libaeron.so, libaeron_driver.so, bin/aeronmd)"
    netns_tools
}

run_tp() {
    # An incremental build first, so `tp` is never stale after a pull (quiet unless it fails).
    local out
    if ! out=$(build 2>&1); then echo "$out" >&2; exit 1; fi
    export TENSORPOOL_BENCH_PATH="${TENSORPOOL_BENCH_PATH:-$BENCH_DLL}"
    exec dotnet "$TP_DLL" "$@"
}

cmd="${1:-build}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
    build) build ;;
    test) test_all ;;
    demo) run_tp demo "$@" ;;
    tp) run_tp "$@" ;;
    aeron) aeron_build "$@" ;;
    bindings)
        dotnet run --project "$ROOT/tools/TensorPool.BindingsGen" -c "$CONFIGURATION" -- --root "$ROOT" "$@"
        if [[ -d "$AERON_PREFIX/include" ]]; then
            dotnet run --project "$ROOT/tools/TensorPool.BindingsGen" -c "$CONFIGURATION" --no-build -- --root "$ROOT" --aeron "$AERON_PREFIX/include" "$@"
        else
            echo "Aeron bindings: not checked (no Aeron headers in $AERON_PREFIX/include; ./build.sh aeron builds them)" >&2
        fi
        # Rebuild so tp_abi_probe matches the regenerated native/abi/abi_probe.c.
        [[ " $* " == *" --check "* ]] || native_build
        ;;
    bench) run_tp bench "$@" ;;
    bench-micro)
        build
        dotnet run --project "$ROOT/bench/TensorPool.Benchmarks" -c Release --no-build -- "$@"
        ;;
    fuzz)
        build
        ROOT="$ROOT" CONFIGURATION="$CONFIGURATION" bash "$ROOT/tools/reliability/fuzz.sh" "$@"
        ;;
    coverage)
        build
        ROOT="$ROOT" CONFIGURATION="$CONFIGURATION" bash "$ROOT/tools/reliability/coverage.sh" "$@"
        ;;
    pack)
        # A release package carries linux-x64 and linux-arm64: no cross compiler, no package.
        if ! arm64_toolchain; then
            echo "build.sh pack: the package needs the linux-arm64 library, but $ARM64_SKIPPED" >&2
            exit 1
        fi
        build
        log "dotnet: pack into artifacts/packages"
        rm -rf "$ROOT/artifacts/packages"
        dotnet pack "$ROOT/TensorPool.sln" -c "$CONFIGURATION" --no-build -p:TensorPoolSkipNativeBuild=true "${VERSION_ARGS[@]}" \
            -p:TensorPoolRequireAllRuntimes=true -nologo -clp:ErrorsOnly -o "$ROOT/artifacts/packages"
        ls -1 "$ROOT/artifacts/packages"
        ;;
    public-api) "$ROOT/tools/public-api.sh" "$@" ;;
    clean) rm -rf "$ROOT/build" "$ROOT/artifacts"; dotnet clean "$ROOT/TensorPool.sln" -nologo -v q >/dev/null ;;
    -h|--help|help) sed -n '2,/^set -euo pipefail/{/^#/p}' "$0" | sed 's/^# \{0,1\}//' ;;
    *) echo "build.sh: unknown command '$cmd' (try ./build.sh help)" >&2; exit 2 ;;
esac
