#!/usr/bin/env python3
"""The table of bench/reference/side-by-side.sh: reads reference.txt, ours-ipc-N.json and ours-aeron-N.json from
the results directory and prints, per round, size, rate and idle mode, the reference's and our latency percentiles,
frames lost and cores (Markdown, as docs/benchmarks.md records it). When a cell ran in more than one round or segment
and both sides carry histograms, a second table pools each cell over them (D254): histograms merged, frames lost
summed, cores weighed by seconds, and the pairs (same round and segment) in which our p99 was at or below the
reference's."""
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


class Pool:
    """One side of one cell over all its segments."""

    def __init__(self):
        self.counts = {}
        self.lost = 0
        self.cpu_seconds = 0.0
        self.seconds = 0.0
        self.segments = 0
        self.p99 = {}

    def add(self, segment, counts, lost, cores, seconds):
        for value, count in counts.items():
            self.counts[value] = self.counts.get(value, 0) + count
        self.lost += lost
        self.cpu_seconds += cores * seconds
        self.seconds += seconds
        self.segments += 1
        self.p99[segment] = percentile(counts, 99)

    def text(self):
        cores = self.cpu_seconds / self.seconds if self.seconds > 0 else 0.0
        return cell(percentile(self.counts, 50), percentile(self.counts, 99), percentile(self.counts, 99.9), self.lost, cores)


def pooled_table(pools):
    cells = sorted({k[1:] for k in pools}, key=lambda k: (k[0], k[1], ["spin", "yield", "backoff", "wait"].index(k[2])))
    rows = []
    for size, rate, idle in cells:
        ref, ours = pools.get(("ref", size, rate, idle)), pools.get(("ours", size, rate, idle))
        if ref is None or ours is None or ref.segments < 2:
            continue
        paired = sorted(set(ref.p99) & set(ours.p99))
        wins = sum(1 for s in paired if ours.p99[s] <= ref.p99[s])
        ratio = percentile(ours.counts, 99) / max(1, percentile(ref.counts, 99))
        rows.append(f"| {size} B | {rate:g} Hz | {idle} | {ref.segments} | {ref.text()} | {ours.segments} | {ours.text()} | "
                    f"{ratio:.2f} | {wins} of {len(paired)} |")
    if not rows:
        return
    print()
    print("pooled over every round and segment of a cell: latency p50 / p99 / p99.9 in µs of the merged histograms; lost "
          "summed; cores weighed by seconds; p99 ours/ref of the pooled histograms; pairs: segments in which our p99 was at "
          "or below the reference's")
    print()
    print("| size | rate | idle | segments | reference C, aeron:ipc | lost | cores | segments | ours, tp:ipc | lost | cores | "
          "p99 ours/ref | pairs ours ≤ ref |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(row)


def main(directory):
    pools = {}
    reference = {}
    path = os.path.join(directory, "reference.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
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
    path = os.path.join(directory, "loads.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                fields = dict(part.split("=", 1) for part in line.split())
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
    pooled_table(pools)


if __name__ == "__main__":
    main(sys.argv[1])
