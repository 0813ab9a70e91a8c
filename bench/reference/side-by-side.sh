#!/usr/bin/env bash
# Our data path beside the reference C implementation's (DarrylGamroth/tensor_pool_c), in the same minutes:
# one producer and one consumer process at a paced rate, latency from the producer's commit timestamp to the
# consumer's accept (p50/p99/p99.9), frames lost, and the cores the two processes used, for
#   - the reference over aeron:ipc, per idle mode it offers (spin, yield, backoff), with ref_paced.c (ours, built here
#     against the reference's public headers and libraries);
#   - ours over tp:ipc (tp bench --paced), per idle mode (spin, yield, backoff, wait);
#   - ours over aeron:ipc through the SAME Aeron media driver as the reference (tp bench --paced --aeron-dir).
# Prints one table per round (docs/benchmarks.md, issues 14 and 15). With --interleave, each reference cell is
# followed at once by ours over tp:ipc in the same size, rate and idle mode (and the wait mode after each size and rate),
# so the two see the same placement of a VM's vCPUs; the aeron:ipc column is then left out. With --alternate N, each
# size, rate and idle mode runs N segment pairs in a row, the reference first in odd segments and ours first in even
# ones (no wait cells), and the table adds each cell pooled over all its segments and rounds: latency histograms
# merged, the pairs in which ours was at or below the reference (D254).
#
# Needs TP_REFERENCE_DIR: a work folder of ../shared/reference/BUILDING.md (tensor_pool_c/, build/tp/, build/aeron/,
# aeron/); without it the script says why and exits 0. Needs a Release build of this repository (./build.sh build).
#
# Usage: bench/reference/side-by-side.sh [--sizes 64,4096] [--rates 1000,10000] [--idle spin,yield,backoff]
#                                        [--seconds 5] [--rounds 2] [--out DIR] [--interleave] [--alternate N]
set -euo pipefail

