#!/usr/bin/env python3
"""The table of bench/reference/side-by-side.sh: reads reference.txt, ours-ipc-N.json and ours-aeron-N.json from
the results directory and prints, per round, size, rate and idle mode, the reference's and our latency percentiles,
frames lost and cores (Markdown, as docs/benchmarks.md records it). When a cell ran in more than one round or segment
and both sides carry histograms, a second table pools each cell over them (D254): histograms merged, frames lost
summed, cores weighed by seconds, and the pairs (same round and segment) in which our p99 was at or below the
reference's; with steal.txt, a third table pools only the segment pairs the host did not interrupt."""
import json
import os
import sys


def us(ns):
    return f"{ns / 1000:.1f}" if ns < 100_000 else f"{ns / 1000:.0f}"


def cell(p50, p99, p999, lost, cores):
    return f"{us(p50)} / {us(p99)} / {us(p999)} | {lost} | {cores:.3f}"


def histogram(token):
    """{value: count} of an encoded histogram (h_VALUE:COUNT_...), as LatencyRecorder.Encode and ref_paced.c write it."""
    if not token or not token.startswith("h"):
        return None
    counts = {}
    for pair in token[1:].split("_"):
        if pair:
            value, count = pair.split(":")
            counts[int(value)] = counts.get(int(value), 0) + int(count)
    return counts


def percentile(counts, p):
    """The value at percentile p as HdrHistogram finds it: the first whose running count reaches p of the total."""
    total = sum(counts.values())
    if total == 0:
        return 0
    target = max(1, int(p / 100.0 * total + 0.5))
    running = 0
    for value in sorted(counts):
        running += counts[value]
        if running >= target:
            return value
    return max(counts)


STEAL_LIMIT = 0.01  # a segment pair in which the host took 1 % or more of the vCPUs' time on either side is "stolen"


class Pool:
    """One side of one cell: its segments, each a histogram, frames lost, cores, seconds and the host's steal."""

    def __init__(self):
        self.segments = {}

    def add(self, segment, counts, lost, cores, seconds):
        self.segments[segment] = (counts, lost, cores, seconds)

    def p99(self, segment):
        return percentile(self.segments[segment][0], 99)

    def text(self, segments):
        merged, lost, cpu_seconds, seconds = {}, 0, 0.0, 0.0
        for segment in segments:
            counts, segment_lost, cores, segment_seconds = self.segments[segment]
            for value, count in counts.items():
                merged[value] = merged.get(value, 0) + count
            lost += segment_lost
            cpu_seconds += cores * segment_seconds
            seconds += segment_seconds
        cores = cpu_seconds / seconds if seconds > 0 else 0.0
        return merged, cell(percentile(merged, 50), percentile(merged, 99), percentile(merged, 99.9), lost, cores)


def pooled_rows(pools, steal, clean_only):
    cells = sorted({k[1:] for k in pools}, key=lambda k: (k[0], k[1], ["spin", "yield", "backoff", "wait"].index(k[2])))
    rows = []
    for size, rate, idle in cells:
        ref, ours = pools.get(("ref", size, rate, idle)), pools.get(("ours", size, rate, idle))
        if ref is None or ours is None or len(ref.segments) < 2:
            continue
        # Only segments both sides ran: an unpaired one saw a placement the other side did not.
        paired = sorted(set(ref.segments) & set(ours.segments))
        if clean_only:
            paired = [s for s in paired
                      if all(steal.get((side, s, size, rate, idle), 1.0) < STEAL_LIMIT for side in ("ref", "ours"))]
        if not paired:
            rows.append(f"| {size} B | {rate:g} Hz | {idle} | 0 | - | - | - | - | - | - | - | - |")
            continue
        wins = sum(1 for s in paired if ours.p99(s) <= ref.p99(s))
        ref_counts, ref_text = ref.text(paired)
        our_counts, our_text = ours.text(paired)
        ratio = percentile(our_counts, 99) / max(1, percentile(ref_counts, 99))
        rows.append(f"| {size} B | {rate:g} Hz | {idle} | {len(paired)} | {ref_text} | {our_text} | "
                    f"{ratio:.2f} | {wins} of {len(paired)} |")
    return rows


