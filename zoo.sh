#!/usr/bin/env bash
# One entry point for a fresh Debian machine with the .NET SDK:
#   ./zoo.sh compare         install what is missing, build, run `zoo compare` (the main job)
#   ./zoo.sh test            same set-up, then every test; ends with "N passed, N failed"
#   ./zoo.sh <zoo args...>   same set-up, then any `zoo` command (list, show, check, cost, bench, run)
#   ./zoo.sh setup           only the set-up
set -euo pipefail
cd "$(dirname "$0")"

# The zoo's engine is TorchSharp from NuGet (restored by the build); apt brings only the PyTorch reference the
# tests compare against (/usr/bin/python3 + python3-torch, with OpenBLAS so it runs at speed) and ffmpeg (--video).
APT_PACKAGES=(python3-torch libopenblas0-pthread ffmpeg)
CONFIGURATION=${CONFIGURATION:-Release}

log() { printf '\033[1m[zoo.sh]\033[0m %s\n' "$*" >&2; }

install_missing() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]} (apt)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || { log "the .NET SDK (10) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian"; exit 1; }
  # /usr/bin/python3 is Debian's interpreter with torch (the PyTorch reference); another python3 may come first on PATH.
  /usr/bin/python3 -c "import torch" 2>/dev/null || { log "/usr/bin/python3 cannot import torch (python3-torch)"; exit 1; }
}

build() {
  log "building ($CONFIGURATION)"
  dotnet build CrossLMM.Zoo.sln -c "$CONFIGURATION" -nologo -v:q -clp:ErrorsOnly
  # TorchSharp's natives must load here (on Debian 12 through the libstdc++ fix, built once into a cache):
  # check now, with one line naming what is wrong, rather than in the middle of a run.
  dotnet run --project cli/CrossLMM.Zoo.Cli.csproj -c "$CONFIGURATION" --no-build -- env --quiet
}

run_tests() {
  local results; results=$(mktemp -d)
  local status=0
  dotnet test CrossLMM.Zoo.sln -c "$CONFIGURATION" --no-build -nologo \
    --logger "trx" --results-directory "$results" "$@" || status=$?
  # dotnet test prints no overall total: sum the TRX counters of every test project.
  local passed=0 failed=0 files=0
  for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    files=$((files + 1))
    local counters; counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1 || true)   # none in a truncated file: counted below
    local p f e
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
  done
  # A crashed test host or a project that never ran is a failure even if no test reported one.
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; log "dotnet test exited with $status without a failing test: counted as 1 failure"; fi
  if [ "$files" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; log "no test results were written: counted as 1 failure"; fi
  rm -rf "$results"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

cmd=${1:-help}
case "$cmd" in
  setup) install_missing; build ;;
  test) shift; install_missing
        # A build that fails still ends with the summary line CI reads.
        build || { log "the build failed"; echo "0 passed, 1 failed"; exit 1; }
        run_tests "$@" ;;
  help|-h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) install_missing; build
     dotnet run --project cli/CrossLMM.Zoo.Cli.csproj -c "$CONFIGURATION" --no-build -- "$@" ;;
esac