sizes=64,4096
rates=1000,10000
idle=spin,yield,backoff
seconds=5
rounds=2
out=""
interleave=0
alternate=0
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift 2 ;;
        --rates) rates=$2; shift 2 ;;
        --idle) idle=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --interleave) interleave=1; shift ;;
        --alternate) alternate=${2:-}; shift $(( $# > 1 ? 2 : 1 )) ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "side-by-side: unknown argument '$1' (--help)" >&2; exit 2 ;;
    esac
done
for value in "$sizes" "$rates"; do
    [[ "$value" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "side-by-side: '$value' is not a list of numbers" >&2; exit 2; }
done
[[ "$idle" =~ ^(spin|yield|backoff)(,(spin|yield|backoff))*$ ]] || { echo "side-by-side: --idle takes spin,yield,backoff" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -ge 1 ]] || { echo "side-by-side: --seconds takes a whole number >= 1" >&2; exit 2; }
[[ "$rounds" =~ ^[0-9]+$ && "$rounds" -ge 1 ]] || { echo "side-by-side: --rounds takes a whole number >= 1" >&2; exit 2; }
# 0 (the default) is no alternation; given, the option takes 1-20 segment pairs.
[[ "$alternate" = 0 || ( "$alternate" =~ ^[1-9][0-9]?$ && "$alternate" -le 20 ) ]] \
    || { echo "side-by-side: --alternate takes a whole number 1-20, not '$alternate'" >&2; exit 2; }

ref=${TP_REFERENCE_DIR:-}
if [ -z "$ref" ] || [ ! -d "$ref" ]; then
    echo "side-by-side: skipped: TP_REFERENCE_DIR is not set to a build of the reference C implementation (../shared/reference/BUILDING.md)"
    exit 0
fi
need() {
    if [ ! -e "$1" ]; then
        echo "side-by-side: skipped: TP_REFERENCE_DIR ($ref) holds no $1 ($2)"
        exit 0
    fi
}
include=$ref/tensor_pool_c/include
generated=$ref/build/tp/generated
aeron_include=$ref/aeron/aeron-client/src/main/c
need "$include/tensor_pool/tp.h" "the reference's public headers"
need "$generated" "the reference's generated codecs"
need "$aeron_include/aeron_agent.h" "the Aeron C client headers"
need "$ref/build/tp/libtensor_pool.a" "the reference library"
need "$ref/build/tp/libtomlc17.a" "its TOML parser"
need "$ref/build/tp/aeron-client/libaeron_static.a" "the Aeron client the reference links"
need "$ref/build/aeron/binaries/aeronmd" "the Aeron media driver"
need "$ref/build/tp/tp_shm_create" "the reference's region tool"
need "$ref/build/aeron/lib/libaeron.so" "libaeron for our aeron:ipc cells"

root=$(cd "$(dirname "$0")/../.." && pwd)
bench_dll=$root/bench/TensorPool.Bench.Cli/bin/Release/net10.0/tp-bench.dll
[ -f "$bench_dll" ] || { echo "side-by-side: $bench_dll is missing: run ./build.sh build first" >&2; exit 1; }

work=$(mktemp -d /tmp/tp-side-by-side.XXXXXX)
out=${out:-$work}
mkdir -p "$out"
aeron_dir=/dev/shm/tp-side-by-side-$$-aeron
shm_root=/dev/shm/tp-side-by-side-$$
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$shm_root" "$aeron_dir"
}
trap cleanup EXIT

harness=$work/ref_paced
cc -O2 -std=c11 -Wall -Wextra -o "$harness" "$root/bench/reference/ref_paced.c" \
    -I"$include" -I"$generated" -I"$aeron_include" \
    "$ref/build/tp/libtensor_pool.a" "$ref/build/tp/aeron-client/libaeron_static.a" "$ref/build/tp/libtomlc17.a" \
    -ldl -lm -lpthread

# One media driver for everything: the reference's cells and our aeron:ipc cells go through it.
AERON_DIR=$aeron_dir AERON_THREADING_MODE=SHARED AERON_DIR_DELETE_ON_START=1 AERON_DIR_DELETE_ON_SHUTDOWN=1 \
    "$ref/build/aeron/binaries/aeronmd" >"$work/aeronmd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do [ -f "$aeron_dir/cnc.dat" ] && break; sleep 0.1; done
[ -f "$aeron_dir/cnc.dat" ] || { echo "side-by-side: aeronmd did not start (see $work/aeronmd.log)" >&2; exit 1; }

channel='aeron:ipc?term-length=16m' # the channel of our aeron:ipc cells (AeronColumn.Channel)
# The reference's cells run on Aeron's default IPC term (64 MiB). Every reference client subscribes to the descriptor
# stream and never polls that subscription, so a descriptor publication stalls once half a term of descriptors is
# out: on a 16 MiB term that is 87,000 frames (8.7 s at 10 kHz), on 64 MiB 350,000 (D254).
ref_channel='aeron:ipc?term-length=64m'
export TP_AERON_LIBRARY=$ref/build/aeron/lib/libaeron.so

# wait_line FILE TEXT SECONDS: until FILE has a line starting with TEXT.
wait_line() {
    local deadline=$((SECONDS + $3))
    until grep -q "^$2" "$1" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.05
    done
}

# steal_ticks: the time the host took from this VM's vCPUs (all of them, in clock ticks; /proc/stat "cpu" field 8).
steal_ticks() { awk '$1 == "cpu" { print $9 }' /proc/stat; }

# stolen SIDE ROUND SIZE RATE IDLE COMMAND...: runs COMMAND and appends the host's steal over it to steal.txt, as a
# share of all vCPUs' time, so the table can tell a segment the host interrupted (D254).
stolen() {
    local side=$1 round=$2 size=$3 rate=$4 mode=$5
    shift 5
    local before start
    before=$(steal_ticks)
    start=$(date +%s%N)
    "$@"
    local ticks=$(( $(steal_ticks) - before )) nanos=$(( $(date +%s%N) - start ))
    echo "side=$side round=$round size=$size rate=$rate idle=$mode steal=$(awk -v t="$ticks" -v n="$nanos" -v c="$(nproc)" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.4f", (n > 0 ? t / hz / (n / 1e9 * c) : 0) }')" >>"$out/steal.txt"
}

# start_side LOG LINE producer|consumer ARGS...: the harness, logging to LOG, until LOG has LINE; sets started_pid. Three
# tries of 20 s each: the reference's client start at times never completes adding a subscription (it polls the add
# forever), and a fresh process then starts normally.
start_side() {
    local log=$1 line=$2
    shift 2
    for attempt in 1 2 3; do
        "$harness" "$@" >"$log" 2>&1 &
        started_pid=$!
        wait_line "$log" "$line" 20 && return 0
        kill "$started_pid" 2>/dev/null || true
        wait "$started_pid" 2>/dev/null || true
        echo "side-by-side: reference $1 not $line within 20 s (try $attempt of 3): $(tail -n 3 "$log")" >&2
    done
    return 1
}

