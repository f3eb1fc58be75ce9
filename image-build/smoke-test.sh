#!/usr/bin/env bash
# Boots a copy of the built disk image in QEMU (TCG, UEFI with OVMF, user networking restricted to one forwarded
# port on 127.0.0.1, to the LAN address of the TEST-NET factory defaults) and checks the appliance over HTTPS:
# /healthz answers, the first-run set-up creates the admin, GET /api/v1/status reports the engine as running, and
# the first revision is the factory configuration applied on first boot. Never modifies the built image.
#
#   bash image-build/smoke-test.sh [--out DIR] [--timeout SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/lib/common.sh"
source "$here/lib/vm.sh"
# A bound, not a goal: under TCG on a machine whose cores are busy the first boot took over 270 s once.
vm_options smoke-test.sh "$here/out" 600 "$@"
ensure_packages qemu-system-x86 ovmf curl socat

vm_session smoke

# The appliance redirects plain HTTP from non-loopback clients to HTTPS (self-signed): forward 443 and accept it.
vm_start "$run" "$out/disk.img"
echo "booting $out/disk.img in QEMU (pid $qemu_pid), HTTPS forwarded to 127.0.0.1:$vm_port"

base=https://127.0.0.1:$vm_port
deadline=$((SECONDS + timeout))
curl_api() { curl -ks --max-time 10 "$@"; }
vm_wait_healthy "$base" "$deadline"
echo "healthz answered after $((SECONDS - started))s"

jar=$run/cookies
credentials='{"userName":"admin","password":"smoke-test-password"}'
# Hashing the first password is slow under TCG: allow a minute.
code=$(curl -ks --max-time 60 -o "$run/setup.json" -w '%{http_code}' -c "$jar" -H 'Content-Type: application/json' \
  -d "$credentials" "$base/api/v1/auth/setup" || true)
[ "$code" = 200 ] || die "first-run set-up answered '$code': $(cat "$run/setup.json" 2>/dev/null)"
echo "first-run set-up created the admin (signed in)"

until curl_api -b "$jar" "$base/api/v1/status" -o "$run/status.json" 2>/dev/null && grep -q '"running":true' "$run/status.json"; do
  vm_alive
  [ $SECONDS -lt $deadline ] || die "engine not running within ${timeout}s: $(head -c 400 "$run/status.json" 2>/dev/null)"
  sleep 3
done
echo "status: $(head -c 200 "$run/status.json")"

# A fresh box runs the factory configuration from its first boot (reached above on its LAN address).
curl_api -b "$jar" "$base/api/v1/config/revisions" -o "$run/revisions.json" || die "no revision list"
grep -q '"comment":"factory defaults (first boot)"' "$run/revisions.json" ||
  die "the first revision is not the factory configuration: $(head -c 400 "$run/revisions.json")"
echo "revision 1 is the factory configuration"
echo "smoke test passed in $((SECONDS - started))s"
