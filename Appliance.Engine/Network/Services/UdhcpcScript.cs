namespace Appliance.Engine.Network.Services;

/// <summary>
/// The event script udhcpc runs (<c>-s</c>): it changes nothing on the box and prints one line a event on stdout,
/// which udhcpc's child inherits, so the line arrives on udhcpc's stdout where the supervisor reads it.
/// </summary>
/// <remarks>
/// The line starts with <see cref="Marker"/> so udhcpc's own messages never pass for an event. The lease's values come
/// from the network; udhcpc formats them from binary options, and the script passes on a value only if it consists
/// of the characters an address or number has (nothing is evaluated), and <see cref="UdhcpcEvent"/> parses strictly.
/// </remarks>
public static class UdhcpcScript
{
    public const string Marker = "@dhcp";

    public const string Text = """
        #!/bin/sh
        # DHCP event script of the appliance: udhcpc runs it as "$0 deconfig|bound|renew|leasefail|nak" with the lease
        # in the environment. It only reports, as one line on stdout; the engine applies address, routes and DNS.
        # Rendered by the appliance; edits are overwritten.

        # An address or number passes only when every character is a digit or '.'; anything else prints nothing.
        address() {
        	case "$1" in
        	'' | *[!0-9.]*) return ;;
        	esac
        	printf '%s' "$1"
        }
        number() {
        	case "$1" in
        	'' | *[!0-9]*) return ;;
        	esac
        	printf '%s' "$1"
        }
        # udhcpc lists several addresses separated by spaces; the line carries them separated by commas.
        addresses() {
        	case "$1" in
        	*[!0-9.\ ]*) return ;;
        	esac
        	list=
        	for a in $1; do
        		list="${list:+$list,}$a"
        	done
        	printf '%s' "$list"
        }

        case "$1" in
        deconfig | leasefail | nak)
        	printf '@dhcp %s\n' "$1"
        	;;
        bound | renew)
        	gateway=$(addresses "$router")
        	printf '@dhcp %s ip=%s mask=%s router=%s dns=%s lease=%s server=%s\n' "$1" \
        		"$(address "$ip")" "$(number "$mask")" "${gateway%%,*}" "$(addresses "$dns")" \
        		"$(number "$lease")" "$(address "$serverid")"
        	;;
        esac
        exit 0

        """;
}
