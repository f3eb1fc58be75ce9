#!/usr/bin/env bash
# Runs the appliance in the lab: an emulated site in network namespaces (LAN, three ISPs shaped to 50/20/10 Mbit/s,
# internet) with live traffic, and the real appliance driving it; web UI and REST API on http://127.0.0.1:5080,
# data in ./data/lab. Ctrl-C tears it all down. Arguments go to the appliance (e.g. --urls http://127.0.0.1:8080).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
root=$(repo_root)
require_root "the lab builds network namespaces and veth links (ip netns), loads nftables rules and shapes links with tc"
require_dotnet
ensure_packages "${KERNEL_PACKAGES[@]}"
cd "$root"
dotnet build Appliance.Web -c Release -nologo -v quiet
dotnet build tests/Appliance.Lab -c Release -nologo -v quiet
exec dotnet run --project tests/Appliance.Lab -c Release --no-build -- "$@"
