#!/bin/sh
# PPP session report of the appliance, run by pppd. Rendered by the appliance; edits are overwritten.
# pppd gives its scripts no PATH.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
# pppd runs its scripts with umask 077; the engine reading the report may not be the user pppd runs as.
umask 022
state="$6"
case "$state" in
/*) ;;
*) exit 0 ;;
esac
case "$state" in
*[!A-Za-z0-9._/-]*) exit 0 ;;
esac

# An address passes only when every character is a digit or '.', a name only with interface name characters.
address() {
	case "$1" in
	'' | *[!0-9.]*) return ;;
	esac
	printf '%s' "$1"
}
name() {
	case "$1" in
	'' | *[!A-Za-z0-9_.@+-]*) return ;;
	esac
	printf '%s' "$1"
}
report() {
	printf '%s\n' "$1" >"$state.$$" && mv -f "$state.$$" "$state"
}
dns=
for server in "$DNS1" "$DNS2"; do
	server=$(address "$server")
	if [ -n "$server" ]; then
		dns="${dns:+$dns,}$server"
	fi
done
report "$(printf '@ppp up ifname=%s local=%s remote=%s dns=%s' "$(name "$1")" "$(address "$4")" "$(address "$5")" "$dns")"
