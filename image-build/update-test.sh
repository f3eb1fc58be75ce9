#!/usr/bin/env bash
# The A/B update, end to end in QEMU: boots a copy of the disk image (slot A), sets it up over the API as a user
# would (first admin, an API token, the hub role applied so it has something to be healthy about), uploads the
# signed bundle to /api/v1/firmware, installs it with progress, reboots through the API, and checks that the
# appliance comes back from slot B and marks it good once healthy. Then the fallback: the bundle again into slot A,
# whose boots are cut short three times; the boot loader must go back to B by itself. Never modifies the built image.
#
#   bash image-build/update-test.sh [--out DIR] [--timeout SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/lib/common.sh"
source "$here/lib/vm.sh"
vm_options update-test.sh "$here/out" 1200 "$@"
bundle=$(find "$out" -maxdepth 1 -name 'appliance-*.raucb' | head -n 1)
[ -n "$bundle" ] || die "no appliance-*.raucb in $out: run image-build/build.sh first"
ensure_packages qemu-system-x86 ovmf curl socat jq

vm_session update
deadline=$((SECONDS + timeout))

step() { echo "[$((SECONDS - started))s] $*"; }
in_time() { vm_alive; [ $SECONDS -lt $deadline ] || die "$1 within ${timeout}s"; }

vm_start "$run" "$out/disk.img"
base=https://127.0.0.1:$vm_port
step "booting a copy of $out/disk.img (QEMU pid $qemu_pid), HTTPS on 127.0.0.1:$vm_port"
vm_wait_healthy "$base" "$deadline"
step "the appliance answers"

vm_api_token "$base" update-test-password
api() { curl -ks --max-time "${CURL_MAX:-30}" -H "Authorization: Bearer $token" "$@"; }
step "admin and API token created"

# A healthy appliance is one whose engine applied a revision with something reachable: as a hub, its listener.
settings=$(api -f "$base/api/v1/settings" | jq '.role = "hub"')
api -f -X PUT -H 'Content-Type: application/json' -d "$settings" "$base/api/v1/settings" > /dev/null || die "setting the hub role failed"
api -f -H 'Content-Type: application/json' -d '{"comment":"update test: hub role"}' "$base/api/v1/config/apply" > /dev/null \
  || die "apply failed"
until api "$base/api/v1/status" -o "$run/status.json" && jq -e '.running and .revisionId >= 1 and .bonding.state == "listening"' "$run/status.json" > /dev/null; do
  in_time "the hub did not start listening"
  sleep 3
done
step "the hub role runs (hub listening)"

firmware() { api -f "$base/api/v1/firmware" -o "$run/firmware.json" && cat "$run/firmware.json"; }
until firmware > /dev/null 2>&1 && jq -e '.available' "$run/firmware.json" > /dev/null; do
  in_time "RAUC did not answer on the guest's bus"
  sleep 3
done
[ "$(jq -r .installer.bootSlot "$run/firmware.json")" = A ] || die "not booted from slot A: $(cat "$run/firmware.json")"
step "booted from slot A"

