#!/usr/bin/env bash
# Rebuild times of the architectures project with and without the zoo source generator (issue 4, "Speed").
#
#   bench/generator/noop-build.sh [runs]        (default 3; from anywhere in the repository)
#
# For each variant — with the generator, and with -p:ZooGenerator=false (no analyzer, no Runtime/; see the
# csproj) — the project is built twice to prime it, then timed:
#   no-op        `dotnet build` again with nothing changed (CoreCompile is skipped: the generator must not run);
#   YAML touched `touch architectures/crosslmm.yaml` then `dotnet build` (CoreCompile reruns; with the
#                generator, csc runs it on the whole zoo in a fresh process, as UseSharedCompilation=false here).
# Prints the median and min of each (seconds) as a markdown table; ends with a normal build so the tree is as before.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
project=architectures/CrossLMM.Zoo.Architectures.csproj
log=$(mktemp)
trap 'rm -f "$log"' EXIT

build() {
  local start end
  start=$(date +%s%N)
  if ! dotnet build "$project" -nologo -v:q "$@" >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

stats() { # ms values -> "median min" in seconds
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f %.2f", m / 1000, v[1] / 1000 }'
}

declare -A result
for variant in with without; do
  props=()
  [[ $variant == without ]] && props=(-p:ZooGenerator=false)
  build "${props[@]}" >/dev/null
  build "${props[@]}" >/dev/null
  noop=()
  touched=()
  for ((i = 0; i < runs; i++)); do
    noop+=("$(build "${props[@]}")")
    touch architectures/crosslmm.yaml
    touched+=("$(build "${props[@]}")")
  done
  result[$variant-noop]=$(stats "${noop[@]}")
  result[$variant-touched]=$(stats "${touched[@]}")
done
build >/dev/null   # back to the normal build

echo "# architectures project rebuilds ($runs runs each; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| build | with generator: median s | min s | without: median s | min s |"
echo "|---|---:|---:|---:|---:|"
read -r a b <<<"${result[with-noop]}"; read -r c d <<<"${result[without-noop]}"
echo "| no-op \`dotnet build\` | $a | $b | $c | $d |"
read -r a b <<<"${result[with-touched]}"; read -r c d <<<"${result[without-touched]}"
echo "| one YAML touched | $a | $b | $c | $d |"
