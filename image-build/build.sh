#!/usr/bin/env bash
# Builds the appliance's firmware as root on Debian 12: the app (self-contained linux-x64 publish), a bookworm
# root filesystem (mmdebstrap), its squashfs, a GPT disk image (ESP with systemd-boot, rootfs-a, rootfs-b, data)
# and a signed RAUC bundle. Idempotent: every run starts from a clean work directory under --out.
#
#   bash image-build/build.sh [--out DIR] [--version X] [--key FILE --cert FILE --keyring FILE] [--factory-defaults FILE]
#                             [--test-fixtures]
#
# Without --key/--cert/--keyring, development keys are made under image-build/dev-keys/ (never committed).
# --factory-defaults replaces the shipped factory defaults (LAN 192.168.1.1/24); the QEMU tests' image uses
# image-build/factory-defaults-testnet.json (APPLIANCE_FACTORY_DEFAULTS in the environment does the same).
# --test-fixtures adds image-build/test-fixtures/ (a test ISP inside the guest for the QEMU tests); never for a box.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/lib/common.sh"
root=$(repo_root)

COMPATIBLE=multiwan-appliance-x86_64
out=$here/out
key="" cert="" keyring="" version=""
factory_defaults=${APPLIANCE_FACTORY_DEFAULTS:-}
test_fixtures=0
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --version) version=${2:?--version needs a value}; shift 2 ;;
    --key) key=${2:?--key needs a file}; shift 2 ;;
    --cert) cert=${2:?--cert needs a file}; shift 2 ;;
    --keyring) keyring=${2:?--keyring needs a file}; shift 2 ;;
    --factory-defaults) factory_defaults=${2:?--factory-defaults needs a file}; shift 2 ;;
    --test-fixtures) test_fixtures=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

require_root "mmdebstrap builds the root filesystem in a chroot"
require_dotnet
ensure_packages mmdebstrap squashfs-tools genimage rauc dosfstools mtools e2fsprogs systemd-boot-efi openssl fdisk

if [ -z "$version" ]; then
  version=$(git -C "$root" describe --tags --always --dirty 2>/dev/null || date -u +%Y%m%d%H%M)
fi
# The version ends up in a file name and in the manifest: keep it to a safe alphabet.
[[ "$version" =~ ^[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}$ ]] || die "version '$version' may only hold letters, digits and . _ + ~ -"

if [ -n "$key$cert$keyring" ]; then
  [ -n "$key" ] && [ -n "$cert" ] && [ -n "$keyring" ] || die "--key, --cert and --keyring go together"
  for f in "$key" "$cert" "$keyring"; do [ -r "$f" ] || die "cannot read $f"; done
  key=$(readlink -f "$key") cert=$(readlink -f "$cert") keyring=$(readlink -f "$keyring")
else
  bash "$here/lib/dev-keys.sh" "$here/dev-keys"
  key=$here/dev-keys/signing.key.pem cert=$here/dev-keys/signing.cert.pem keyring=$here/dev-keys/ca.cert.pem
fi
if [ -n "$factory_defaults" ]; then
  [ -r "$factory_defaults" ] || die "cannot read $factory_defaults"
  factory_defaults=$(readlink -f "$factory_defaults")
fi
openssl x509 -in "$cert" -noout -ext extendedKeyUsage 2>/dev/null | grep -q 'Code Signing' &&
  die "$cert has the codeSigning extended key usage, which RAUC refuses"

