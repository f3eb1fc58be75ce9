using System.Net;

namespace Appliance.Engine.Telemetry;

/// <summary>MPTCP subflows to the hub per local (WAN) address, read from <c>ss</c>: each subflow is a TCP socket of its own.</summary>
public static class SubflowCount
{
    /// <summary>The arguments that list established TCP sockets to the hub, one line each, without a header.</summary>
    public static IReadOnlyList<string> SsArguments(IPAddress hub, int port) =>
        ["-Htn", "state", "established", "dst", $"{hub}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}"];

    /// <summary>Counts lines of <c>ss -Htn state established</c> ("Recv-Q Send-Q local:port peer:port") by local address.</summary>
    public static IReadOnlyDictionary<string, int> Parse(string ssOutput)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in ssOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 4)
            {
                continue;
            }
            var local = columns[2];
            var colon = local.LastIndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            // IPv6 addresses come in brackets, an IPv4-mapped one as [::ffff:a.b.c.d]; a socket bound to a device
            // (the path manager's subflows are) carries it after a '%'.
            var text = local[..colon].Trim('[', ']');
            if (text.IndexOf('%') is var percent and > 0)
            {
                text = text[..percent];
            }
            if (IPAddress.TryParse(text, out var address))
            {
                var key = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }
        return counts;
    }
}
