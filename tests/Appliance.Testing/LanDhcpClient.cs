using System.Globalization;
using System.Net;
using Appliance.Engine.Kernel;

namespace Appliance.Testing;

/// <summary>The lease a LAN client got: its address, the router and DNS servers the appliance handed out.</summary>
public sealed record ClientLease(IPAddress Address, int PrefixLength, IPAddress? Router, IReadOnlyList<IPAddress> DnsServers);

/// <summary>
/// A LAN device asking the appliance for a lease with busybox udhcpc, as a laptop would: it configures its interface and
/// default route from the lease, and never touches the host's resolv.conf (its script does only what a test needs).
/// </summary>
public static class LanDhcpClient
{
    private const string Marker = "@client ";

    // udhcpc runs this with $1 = deconfig|bound|renew|leasefail|nak and the lease in the environment.
    private const string Script = """
        #!/bin/sh
        case "$1" in
          deconfig) ip -4 addr flush dev "$interface" ;;
          bound|renew)
            ip -4 addr flush dev "$interface"
            ip addr add "$ip/$mask" dev "$interface"
            set -- $router
            [ -n "$1" ] && ip route replace default via "$1" dev "$interface"
            echo "@client ip=$ip mask=$mask router=$1 dns=$(echo $dns | tr ' ' ',')"
            ;;
        esac
        exit 0
        """;

    /// <summary>
    /// Asks for one lease on <paramref name="iface"/> in <paramref name="ns"/> and configures it; null when no server
    /// answered within a few tries (about <paramref name="tries"/> seconds).
    /// </summary>
    public static async Task<ClientLease?> RequestAsync(string ns, string iface, string? hostname = null, int tries = 10, CancellationToken ct = default)
    {
        var script = await WriteScriptAsync("lan-dhcp-client", Script, ct);
        // -q: quit once bound; -n: give up after the tries; -T 1 between discovers; -A 1 before the next round.
        List<string> args = ["-f", "-q", "-n", "-t", tries.ToString(CultureInfo.InvariantCulture), "-T", "1", "-A", "1", "-i", iface, "-s", script];
        if (hostname is not null)
        {
            args.AddRange(["-x", "hostname:" + hostname]);
        }
        var result = await new ProcessCommandRunner(ns).RunAsync("udhcpc", args, null, ct);
        var line = result.Stdout.Split('\n').LastOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        return line is null ? null : Parse(line[Marker.Length..]);
    }

    /// <summary>Gives the lease back (DHCP release) and clears the interface, as a laptop does when it leaves.</summary>
    public static async Task ReleaseAsync(string ns, string iface, CancellationToken ct = default)
    {
        // -R releases on exit, but busybox sends the release only from the bound state, which -q never reaches: the
        // script ends udhcpc once bound instead. A client with no lease just fails, which is fine.
        var script = await WriteScriptAsync("lan-dhcp-release", ReleaseScript, ct);
        await new ProcessCommandRunner(ns).RunAsync("udhcpc", ["-f", "-n", "-R", "-t", "3", "-T", "1", "-i", iface, "-s", script], null, ct);
    }

    private const string ReleaseScript = """
        #!/bin/sh
        [ "$1" = bound ] && kill -TERM "$PPID"
        exit 0
        """;

    private static async Task<string> WriteScriptAsync(string name, string text, CancellationToken ct)
    {
        var script = Path.Combine(Path.GetTempPath(), $"{name}-{Environment.ProcessId}.sh");
        if (!File.Exists(script) && OperatingSystem.IsLinux())
        {
            await File.WriteAllTextAsync(script, text.ReplaceLineEndings("\n") + "\n", ct);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return script;
    }

    private static ClientLease? Parse(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!IPAddress.TryParse(fields.GetValueOrDefault("ip"), out var address) ||
            !int.TryParse(fields.GetValueOrDefault("mask"), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return null;
        }
        var router = IPAddress.TryParse(fields.GetValueOrDefault("router"), out var r) ? r : null;
        var dns = (fields.GetValueOrDefault("dns") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => IPAddress.TryParse(d, out var a) ? a : null).OfType<IPAddress>().ToList();
        return new ClientLease(address, prefix, router, dns);
    }
}
