#!/usr/bin/env bash
# The zoo on TorchSharp 0.107 against the zoo on the retired stand-in engine (torch/, Debian's libtorch 1.13),
# side by side in one run: the same `zoo bench` cases, alternating engines, at 1 and 2 threads.
#
#   [ROUNDS=2] bash bench/standin/compare.sh /path/to/old-build [runs] [frames] [architectures...]
#
# /path/to/old-build is a clone of the last stand-in commit (21f15d6), built in Release:
#   git worktree add /tmp/old 21f15d6 && apt-get install -y libtorch-dev cmake g++ libopenblas0-pthread
#   (cd /tmp/old && dotnet build CrossLMM.Zoo.sln -c Release)
# The stand-in reads its threads from OMP_NUM_THREADS / OPENBLAS_NUM_THREADS and, at 2 threads, needs
# OMP_WAIT_POLICY=passive (its OpenMP threads otherwise spin against OpenBLAS's); TorchSharp takes --threads.
# Writes out/standin/<engine>-<threads>t-<round>.json and prints a markdown table of ratios (TorchSharp / stand-in).
set -euo pipefail
cd "$(dirname "$0")/../.."
old=${1:?usage: compare.sh OLD_BUILD [runs] [frames] [architectures...]}
runs=${2:-5}
frames=${3:-8,16,32}
shift $(( $# >= 3 ? 3 : $# ))
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(crosslmm pool-only llava-ov full-tokens)
out=out/standin
mkdir -p "$out"
new_zoo() { dotnet run --project cli/CrossLMM.Zoo.Cli.csproj -c Release --no-build -- "$@"; }
old_zoo() { (cd "$old" && dotnet run --project cli/CrossLMM.Zoo.Cli.csproj -c Release --no-build -- "$@"); }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/load.txt"
for threads in 1 2; do
  for round in $(seq 1 "${ROUNDS:-2}"); do
    OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=passive \
      old_zoo bench "${archs[@]}" --preset small --frames "$frames" --runs "$runs" --format json > "$out/standin-${threads}t-${round}.json"
    new_zoo bench "${archs[@]}" --preset small --frames "$frames" --runs "$runs" --threads "$threads" --format json > "$out/torchsharp-${threads}t-${round}.json"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"
/usr/bin/python3 bench/standin/table.py "$out"
