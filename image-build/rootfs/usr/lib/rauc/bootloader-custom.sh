#!/bin/sh
# RAUC's bootloader backend over systemd-boot's loader entries with boot counting.
#
# Each slot has one entry on the ESP: loader/entries/a.conf or b.conf, optionally with a boot counter
# (a+3.conf = 3 tries left; systemd-boot renames it to a+2-1.conf when it starts it, and so on).
#  - primary:  the entry with "sort-key appliance-1"; loader.conf has no fixed default, so systemd-boot
#              boots the first entry in sort order, and it orders entries with 0 tries left last.
#  - good:     no counter (blessed), or tries left; bad: 0 tries left (a+0.conf, a+0-3.conf).
# A freshly installed slot gets a+3.conf and becomes primary: if it is not marked good (by the appliance,
# once it is healthy) within three boots, systemd-boot falls back to the other slot by itself.
set -eu

esp=${APPLIANCE_ESP:-/boot/efi}
entries="$esp/loader/entries"
tries=${APPLIANCE_BOOT_TRIES:-3}

die() { echo "bootloader-custom: $*" >&2; exit 1; }

# Maps RAUC's bootname (A or B) to the entry's id (a or b); anything else is refused.
entry_id() {
  case "$1" in
    A) echo a ;;
    B) echo b ;;
    *) die "unknown bootname '$1'" ;;
  esac
}

# The one entry file of a slot, whatever its counter says.
entry_file() {
  found=""
  for f in "$entries/$1.conf" "$entries/$1+"*.conf; do
    [ -e "$f" ] || continue
    [ -z "$found" ] || die "more than one entry for slot $1: $found $f"
    found=$f
  done
  [ -n "$found" ] || die "no loader entry for slot $1 in $entries"
  echo "$found"
}

# Tries left: empty when the entry has no counter.
tries_left() {
  base=$(basename "$1" .conf)
  case "$base" in
    *+*) counter=${base#*+}; echo "${counter%%-*}" ;;
    *) echo "" ;;
  esac
}

is_bad() { [ "$(tries_left "$1")" = "0" ]; }

rename_entry() {
  [ "$1" = "$2" ] || mv "$1" "$2"
  sync
}

set_sort_key() {
  tmp="$1.tmp"
  grep -v '^sort-key' "$1" > "$tmp" || true
  echo "sort-key $2" >> "$tmp"
  mv "$tmp" "$1"
}

get_primary() {
  best=""; best_key=""; fallback=""
  for id in a b; do
    f=$(entry_file "$id")
    key=$(sed -n 's/^sort-key[[:space:]]*//p' "$f")
    [ -n "$fallback" ] || fallback=$id
    is_bad "$f" && continue
    if [ -z "$best" ] || [ "$key" \< "$best_key" ]; then best=$id; best_key=$key; fi
  done
  [ -n "$best" ] || best=$fallback
  echo "$best" | tr ab AB
}

set_primary() {
  id=$(entry_id "$1")
  other=$([ "$id" = a ] && echo b || echo a)
  f=$(entry_file "$id")
  set_sort_key "$(entry_file "$other")" appliance-2
  set_sort_key "$f" appliance-1
  # A blessed entry stays blessed; one with a counter (just installed, or bad) gets fresh tries.
  if [ -n "$(tries_left "$f")" ]; then rename_entry "$f" "$entries/$id+$tries.conf"; fi
  sync
}

get_state() {
  f=$(entry_file "$(entry_id "$1")")
  if is_bad "$f"; then echo bad; else echo good; fi
}

set_state() {
  id=$(entry_id "$1")
  f=$(entry_file "$id")
  case "$2" in
    good) rename_entry "$f" "$entries/$id.conf" ;;
    bad) rename_entry "$f" "$entries/$id+0.conf" ;;
    *) die "unknown state '$2'" ;;
  esac
}

case "${1:-}" in
  get-primary) get_primary ;;
  set-primary) set_primary "${2:?bootname}" ;;
  get-state) get_state "${2:?bootname}" ;;
  set-state) set_state "${2:?bootname}" "${3:?state}" ;;
  get-current) sed -n 's/.*rauc\.slot=\([AB]\).*/\1/p' /proc/cmdline ;;
  *) die "usage: $0 get-primary | set-primary A|B | get-state A|B | set-state A|B good|bad | get-current" ;;
esac
