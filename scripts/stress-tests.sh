#!/usr/bin/env bash
# Runs the whole test suite (without the image tier) several times in a row while CPU hogs keep every core busy,
# as on a shared build machine. Tests must pass there too: this is how to check. Builds once, then prints each
# run's duration and result; exits non-zero if any run failed. Each run's full output is kept in a log directory.
#
#   sudo bash scripts/stress-tests.sh [RUNS]     RUNS defaults to 3
#
# APPLIANCE_STRESS_HOGS sets the number of hogs (default: one per core), APPLIANCE_STRESS_LOGS the log directory.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
root=$(repo_root)
require_root "the integration tests build network namespaces and load nftables rules"
require_dotnet

runs=${1:-3}
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || die "RUNS must be a number from 1 to 99, not '$runs'"
hogs=${APPLIANCE_STRESS_HOGS:-$(nproc)}
[[ "$hogs" =~ ^[0-9]{1,2}$ ]] || die "APPLIANCE_STRESS_HOGS must be a number from 0 to 99, not '$hogs'"
logs=${APPLIANCE_STRESS_LOGS:-$(mktemp -d /tmp/appliance-stress.XXXXXX)}
mkdir -p "$logs"

cd "$root"
echo "building once"
dotnet build Appliance.sln -c Release -nologo -v quiet -warnaserror

# Each hog is ended by the PID it was started with, whatever way this script ends.
hog_pids=()
stop_hogs() {
  local pid
  for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${hog_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_hogs EXIT
for _ in $(seq 1 "$hogs"); do
  yes > /dev/null &
  hog_pids+=("$!")
done
echo "CPU hogs running: ${hog_pids[*]:-none} ($hogs on $(nproc) cores); logs in $logs"

failed=0
total_start=$SECONDS
for run in $(seq 1 "$runs"); do
  log="$logs/run-$run.log"
  start=$SECONDS
  if APPLIANCE_SKIP_IMAGE=1 APPLIANCE_SKIP_BUILD=1 bash "$root/scripts/test.sh" > "$log" 2>&1; then
    result=passed
  else
    result=FAILED
    failed=$((failed + 1))
  fi
  summary=$(grep -a '^tests:' "$log" | tail -n 1 || true)
  echo "run $run/$runs: $result in $((SECONDS - start))s; ${summary:-no summary line}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$result" = FAILED ]; then
    # The failing tests by name; the log has their messages.
    grep -a '^failed ' "$log" | sed 's/^/  /' || echo "  (no failing test named; see $log)"
  fi
done
echo "stress: $((runs - failed)) of $runs runs passed in $((SECONDS - total_start))s"
[ "$failed" -eq 0 ]
