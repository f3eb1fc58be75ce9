namespace Appliance.Engine.Network.Services;

/// <summary>
/// The ip-up and ip-down scripts pppd runs for a WAN. pppd connects its scripts' stdin, stdout and stderr to
/// /dev/null (run_program in pppd's main.c), so they cannot report on stdout like udhcpc's script: each writes one
/// line (<see cref="PppEvent"/>) to the state file pppd passes as its sixth argument (the <c>ipparam</c> option),
/// beside it first and then renamed over it, so the engine never reads half a line.
/// </summary>
/// <remarks>
/// Arguments: $1 the PPP interface, $2 the device, $3 the speed, $4 the local address, $5 the remote address,
/// $6 ipparam; with <c>usepeerdns</c> the ISP's DNS servers are in DNS1 and DNS2. Values pass only when they consist of
/// the characters an address or interface name has; nothing is evaluated. ip-down also runs when the session ends
/// without the engine asking; if pppd is killed it does not run at all, so the engine treats pppd's exit as down too.
/// </remarks>
public static class PppScripts
{
    public const string Marker = "@ppp";

    public static string IpUp => Common + """
        dns=
        for server in "$DNS1" "$DNS2"; do
        	server=$(address "$server")
        	if [ -n "$server" ]; then
        		dns="${dns:+$dns,}$server"
        	fi
        done
        report "$(printf '@ppp up ifname=%s local=%s remote=%s dns=%s' "$(name "$1")" "$(address "$4")" "$(address "$5")" "$dns")"

        """;

    public static string IpDown => Common + """
        report "$(printf '@ppp down ifname=%s' "$(name "$1")")"

        """;

    private const string Common = """
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

        """;
}
