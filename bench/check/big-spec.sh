#!/usr/bin/env bash
# `zoo check` on a huge bad spec (issue 10): two 5-6 MB files of ~437k unknown keys, timed for one or more builds of the
# CLI side by side, alternating, with the load average.
#
#   bench/check/big-spec.sh [runs] DIR...      (DIR: a folder holding zoo.dll, e.g. from
#                                               `dotnet build cli/CrossLMM.Zoo.Cli.csproj -c Release -o DIR`)
#
# big-top.yaml:    436,897 top-level lines `k0000000: 0` (the measurement of issue 10: 5.2 MB).
# big-nested.yaml: a valid spec whose compressor mapping holds 437,000 more keys `  k000000: 1` (5.7 MB).
# Each run prints "DIR FILE seconds peak-RSS"; `zoo check` prints 100 diagnostics per file and counts the rest.
set -euo pipefail
runs=${1:?usage: big-spec.sh runs DIR...}
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import sys
out = sys.argv[1]
with open(f"{out}/big-top.yaml", "w") as f:
    for i in range(436897):
        f.write("k%07d: 0\n" % i)
with open(f"{out}/big-nested.yaml", "w") as f:
    f.write("name: Big\nvision: { kind: vit }\nllm: { kind: qwen2 }\nprojector: { kind: linear }\ncompressor:\n  kind: pool2d\n  grid: 3\n")
    for i in range(437000):
        f.write("  k%06d: 1\n" % i)
PY
uptime
for _ in $(seq "$runs"); do
  for file in big-top big-nested; do
    for dir in "$@"; do
      /usr/bin/time -f "$dir $file %e s %M KB" dotnet "$dir/zoo.dll" check "$work/$file.yaml" >/dev/null 2>"$work/err" || true
      tail -1 "$work/err"
    done
  done
done
uptime