# install_bundle SLOT: uploads the bundle, checks it, installs it with progress, and expects SLOT (A or B) primary.
install_bundle() {
  local want=$1 last="" now primary
  step "uploading $(basename "$bundle") ($(du -h "$bundle" | cut -f1))"
  CURL_MAX=600 api -f -H 'Content-Type: application/octet-stream' --data-binary @"$bundle" \
    "$base/api/v1/firmware/bundle?fileName=$(basename "$bundle")" -o "$run/check.json" || die "upload refused: $(cat "$run/check.json" 2>/dev/null)"
  jq -e '.installable' "$run/check.json" > /dev/null || die "bundle not installable: $(cat "$run/check.json")"
  step "checked: version $(jq -r .version "$run/check.json") for $(jq -r .compatible "$run/check.json")"
  api -f -X POST "$base/api/v1/firmware/install" > /dev/null || die "install did not start"
  until firmware > /dev/null 2>&1 && jq -e '.latest.operation == "installed" or .latest.operation == "failed"' "$run/firmware.json" > /dev/null; do
    in_time "the install did not finish"
    now=$(jq -r '"\(.latest.percent // 0)% \(.latest.message // "")"' "$run/firmware.json" 2>/dev/null || true)
    [ "$now" = "$last" ] || { step "installing: $now"; last=$now; }
    sleep 2
  done
  [ "$(jq -r .latest.operation "$run/firmware.json")" = installed ] || die "install failed: $(jq -c .latest "$run/firmware.json")"
  # RAUC names the primary by slot (rootfs.1), the boot loader by bootname (B).
  primary=$(jq -r '.installer as $i | $i.slots[] | select(.name == $i.primary) | .bootName' "$run/firmware.json")
  [ "$primary" = "$want" ] || die "slot $want is not primary after the install: $(jq -c .installer "$run/firmware.json")"
}

# reboot_through_api: the appliance reboots itself (login1); with -no-reboot QEMU ends at the reset.
reboot_through_api() {
  api -f -X POST "$base/api/v1/firmware/reboot" > /dev/null || die "reboot refused"
  vm_wait_off 180
}

slots() { jq -c '[.installer.slots[] | {name, bootName, bootStatus, bundleVersion}]' "$run/firmware.json"; }

install_bundle B
step "installed; slot B is primary; rebooting through the API"
reboot_through_api
step "the guest rebooted (QEMU ended at its reset); powering it on again"
vm_boot "$run"
vm_wait_healthy "$base" "$deadline"
step "back up"

until firmware > /dev/null 2>&1 && jq -e '.available and .installer.bootSlot == "B" and .bootMark.state == "marked"' "$run/firmware.json" > /dev/null; do
  in_time "slot B was not booted and marked good: $(jq -c '{boot: .installer.bootSlot, mark: .bootMark}' "$run/firmware.json" 2>/dev/null)"
  sleep 3
done
step "booted from slot B and marked it good: $(slots)"

# Fallback: the same bundle again, now into slot A, and A never comes up. Each boot of A's entry uses one of its
# three tries (systemd-boot counts them on the ESP before it starts the kernel); the power is cut as soon as A's
# kernel starts, long before the appliance could mark it good. The fourth boot must be B again, by the boot loader alone.
install_bundle A
step "installed into slot A, which is primary on trial; rebooting through the API"
reboot_through_api
a_kernel='\] Command line: .*rauc\.slot=A'
b_kernel='\] Command line: .*rauc\.slot=B'
a_boots=$(vm_console_count "$run" "$a_kernel")
b_boots=$(vm_console_count "$run" "$b_kernel")
for try in 1 2 3; do
  vm_boot "$run"
  vm_wait_console "$run" "$a_kernel" $((a_boots + try)) 180
  vm_power_cut
  step "try $try: slot A's kernel started; power cut before it could be marked good"
done
vm_boot "$run"
vm_wait_healthy "$base" "$deadline"
[ "$(vm_console_count "$run" "$a_kernel")" -eq $((a_boots + 3)) ] || die "slot A was booted a fourth time"
[ "$(vm_console_count "$run" "$b_kernel")" -eq $((b_boots + 1)) ] || die "the boot after three failed tries was not slot B"
until firmware > /dev/null 2>&1 && jq -e '.available and .installer.bootSlot == "B" and (.installer.slots[] | select(.bootName == "A") | .bootStatus == "bad")' "$run/firmware.json" > /dev/null; do
  in_time "after the fallback, RAUC did not report B booted and A bad: $(jq -c '{boot: .installer.bootSlot, slots: .installer.slots}' "$run/firmware.json" 2>/dev/null)"
  sleep 3
done
step "fell back to slot B after three failed tries of A: $(slots)"
step "update test passed"
