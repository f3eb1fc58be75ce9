# Shared by the smoke and update tests: one QEMU guest (TCG, UEFI with OVMF) booted from a copy of the disk
# image, user networking restricted to HTTPS forwarded to a free port on 127.0.0.1, its console in a file.
# shellcheck shell=bash

vm_ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.fd
vm_ovmf_vars=/usr/share/OVMF/OVMF_VARS_4M.fd
# The guest's network uses a documentation range, not QEMU's default 10.0.2.0/24. The guest has one port, which
# the factory configuration makes its LAN with a fixed address: the image under test is built with
# image-build/factory-defaults-testnet.json, whose LAN address is vm_guest, so QEMU's forward reaches the appliance
# on its LAN port as a laptop would (QEMU's own DHCP server goes unused).
vm_guest=198.18.200.15
vm_net="net=198.18.200.0/24,host=198.18.200.2,dns=198.18.200.3,dhcpstart=$vm_guest"
qemu_pid=""
vm_port=""

# vm_options SCRIPT DEFAULT_OUT DEFAULT_TIMEOUT ARGS...: the options every QEMU test takes; sets out and timeout
# and checks that a disk image has been built.
vm_options() {
  local script=$1
  out=$2
  timeout=$3
  shift 3
  while [ $# -gt 0 ]; do
    case "$1" in
      --out) out=${2:?--out needs a directory}; shift 2 ;;
      --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
      *) die "unknown option: $1 (usage: $script [--out DIR] [--timeout SECONDS])" ;;
    esac
  done
  [[ "$timeout" =~ ^[0-9]+$ ]] || die "--timeout takes whole seconds"
  [ -s "$out/disk.img" ] || die "no $out/disk.img: run image-build/build.sh first"
}

# A free port on the loopback address, so parallel runs do not collide.
vm_pick_port() {
  local candidate
  for _ in $(seq 50); do
    candidate=$((20000 + RANDOM % 20000))
    if ! ss -Htln "sport = :$candidate" | grep -q .; then vm_port=$candidate; return 0; fi
  done
  die "no free local port found"
}

# vm_session NAME: one test's scratch folder (run), its start (started), and an exit trap that stops the guest,
# keeps its console in out/NAME-serial.log and, on failure, a picture of the screen and the console's last lines.
vm_session() {
  vm_name=$1
  run=$(mktemp -d "/tmp/appliance-$1.XXXXXX")
  started=$SECONDS
  trap vm_finish EXIT
}

vm_finish() {
  local status=$?
  [ $status -eq 0 ] || vm_screendump "$run" "$out/$vm_name-screen.ppm"
  vm_stop
  [ -f "$run/serial.log" ] && cp "$run/serial.log" "$out/$vm_name-serial.log"
  if [ $status -ne 0 ]; then
    echo "$vm_name test FAILED after $((SECONDS - started))s; last lines of the serial console ($out/$vm_name-serial.log):" >&2
    vm_console_tail "$run" >&2
  fi
  rm -rf "$run"
}

# vm_start RUN_DIR DISK: boots a copy of DISK (the built image is never written); sets qemu_pid and vm_port.
vm_start() {
  local run=$1 disk=$2
  vm_pick_port
  cp --sparse=always "$disk" "$run/disk.img"
  cp "$vm_ovmf_vars" "$run/vars.fd"
  vm_boot "$run"
}

# vm_boot RUN_DIR: powers the guest on from the copy in RUN_DIR, on the same port, appending to the same console.
# A reboot ends QEMU (-no-reboot): under TCG a warm reset now and then hung in the firmware, so the tests turn a
# reboot into a power cycle with vm_wait_off and vm_boot.
vm_boot() {
  local run=$1
  qemu-system-x86_64 -no-reboot -accel tcg -machine q35 -m 1536 -smp 2 \
    -drive if=pflash,format=raw,unit=0,readonly=on,file="$vm_ovmf_code" \
    -drive if=pflash,format=raw,unit=1,file="$run/vars.fd" \
    -drive if=virtio,format=raw,file="$run/disk.img" \
    -nic "user,model=virtio-net-pci,restrict=on,$vm_net,hostfwd=tcp:127.0.0.1:$vm_port-$vm_guest:443" \
    -display none -monitor unix:"$run/monitor.sock",server,nowait \
    -chardev file,id=console,path="$run/serial.log",append=on -serial chardev:console &
  qemu_pid=$!
}

