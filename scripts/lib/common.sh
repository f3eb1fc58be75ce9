# Shared by the run, test and bench scripts: prerequisites a fresh Debian 12 machine lacks.
# shellcheck shell=bash

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

die() { echo "error: $*" >&2; exit 1; }

# Stops with a clear message unless run as root; $1 says what root is needed for.
require_root() {
  [ "$(id -u)" -eq 0 ] || die "this needs root: $1. Run it as root, e.g. sudo bash $0"
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is required (dotnet not found on PATH)"
  dotnet --list-sdks | grep -q '^10\.' || die "the .NET 10 SDK is required; found: $(dotnet --list-sdks | tr '\n' ' ')"
}

# Installs the Debian packages that are missing; only root can, so others get told what to install.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages: ${missing[*]} (run as root, or: apt-get install ${missing[*]})"
  fi
  echo "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The kernel tools and router services the engine drives and the integration tests use (dnsmasq serves the LAN,
# udhcpc and pppd address WANs); mptcpize runs iperf3 over kernel MPTCP in the bench.
KERNEL_PACKAGES=(nftables iproute2 conntrack iperf3 mptcpd mptcpize procps dnsmasq-base udhcpc ppp pppoe)
