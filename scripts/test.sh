#!/usr/bin/env bash
# Builds everything with warnings as errors and runs every test project.
# Integration tests need root (network namespaces, nftables); they are part of this run, not skipped.
# Then the OpenAPI check (tests/openapi/check.sh): the served document linted by Redocly CLI and Spectral, and a client
# generated from it driving a running appliance; APPLIANCE_SKIP_OPENAPI=1 leaves it out.
# Then the image tier: image-build/build.sh builds the firmware, image-build/smoke-test.sh boots it in QEMU,
# image-build/wan-test.sh brings up a DHCP and a PPPoE WAN inside the guest, and image-build/update-test.sh updates a booted
# guest from slot A to B through the API.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
root=$(repo_root)
require_dotnet
# chromium: the end-to-end tests drive Debian's browser headless (Playwright never downloads one here).
# promtool (package prometheus) checks the /metrics exposition in the web tests.
# rauc, rauc-service, dbus, openssl, squashfs-tools: the firmware tests run the real RAUC service on a private bus.
ensure_packages "${KERNEL_PACKAGES[@]}" sqlite3 chromium prometheus rauc rauc-service dbus openssl squashfs-tools
# nodejs, npm: the OpenAPI check's linters and generated client. A machine whose Node.js came from elsewhere (with its own
# npm) keeps it: Debian's npm package would replace that Node.js.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  ensure_packages nodejs npm
fi
cd "$root"
# APPLIANCE_SKIP_BUILD=1: the caller has just built (scripts/stress-tests.sh runs the suite several times).
if [ "${APPLIANCE_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build Appliance.sln -c Release -nologo -v quiet -warnaserror
fi
log=$(mktemp)
openapi_log=$(mktemp)
trap 'rm -f "$log" "$openapi_log"' EXIT
set +e
dotnet test --solution Appliance.sln -c Release --no-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "${APPLIANCE_SKIP_OPENAPI:-0}" != 1 ]; then
  bash "$root/tests/openapi/check.sh" 2>&1 | tee "$openapi_log"
  openapi_status=${PIPESTATUS[0]}
  [ "$openapi_status" -ne 0 ] && echo "openapi: FAILED" && [ "$status" -eq 0 ] && status=$openapi_status
fi
set -e
# One closing line over all projects and the client test, in the plain "N passed, N failed" form; an OpenAPI check
# that failed before its client test ran counts as one failure.
{
  sed -n '/Test run summary/,$p' "$log"
  awk '/^# pass / {p+=$3} /^# fail / {f+=$3; seen=1}
    END {if (!seen && failed) f=1; printf "  succeeded: %d\n  failed: %d\n", p, f}' failed="${openapi_status:-0}" "$openapi_log"
} | awk '/succeeded:/ {p+=$2} /failed:/ {f+=$2} /skipped:/ {s+=$2} END {printf "tests: %d passed, %d failed, %d skipped\n", p, f, s}'

# The image tier: build the firmware, boot it in QEMU, DHCP and PPPoE WANs in the guest, update it A to B and fall back (about 20 minutes here). APPLIANCE_SKIP_IMAGE=1 leaves it out.
image_status=0
if [ "${APPLIANCE_SKIP_IMAGE:-0}" != 1 ]; then
  image_start=$SECONDS
  # The QEMU tests' image has TEST-NET factory defaults (its first port's LAN address is the one QEMU forwards to) and
  # the test fixtures (an ISP with DHCP and PPPoE inside the guest for wan-test.sh).
  if bash "$root/image-build/build.sh" --factory-defaults "$root/image-build/factory-defaults-testnet.json" --test-fixtures &&
    bash "$root/image-build/smoke-test.sh" && bash "$root/image-build/wan-test.sh" && bash "$root/image-build/update-test.sh"; then
    echo "image tier: passed in $((SECONDS - image_start))s"
  else
    image_status=1
    echo "image tier: FAILED after $((SECONDS - image_start))s"
  fi
fi
[ "$status" -ne 0 ] && exit "$status"
exit "$image_status"