# vm_screendump RUN_DIR FILE: what the guest's screen shows (the boot loader and firmware write there, not to the
# serial console), as a PPM picture; best effort, for explaining a failure.
vm_screendump() {
  [ -S "$1/monitor.sock" ] || return 0
  printf 'screendump %s\n' "$2" | timeout 5 socat - UNIX-CONNECT:"$1/monitor.sock" > /dev/null 2>&1 || true
}

# vm_wait_off SECONDS: waits (bounded) until the guest has shut down and QEMU has exited.
vm_wait_off() {
  local until=$((SECONDS + $1))
  while kill -0 "$qemu_pid" 2>/dev/null; do
    [ $SECONDS -lt $until ] || die "the guest did not go down within $1 s"
    sleep 1
  done
  wait "$qemu_pid" 2>/dev/null || true
}

vm_alive() { kill -0 "$qemu_pid" 2>/dev/null || die "QEMU exited"; }

# vm_console_count RUN_DIR REGEX: how many lines of the console (all boots so far) match.
vm_console_count() { grep -Ec "$2" "$1/serial.log" 2>/dev/null || true; }

# vm_wait_console RUN_DIR REGEX COUNT SECONDS: waits (bounded) until COUNT console lines match, QEMU alive.
vm_wait_console() {
  local run=$1 regex=$2 count=$3 until=$((SECONDS + $4))
  until [ "$(vm_console_count "$run" "$regex")" -ge "$count" ]; do
    vm_alive
    [ $SECONDS -lt $until ] || die "the console did not show '$regex' $count times within $4 s"
    sleep 0.5
  done
}

# vm_power_cut: pulls the plug (SIGKILL to the QEMU this script started): the guest gets no chance to shut down.
vm_power_cut() {
  kill -9 "$qemu_pid" 2>/dev/null || true
  wait "$qemu_pid" 2>/dev/null || true
}

# Ends the QEMU this script started (by its PID), politely first.
vm_stop() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill "$qemu_pid"
    for _ in $(seq 50); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$qemu_pid" 2>/dev/null && kill -9 "$qemu_pid"
  fi
  return 0
}

# The last lines of the guest's console, without colour codes.
vm_console_tail() { [ -f "$1/serial.log" ] && tail -n "${2:-60}" "$1/serial.log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'; }

# vm_wait_healthy BASE DEADLINE: polls /healthz until it says Healthy, QEMU dies, or SECONDS passes DEADLINE.
vm_wait_healthy() {
  local base=$1 deadline=$2
  until [ "$(curl -ks --max-time 10 "$base/healthz" 2>/dev/null || true)" = "Healthy" ]; do
    vm_alive
    [ $SECONDS -lt "$deadline" ] || die "no answer from $base/healthz in time"
    sleep 3
  done
}

# vm_api_token BASE PASSWORD: the first-run set-up as an admin does it in a browser (user admin), then an API token
# for the rest (cookie changes need the XSRF header); sets token. Under TCG on a busy host an answer can take
# minutes: a set-up that completed after curl gave up is followed by a sign-in with the same credentials.
vm_api_token() {
  local base=$1 jar=$run/cookies xsrf credentials
  credentials=$(jq -cn --arg p "$2" '{userName: "admin", password: $p}')
  curl -ks --max-time 180 -f -c "$jar" -H 'Content-Type: application/json' -d "$credentials" "$base/api/v1/auth/setup" > /dev/null \
    || curl -ks --max-time 180 -f -c "$jar" -H 'Content-Type: application/json' -d "$credentials" "$base/api/v1/auth/login" > /dev/null \
    || die "first-run set-up failed"
  xsrf=$(curl -ks --max-time 10 -f -b "$jar" -c "$jar" "$base/api/v1/auth/antiforgery" | jq -r .token)
  token=$(curl -ks --max-time 30 -f -b "$jar" -H "X-XSRF-TOKEN: $xsrf" -H 'Content-Type: application/json' \
    -d '{"name":"qemu-test","role":"admin"}' "$base/api/v1/tokens" | jq -r .token)
  [[ "$token" == apl_* ]] || die "no API token"
}