def pooled_table(pools, steal):
    header = ("| size | rate | idle | pairs | reference C, aeron:ipc | lost | cores | ours, tp:ipc | lost | cores | "
              "p99 ours/ref | pairs ours ≤ ref |\n"
              "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    rows = pooled_rows(pools, steal, clean_only=False)
    if not rows:
        return
    print()
    print("pooled over every segment pair of a cell (both sides ran): latency p50 / p99 / p99.9 in µs of the merged histograms; lost "
          "summed; cores weighed by seconds; p99 ours/ref of the pooled histograms; pairs: segments in which our p99 was at "
          "or below the reference's")
    print()
    print(header)
    for row in rows:
        print(row)
    if not steal:
        return
    print()
    print(f"the same, over the segment pairs in which the host took under {STEAL_LIMIT:.0%} of the vCPUs' time on both "
          "sides (steal.txt)")
    print()
    print(header)
    for row in pooled_rows(pools, steal, clean_only=True):
        print(row)
    stolen = sorted((v, k) for k, v in steal.items() if v >= STEAL_LIMIT)
    if stolen:
        print()
        print("stolen segments: " + ", ".join(f"{k[0]} {k[1]} {k[2]} B {k[3]:g} Hz {k[4]} {v:.1%}" for v, k in reversed(stolen)))


def key_value_lines(directory, name):
    """(line, {key: value}) for each line of NAME in the results directory, if it exists."""
    path = os.path.join(directory, name)
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                yield line, dict(part.split("=", 1) for part in line.split() if "=" in part)


def main(directory):
    pools = {}
    steal = {}
    for _, fields in key_value_lines(directory, "steal.txt"):
        steal[(fields["side"], fields["round"], int(fields["size"]), float(fields["rate"]), fields["idle"])] = float(fields["steal"])
    reference = {}
    for line, fields in key_value_lines(directory, "reference.txt"):
        key = (fields["round"], int(fields["size"]), float(fields["rate"]), fields["idle"])
        published = int(fields["published"])
        cores = 0.0
        # producer's and consumer's CPU over their windows, each divided by its own wall time
        cpu = [int(v) for k, v in (p.split("=", 1) for p in line.split() if p.startswith("cpu_ns="))]
        wall = [int(v) for k, v in (p.split("=", 1) for p in line.split() if p.startswith("wall_ns="))]
        for c, w in zip(cpu, wall):
            cores += c / w if w > 0 else 0
        lost = published - int(fields["timed"])
        reference[key] = cell(int(fields["p50"]), int(fields["p99"]), int(fields["p999"]), lost, cores)
        counts = histogram(fields.get("hist"))
        if counts is not None:
            seconds = max(wall) / 1e9 if wall else 0.0
            pools.setdefault(("ref",) + key[1:], Pool()).add(key[0], counts, lost, cores, seconds)
    ours = {}
    floors = {}
    for name in sorted(os.listdir(directory)):
        if not (name.startswith("ours-") and name.endswith(".json")):
            continue
        # ours-TRANSPORT-ROUND.json, or ours-TRANSPORT-ROUND-SIZE-RATE-IDLE.json for one cell (--interleave)
        transport, round_ = name[len("ours-"):-len(".json")].split("-")[:2]
        try:
            with open(os.path.join(directory, name)) as f:
                report = json.load(f)
        except (OSError, ValueError):
            continue
        paced = report.get("paced") or {}
        for floor in paced.get("futexFloors", []):
            floors.setdefault((round_, floor["rateHz"]), []).append(floor)
        for c in paced.get("cells", []):
            l = c["latencyNs"]
            ours[(transport, round_, c["size"], c["rateHz"], c["idle"])] = cell(l["p50"], l["p99"], l["p999"], c["lost"], c["cores"])
            counts = histogram(c.get("latencyHistogram"))
            if transport == "ipc" and counts is not None:
                pools.setdefault(("ours", c["size"], float(c["rateHz"]), c["idle"]), Pool()).add(
                    round_, counts, c["lost"], c["cores"], c["windowSeconds"])
    loads = {}
    for line, fields in key_value_lines(directory, "loads.txt"):
        loads[fields["round"]] = line.strip()
    keys = sorted({(k[1], k[2], k[3], k[4]) for k in ours} | {(k[0], k[1], k[2], k[3]) for k in reference},
                  key=lambda k: (k[0], k[1], k[2], ["spin", "yield", "backoff", "wait"].index(k[3])))
    print("latency p50 / p99 / p99.9 in µs (producer commit timestamp -> consumer accept); lost of the window's frames; "
          "cores of producer + consumer (the shared media driver not included)")
    print()
    print("| round | size | rate | idle | reference C, aeron:ipc | lost | cores | ours, tp:ipc | lost | cores | ours, aeron:ipc | lost | cores |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    empty = "- | - | -"
    for round_, size, rate, idle in keys:
        print(f"| {round_} | {size} B | {rate:g} Hz | {idle} | {reference.get((round_, size, rate, idle), empty)} | "
              f"{ours.get(('ipc', round_, size, rate, idle), empty)} | {ours.get(('aeron', round_, size, rate, idle), empty)} |")
    print()
    for (round_, rate), measured in sorted(floors.items()):
        for f in measured:
            l = f["latencyNs"]
            print(f"round {round_}: futex-wake floor at {rate:g} Hz: p50 {us(l['p50'])} µs, p99 {us(l['p99'])} µs, "
                  f"p99.9 {us(l['p999'])} µs, {f['cores']:.3f} cores")
    for line in loads.values():
        print(line)
    pooled_table(pools, steal)


if __name__ == "__main__":
    main(sys.argv[1])
