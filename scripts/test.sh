#!/usr/bin/env bash
# Builds everything with warnings as errors and runs every test project.
# Integration tests need root (network namespaces, nftables); they are part of this run, not skipped.
# Then the image tier: image-build/build.sh builds the firmware, image-build/smoke-test.sh boots it in QEMU, and
# image-build/update-test.sh updates a booted guest from slot A to B through the API.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
root=$(repo_root)
require_dotnet
# chromium: the end-to-end tests drive Debian's browser headless (Playwright never downloads one here).
# promtool (package prometheus) checks the /metrics exposition in the web tests.
# rauc, rauc-service, dbus, openssl, squashfs-tools: the firmware tests run the real RAUC service on a private bus.
ensure_packages "${KERNEL_PACKAGES[@]}" sqlite3 chromium prometheus rauc rauc-service dbus openssl squashfs-tools
cd "$root"
# APPLIANCE_SKIP_BUILD=1: the caller has just built (scripts/stress-tests.sh runs the suite several times).
if [ "${APPLIANCE_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build Appliance.sln -c Release -nologo -v quiet -warnaserror
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test --solution Appliance.sln -c Release --no-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over all projects, in the plain "N passed, N failed" form.
awk '/succeeded:/ {p+=$2} /failed:/ {f+=$2} /skipped:/ {s+=$2} END {printf "tests: %d passed, %d failed, %d skipped\n", p, f, s}' \
  <(sed -n '/Test run summary/,$p' "$log")

# The image tier: build the firmware, boot it in QEMU, update it A to B and fall back (about 12 minutes here). APPLIANCE_SKIP_IMAGE=1 leaves it out.
image_status=0
if [ "${APPLIANCE_SKIP_IMAGE:-0}" != 1 ]; then
  image_start=$SECONDS
  if bash "$root/image-build/build.sh" && bash "$root/image-build/smoke-test.sh" && bash "$root/image-build/update-test.sh"; then
    echo "image tier: passed in $((SECONDS - image_start))s"
  else
    image_status=1
    echo "image tier: FAILED after $((SECONDS - image_start))s"
  fi
fi
[ "$status" -ne 0 ] && exit "$status"
exit "$image_status"