# ref_cell SIZE RATE IDLE ROUND: one reference producer and consumer; appends a line to $out/reference.txt.
ref_cell() {
    local size=$1 rate=$2 mode=$3 round=$4
    local warmup=$(( rate / 4 > 20 ? rate / 4 : 20 ))
    local frames=$(( rate * seconds ))
    local base=$shm_root/ref-$size-$rate-$mode-$round
    local stride=$(( (size + 63) / 64 * 64 ))
    "$ref/build/tp/tp_shm_create" -b "$base" -n sbs -r header -s 10000 -e 1 -p 0 -N 1024 -S "$stride" -l 1 >/dev/null
    "$ref/build/tp/tp_shm_create" -b "$base" -n sbs -r pool -s 10000 -e 1 -p 1 -N 1024 -S "$stride" -l 1 >/dev/null
    local dir
    dir=$(dirname "$(find "$base" -name header.ring | head -1)")
    local plog=$work/ref-producer-$size-$rate-$mode-$round.log clog=$work/ref-consumer-$size-$rate-$mode-$round.log
    if ! start_side "$plog" attached producer "$aeron_dir" "$ref_channel" "$dir" "$size" "$rate" "$warmup" "$frames"; then
        return 0
    fi
    local ppid=$started_pid
    if start_side "$clog" ready consumer "$aeron_dir" "$ref_channel" "$dir" "$size" "$mode" $(( seconds + 5 )); then
        touch "$dir/go"
    else
        # The producer waits for go: stop it, or the round waits for its own deadline.
        kill "$ppid" 2>/dev/null || true
    fi
    local cpid=$started_pid
    wait "$ppid" || true
    wait "$cpid" || true
    local p c
    p=$(grep '^result' "$plog" || true)
    c=$(grep '^result' "$clog" || true)
    if [ -z "$p" ] || [ -z "$c" ]; then
        echo "side-by-side: reference cell $size B $rate Hz $mode failed: $(tail -2 "$plog") / $(tail -2 "$clog")" >&2
        return 0
    fi
    echo "round=$round size=$size rate=$rate idle=$mode $p $c" | sed 's/result //g' >>"$out/reference.txt"
    rm -rf "$base"
}

# ours ROUND TRANSPORT [SIZES RATES IDLE]: our cells (all of the round's by default) in one tp bench run.
ours() {
    local round=$1 transport=$2 cell_sizes=${3:-$sizes} cell_rates=${4:-$rates} cell_idle=${5:-$idle,wait}
    local name=ours-$transport-$round
    [ $# -gt 2 ] && name=$name-$cell_sizes-$cell_rates-$cell_idle
    local args=(--paced --sizes "$cell_sizes" --rates "$cell_rates" --consumers 1 --idle "$cell_idle" --window "$seconds" --json --out "$work/$name")
    [ "$transport" = aeron ] && args+=(--aeron-dir "$aeron_dir")
    dotnet "$bench_dll" "${args[@]}" >"$out/$name.json" 2>"$work/$name.log" \
        || echo "side-by-side: tp bench ($transport) failed: $(tail -3 "$work/$name.log")" >&2
}

for round in $(seq 1 "$rounds"); do
    load_before=$(cut -d' ' -f1-3 --output-delimiter=/ /proc/loadavg)
    echo "# round $round: load average $load_before" >&2
    for size in ${sizes//,/ }; do
        for rate in ${rates//,/ }; do
            for mode in ${idle//,/ }; do
                if [ "$alternate" -gt 0 ]; then
                    for segment in $(seq 1 "$alternate"); do
                        # Who goes first swaps each segment, so neither side always follows the other.
                        local_round=$round.$segment
                        if [ $((segment % 2)) = 1 ]; then
                            stolen ref "$local_round" "$size" "$rate" "$mode" ref_cell "$size" "$rate" "$mode" "$local_round"
                            stolen ours "$local_round" "$size" "$rate" "$mode" ours "$local_round" ipc "$size" "$rate" "$mode"
                        else
                            stolen ours "$local_round" "$size" "$rate" "$mode" ours "$local_round" ipc "$size" "$rate" "$mode"
                            stolen ref "$local_round" "$size" "$rate" "$mode" ref_cell "$size" "$rate" "$mode" "$local_round"
                        fi
                    done
                    continue
                fi
                ref_cell "$size" "$rate" "$mode" "$round"
                [ "$interleave" = 1 ] && ours "$round" ipc "$size" "$rate" "$mode"
            done
            [ "$interleave" = 1 ] && [ "$alternate" = 0 ] && ours "$round" ipc "$size" "$rate" wait
        done
    done
    if [ "$interleave" = 0 ] && [ "$alternate" = 0 ]; then
        ours "$round" ipc
        ours "$round" aeron
    fi
    echo "round=$round load_before=$load_before load_after=$(cut -d' ' -f1-3 --output-delimiter=/ /proc/loadavg)" >>"$out/loads.txt"
done

python3 "$root/bench/reference/side_by_side_table.py" "$out"
echo "# raw results in $out" >&2
