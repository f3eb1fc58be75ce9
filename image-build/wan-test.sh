#!/usr/bin/env bash
# WAN addressing, end to end inside the booted image: a DHCP WAN, then a PPPoE WAN (this machine's kernel has no PPP;
# the image's has ppp and pppoe). The image must be built with --test-fixtures: its test ISP (image-build/test-fixtures/)
# runs a DHCP server (dnsmasq) and pppoe-server with a CHAP secret in a network namespace inside the guest, wired to
# the guest's port wanppp by a veth pair, so the factory configuration made wanppp a DHCP WAN. First that WAN must
# get its lease (address, gateway and DNS server from the ISP) and come up through it. Then, over the API as a user
# would, the test turns it to PPPoE: a wrong password must keep it down; with the right one the engine runs pppd (as
# its systemd unit), learns the address and peer from the PPP session, routes the WAN over the PPP device, and its
# probes (which answer only behind the ISP) pass. Never modifies the built image.
#
#   bash image-build/wan-test.sh [--out DIR] [--timeout SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/lib/common.sh"
source "$here/lib/vm.sh"
vm_options wan-test.sh "$here/out" 900 "$@"
ensure_packages qemu-system-x86 ovmf curl socat jq

vm_session wan
deadline=$((SECONDS + timeout))
step() { echo "[$((SECONDS - started))s] $*"; }
in_time() { vm_alive; [ $SECONDS -lt $deadline ] || die "$1 within ${timeout}s: $(head -c 600 "$run/status.json" 2>/dev/null)"; }

vm_start "$run" "$out/disk.img"
base=https://127.0.0.1:$vm_port
step "booting a copy of $out/disk.img (QEMU pid $qemu_pid), HTTPS on 127.0.0.1:$vm_port"
vm_wait_healthy "$base" "$deadline"
vm_api_token "$base" wan-test-password
api() { curl -ks --max-time "${CURL_MAX:-30}" -H "Authorization: Bearer $token" "$@"; }
step "the appliance answers; admin and API token created"

# The fixture's port is a WAN of the factory configuration, with DHCP addressing.
api -f "$base/api/v1/wans" -o "$run/wans.json" || die "no WAN list"
wan=$(jq -c '[.[] | select(.interface == "wanppp")][0] // empty' "$run/wans.json")
[ -n "$wan" ] || die "no WAN on the test ISP's port wanppp (is the image built with --test-fixtures?): $(cat "$run/wans.json")"
name=$(jq -r .name <<< "$wan")
step "WAN $name is on wanppp"
wan_status() { api "$base/api/v1/status" -o "$run/status.json" && jq -e --arg n "$name" "$1" "$run/status.json" > /dev/null; }
show() { jq -c --arg n "$name" ".wans[] | select(.name == \$n) | $1" "$run/status.json"; }

# DHCP: udhcpc (run by the engine) gets a lease from the ISP's dnsmasq (192.0.2.100-149, router 192.0.2.1).
until wan_status '.wans[] | select(.name == $n) | .addressing.mode == "dhcp" and .addressing.gateway == "192.0.2.1"
    and (.addressing.address // "" | test("^192\\.0\\.2\\.1[0-4][0-9]/24$")) and .addressing.expires != null'; do
  in_time "no DHCP lease from the test ISP"
  sleep 2
done
step "DHCP lease: $(show '.addressing | {device, address, gateway, dnsServers, expires}')"
until wan_status '.wans[] | select(.name == $n) | .state == "up" and .usable and .rttMs != null'; do
  in_time "the WAN did not come up over its DHCP lease"
  sleep 2
done
step "WAN $name is up by DHCP: $(show '{state, reason}')"

# set_pppoe PASSWORD COMMENT: the WAN's addressing becomes PPPoE with that password, applied.
set_pppoe() {
  jq --arg password "$1" '.gateway = "dhcp" | .addressing = {mode: "pppoe",
      pppoe: {username: "appliance-test", password: $password, mtu: 1492}}' <<< "$wan" > "$run/wan.json"
  api -f -X PUT -H 'Content-Type: application/json' -d @"$run/wan.json" "$base/api/v1/wans/$name" > /dev/null ||
    die "the PPPoE addressing was refused"
  api -f -H 'Content-Type: application/json' -d "$(jq -cn --arg c "$2" '{comment: $c}')" "$base/api/v1/config/apply" > /dev/null ||
    die "apply failed"
}

# PPPoE. A wrong password first: the access concentrator refuses the session, and the WAN must not come up.
set_pppoe not-the-secret "pppoe test: wrong password"
until wan_status '.wans[] | select(.name == $n) | .addressing.mode == "pppoe" and .state != "up"'; do
  in_time "the WAN did not switch to PPPoE (and leave its DHCP lease)"
  sleep 3
done
refused_until=$((SECONDS + 45))
while [ $SECONDS -lt $refused_until ]; do
  ! wan_status '.wans[] | select(.name == $n) | .addressing.address != null or .state == "up"' ||
    die "the WAN came up with a wrong password: $(show '.')"
  vm_alive
  sleep 5
done
step "with a wrong password the session is refused and $name stays down"

set_pppoe pppoe-test-secret "pppoe test"
step "WAN $name set to PPPoE (user appliance-test) and applied"
# The access concentrator hands out 203.0.113.10 to .13 (one per session slot) and is the peer, 203.0.113.1.
until wan_status '.wans[] | select(.name == $n) | .addressing.mode == "pppoe" and .addressing.gateway == "203.0.113.1"
    and (.addressing.address // "" | test("^203\\.0\\.113\\.1[0-3]/32$"))'; do
  in_time "no PPP session with the address and peer from the access concentrator"
  sleep 2
done
step "PPP session up: $(show '.addressing | {device, address, gateway, dnsServers, state}')"
until wan_status '.wans[] | select(.name == $n) | .state == "up" and .usable and .rttMs != null'; do
  in_time "the WAN did not come up over the PPP session (probes through it)"
  sleep 2
done
step "WAN $name is up over PPPoE: $(show '{state, reason}')"
echo "WAN test passed in $((SECONDS - started))s"
