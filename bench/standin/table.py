"""Markdown table of bench/standin/compare.sh's runs: per architecture, frames and threads, the median over
rounds of each engine's median latency and peak memory, and the ratios TorchSharp / stand-in."""
import glob
import json
import os
import statistics
import sys

out = sys.argv[1]
runs = {}
for path in sorted(glob.glob(os.path.join(out, "*.json"))):
    engine, threads, _ = os.path.basename(path)[:-5].split("-")
    with open(path) as f:
        report = json.load(f)
    for m in report["measurements"]:
        key = (m["stem"], m["frames"], int(threads[:-1]))
        runs.setdefault(key, {}).setdefault(engine, []).append((m["medianMs"], m["peakBytes"] / 2**20))

print("| architecture | frames | threads | stand-in ms | TorchSharp ms | time ratio | stand-in peak MiB | TorchSharp peak MiB | memory ratio |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for (stem, frames, threads), engines in sorted(runs.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])):
    if "standin" not in engines or "torchsharp" not in engines:
        continue
    old_ms = statistics.median(t for t, _ in engines["standin"])
    new_ms = statistics.median(t for t, _ in engines["torchsharp"])
    old_mb = statistics.median(m for _, m in engines["standin"])
    new_mb = statistics.median(m for _, m in engines["torchsharp"])
    print(f"| {stem} | {frames} | {threads} | {old_ms:.1f} | {new_ms:.1f} | **{new_ms / old_ms:.2f}** | {old_mb:.0f} | {new_mb:.0f} | **{new_mb / old_mb:.2f}** |")
