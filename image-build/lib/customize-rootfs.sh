#!/usr/bin/env bash
# mmdebstrap --customize-hook: turns the bookworm tree in $1 into the appliance's root filesystem.
# Inputs from build.sh's environment: IMAGE_DIR, PUBLISH_DIR, KEYRING, APPLIANCE_VERSION, COMPATIBLE, and
# FACTORY_DEFAULTS (a file replacing the shipped factory defaults; empty keeps them), TEST_FIXTURES (1 adds the QEMU
# tests' fixtures from test-fixtures/).
set -euo pipefail
rootfs=$1
: "${IMAGE_DIR:?}" "${PUBLISH_DIR:?}" "${KEYRING:?}" "${APPLIANCE_VERSION:?}" "${COMPATIBLE:?}"
in_root() { chroot "$rootfs" "$@"; }

# Configuration files (unit, networkd, RAUC, D-Bus and polkit policy, fstab, journald).
cp -a "$IMAGE_DIR/rootfs/." "$rootfs/"
chmod 0755 "$rootfs/usr/lib/rauc/"*.sh
sed -i "s/^compatible=.*/compatible=$COMPATIBLE/" "$rootfs/etc/rauc/system.conf"
install -m 0644 "$KEYRING" "$rootfs/etc/rauc/keyring.pem"
# What a fresh box (and a factory reset) starts from: rootfs/usr/share/appliance/factory-defaults.json unless replaced.
if [ -n "${FACTORY_DEFAULTS:-}" ]; then
  install -m 0644 "$FACTORY_DEFAULTS" "$rootfs/usr/share/appliance/factory-defaults.json"
fi

# The app: a self-contained publish, owned by root and read-only like the rest of the root.
rm -rf "$rootfs/opt/appliance"
mkdir -p "$rootfs/opt/appliance"
cp -a "$PUBLISH_DIR/." "$rootfs/opt/appliance/"
chown -R root:root "$rootfs/opt/appliance"
chmod 0755 "$rootfs/opt/appliance/Appliance.Web"

in_root getent passwd appliance >/dev/null ||
  in_root useradd --system --user-group --home-dir /var/lib/appliance --no-create-home --shell /usr/sbin/nologin appliance

# Which firmware this is: RAUC's bundle carries the same version.
echo "$APPLIANCE_VERSION" > "$rootfs/etc/appliance-version"
sed -i '/^IMAGE_ID=/d; /^IMAGE_VERSION=/d' "$rootfs/usr/lib/os-release"
printf 'IMAGE_ID=multiwan-appliance\nIMAGE_VERSION=%s\n' "$APPLIANCE_VERSION" >> "$rootfs/usr/lib/os-release"
echo appliance > "$rootfs/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tappliance\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$rootfs/etc/hosts"

# Read-only root: an empty machine-id makes systemd create a transient one in /run at each boot.
: > "$rootfs/etc/machine-id"
rm -f "$rootfs/var/lib/dbus/machine-id"
mkdir -p "$rootfs/boot/efi"

in_root systemctl enable appliance.service appliance-boot-deadline.timer systemd-networkd.service systemd-resolved.service
# systemd-firstboot would prompt on the console; slots are blessed by the appliance, not by systemd-bless-boot;
# nothing waits for "online" (the engine manages the WANs); apt and dpkg timers have nothing to do on a read-only root.
# The engine runs dnsmasq and pppd itself: no system instance of either (masked even where the package has no unit).
in_root systemctl mask systemd-firstboot.service systemd-bless-boot.service systemd-networkd-wait-online.service \
  apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer dnsmasq.service pppd-dns.service
ln -sf ../run/systemd/resolve/stub-resolv.conf "$rootfs/etc/resolv.conf"

# The initrd must mount a squashfs root; rebuild it only if the kernel's build left the module out.
grep -qx squashfs "$rootfs/etc/initramfs-tools/modules" || echo squashfs >> "$rootfs/etc/initramfs-tools/modules"
initrd=$(readlink -f "$rootfs/initrd.img")
if ! in_root lsinitramfs "${initrd#"$rootfs"}" | grep -q 'squashfs\.ko'; then
  in_root update-initramfs -u -k all
fi

# The QEMU tests' image only: the test ISP inside the guest (test-fixtures/), started before the appliance.
if [ "${TEST_FIXTURES:-0}" = 1 ]; then
  cp -a "$IMAGE_DIR/test-fixtures/." "$rootfs/"
  chmod 0755 "$rootfs/usr/lib/appliance-test/isp"
  chmod 0600 "$rootfs/etc/netns/test-isp/ppp/chap-secrets"
  in_root systemctl enable appliance-test-isp.service
fi

# The unit must load cleanly in the image it runs in.
in_root systemd-analyze verify --man=no /etc/systemd/system/appliance.service "/etc/systemd/system/appliance-pppd@.service"
systemd-analyze security --offline=true --root="$rootfs" --no-pager appliance.service > "$rootfs/../appliance-security.txt" 2>&1 || true
tail -n 1 "$rootfs/../appliance-security.txt"

# Space: documentation and caches are no use on the box.
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
