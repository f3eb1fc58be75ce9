#!/usr/bin/env bash
# Benchmarks on the real kernel: apply latency (config change to kernel committed) for 2/8/16 WANs with
# 200 rules, iperf3 forwarding throughput with the engine's ruleset vs plain forwarding, failover time, bonding through a hub,
# the live status hub with 50 SignalR clients, and DHCP renumbering (renew to traffic on the new address).
# Needs root (network namespaces, nftables). Prints the figures and writes bench-results/bench.{json,txt}.
# Options are passed to the bench (e.g. --only apply, --seconds 3; --help lists them).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
root=$(repo_root)
[ "$(id -u)" -eq 0 ] || die "the benchmarks need root (network namespaces, nftables, iperf3 in namespaces)"
require_dotnet
ensure_packages "${KERNEL_PACKAGES[@]}"
cd "$root"
dotnet build tests/Appliance.Bench -c Release -nologo -v quiet -warnaserror
# The live status benchmark starts the appliance itself (its Release build), as the lab does.
dotnet build Appliance.Web -c Release -nologo -v quiet -warnaserror

# The bench removes its namespaces itself, also on failure, Ctrl+C and timeout. Should it be killed outright,
# this removes what is left of this run's namespaces (named by the prefix) and the processes in them.
prefix="bn$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
cleanup() {
  local ns pid
  for ns in $(ip netns list | awk '{print $1}' | grep "^${prefix}" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    echo "removed leftover namespace $ns" >&2
  done
}
trap cleanup EXIT

dotnet tests/Appliance.Bench/bin/Release/net10.0/Appliance.Bench.dll --prefix "$prefix" --out "$root/bench-results" "$@"
