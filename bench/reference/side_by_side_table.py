#!/usr/bin/env python3
"""The table of bench/reference/side-by-side.sh: reads reference.txt, ours-ipc-N.json and ours-aeron-N.json from
the results directory and prints, per round, size, rate and idle mode, the reference's and our latency percentiles,
frames lost and cores (Markdown, as docs/benchmarks.md records it)."""
import json
import os
import sys


def us(ns):
    return f"{ns / 1000:.1f}" if ns < 100_000 else f"{ns / 1000:.0f}"


def cell(p50, p99, p999, lost, cores):
    return f"{us(p50)} / {us(p99)} / {us(p999)} | {lost} | {cores:.3f}"


def main(directory):
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
                reference[key] = cell(int(fields["p50"]), int(fields["p99"]), int(fields["p999"]),
                                      published - int(fields["timed"]), cores)
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


if __name__ == "__main__":
    main(sys.argv[1])
