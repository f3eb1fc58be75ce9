#!/bin/sh
# RAUC post-install handler: copies the kernel and initrd of each freshly written root slot into the ESP
# (/A or /B), so the slot boots its own kernel. Runs before the slot is booted; a failure fails the install.
set -eu

esp=${APPLIANCE_ESP:-/boot/efi}
mnt=$(mktemp -d /run/rauc-post-install.XXXXXX)
cleanup() { mountpoint -q "$mnt" && umount "$mnt"; rmdir "$mnt"; }
trap cleanup EXIT

for i in $RAUC_TARGET_SLOTS; do
  eval "class=\$RAUC_SLOT_CLASS_$i device=\$RAUC_SLOT_DEVICE_$i bootname=\$RAUC_SLOT_BOOTNAME_$i"
  [ "$class" = rootfs ] || continue
  case "$bootname" in A|B) ;; *) echo "post-install: unexpected bootname '$bootname'" >&2; exit 1 ;; esac
  mount -o ro -t squashfs "$device" "$mnt"
  mkdir -p "$esp/$bootname"
  # Write beside, then rename: a power cut leaves the old kernel or the new one, never half of one.
  cp "$mnt/vmlinuz" "$esp/$bootname/vmlinuz.new"
  cp "$mnt/initrd.img" "$esp/$bootname/initrd.img.new"
  sync
  mv "$esp/$bootname/vmlinuz.new" "$esp/$bootname/vmlinuz"
  mv "$esp/$bootname/initrd.img.new" "$esp/$bootname/initrd.img"
  sync
  umount "$mnt"
  echo "post-install: slot $bootname's kernel and initrd copied to the ESP"
done