mkdir -p "$out"
out=$(readlink -f "$out")
work=$out/work
# Only what this run mounted is unmounted: mmdebstrap's own mounts under the work tree if it was interrupted.
cleanup() {
  local status=$?
  if [ -d "$work" ]; then
    { findmnt -rn -o TARGET | grep -F "$work/" || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  fi
  [ $status -eq 0 ] || echo "build failed (exit $status); partial output in $work" >&2
}
trap cleanup EXIT
rm -rf "$work"
mkdir -p "$work"

summary=()
# step NAME COMMAND...: runs one step, prints and remembers how long it took.
step() {
  local name=$1; shift
  local start=$SECONDS
  echo "== $name"
  "$@"
  local line
  line=$(printf '%-12s %4ds' "$name" $((SECONDS - start)))
  summary+=("$line")
  echo "== $line"
}

publish() {
  # Trimming: a full trim breaks EF Core at run time (its value converters are created by reflection), and the
  # minimal-API source generator that trimming turns on does not compile this app's endpoints. What works:
  # TrimMode=partial (only the framework's trimmable assemblies), reflection-based JSON kept on (the API's types
  # are serialized without a source-generated context), MudBlazor kept whole (lib/publish-trim.targets).
  # ReadyToRun: precompiled code, so the box (and the TCG-emulated smoke test) does not JIT everything at start.
  # The linker's incremental check misses changed trim settings: never reuse an earlier linux-x64 publish.
  rm -rf "$root/Appliance.Web/obj/Release/net10.0/linux-x64"
  dotnet publish "$root/Appliance.Web/Appliance.Web.csproj" -c Release -r linux-x64 --self-contained \
    -p:PublishTrimmed=true -p:TrimMode=partial -p:EnableRequestDelegateGenerator=false \
    -p:JsonSerializerIsReflectionEnabledByDefault=true -p:SuppressTrimAnalysisWarnings=true \
    -p:EnableTrimAnalyzer=false -p:CustomAfterMicrosoftCommonTargets="$here/lib/publish-trim.targets" \
    -p:PublishReadyToRun=true -p:DebugType=none -o "$work/publish" -nologo -v quiet
}

rootfs() {
  local packages=(systemd systemd-sysv systemd-resolved udev dbus polkitd iproute2 nftables conntrack procps
    kmod e2fsprogs rauc rauc-service linux-image-amd64 initramfs-tools zstd ca-certificates
    dnsmasq-base udhcpc ppp pppoe)
  # The router's tools, run by the engine: dnsmasq-base (the LAN's DHCP and DNS; not the dnsmasq package, whose
  # system service would take port 53 and 67), udhcpc (WAN DHCP), ppp and pppoe (PPPoE WANs, pppoe-server for tests).
  IMAGE_DIR=$here PUBLISH_DIR=$work/publish KEYRING=$keyring APPLIANCE_VERSION=$version COMPATIBLE=$COMPATIBLE \
    FACTORY_DEFAULTS=$factory_defaults TEST_FIXTURES=$test_fixtures \
    mmdebstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook="bash '$here/lib/customize-rootfs.sh' \"\$1\"" \
    bookworm "$work/rootfs" http://deb.debian.org/debian
  # /var is the data partition's content (it survives updates); the squashfs keeps only its mount point.
  mkdir -p "$work/data"
  find "$work/rootfs/var" -mindepth 1 -maxdepth 1 -exec mv -t "$work/data" {} +
  mkdir -p "$work/data/lib/appliance"
}

squashfs() {
  mksquashfs "$work/rootfs" "$work/rootfs.img" -comp zstd -noappend -quiet -no-progress -e var/lib/dpkg/info
}

esp() {
  local esp=$work/esp kernel initrd
  kernel=$(readlink -f "$work/rootfs/vmlinuz") initrd=$(readlink -f "$work/rootfs/initrd.img")
  mkdir -p "$esp/EFI/BOOT" "$esp/EFI/systemd" "$esp/loader/entries" "$esp/A" "$esp/B"
  cp /usr/lib/systemd/boot/efi/systemd-bootx64.efi "$esp/EFI/BOOT/BOOTX64.EFI"
  cp /usr/lib/systemd/boot/efi/systemd-bootx64.efi "$esp/EFI/systemd/systemd-bootx64.efi"
  # No "default": systemd-boot boots the first entry in sort-key order and puts entries without tries left last.
  printf 'timeout 0\nconsole-mode keep\neditor no\n' > "$esp/loader/loader.conf"
  local slot id part sortkey
  for slot in A B; do
    id=${slot,,} part=rootfs-${slot,,}
    sortkey=$([ "$slot" = A ] && echo appliance-1 || echo appliance-2)
    cp "$kernel" "$esp/$slot/vmlinuz"
    cp "$initrd" "$esp/$slot/initrd.img"
    # The factory slots start blessed (no counter); RAUC gives a newly installed slot a+3.conf / b+3.conf.
    cat > "$esp/loader/entries/$id.conf" <<EOF
title      Multi-WAN appliance $version (slot $slot)
version    $version
linux      /$slot/vmlinuz
initrd     /$slot/initrd.img
options    root=PARTLABEL=$part rootfstype=squashfs ro rauc.slot=$slot console=ttyS0,115200 panic=10
sort-key   $sortkey
EOF
  done
}

disk() {
  local slot_size=1024M
  sed -e "s|@ESP_DIR@|$work/esp|" -e "s|@DATA_DIR@|$work/data|" -e "s|@ROOTFS_IMG@|$work/rootfs.img|g" \
    -e "s|@SLOT_SIZE@|$slot_size|g" "$here/genimage.cfg.in" > "$work/genimage.cfg"
  mkdir -p "$work/genimage-root"
  rm -rf "$work/genimage-tmp" "$out/disk.img"
  genimage --config "$work/genimage.cfg" --rootpath "$work/genimage-root" --tmppath "$work/genimage-tmp" \
    --inputpath "$work" --outputpath "$out"
}

bundle() {
  local dir=$work/bundle raucb=$out/appliance-$version.raucb
  mkdir -p "$dir"
  cp "$work/rootfs.img" "$dir/rootfs.img"
  cat > "$dir/manifest.raucm" <<EOF
[update]
compatible=$COMPATIBLE
version=$version
description=Multi-WAN appliance firmware
build=$(date -u +%Y-%m-%dT%H:%M:%SZ)

[bundle]
format=verity

[image.rootfs]
filename=rootfs.img
EOF
  # Only this build's bundle stays in the output: an older one next to it is easy to upload by mistake.
  rm -f "$out"/appliance-*.raucb
  rauc bundle --cert="$cert" --key="$key" --keyring="$keyring" "$dir" "$raucb"
  rm -rf "$dir"
}

step publish publish
step rootfs rootfs
step squashfs squashfs
step esp esp
step disk disk
step bundle bundle
cp "$work/appliance-security.txt" "$out/" 2>/dev/null || true
echo "$version" > "$out/version"

echo
echo "firmware $version built in $out:"
for f in "$out/disk.img" "$out/appliance-$version.raucb" "$work/rootfs.img"; do
  printf '  %-60s %6s (%s on disk)\n' "$f" "$(du -h --apparent-size "$f" | cut -f1)" "$(du -h "$f" | cut -f1)"
done
[ -s "$out/appliance-security.txt" ] && echo "  systemd-analyze security: $(tail -n 1 "$out/appliance-security.txt")"
echo "steps:"
printf '  %s\n' "${summary[@]}"
