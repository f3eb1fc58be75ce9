using System.Globalization;
using System.Net;
using Appliance.Engine.Telemetry;

namespace Appliance.Engine.Kernel.Counters;

/// <summary>MPTCP subflows to the hub per local (WAN) address, read from <c>ss</c>: each subflow is a TCP socket of its own.</summary>
public static class SubflowCount
{
    /// <summary>The arguments that list established TCP sockets to the hub with their TCP info, without a header.</summary>
    public static IReadOnlyList<string> SsArguments(IPAddress hub, int port) =>
        ["-Htin", "state", "established", "dst", $"{hub}:{port.ToString(CultureInfo.InvariantCulture)}"];

    /// <summary>Counts sockets of <c>ss -Htn state established</c> ("Recv-Q Send-Q local:port peer:port") by local address.</summary>
    public static IReadOnlyDictionary<string, int> Parse(string ssOutput) =>
        ParseTraffic(ssOutput).ToDictionary(kv => kv.Key, kv => kv.Value.Subflows, StringComparer.Ordinal);

    /// <summary>
    /// Subflows and their bytes by local address, from <c>ss -Htin</c>: each socket line is followed by an info line
    /// with <c>bytes_sent:</c> (or only <c>bytes_acked:</c> on older kernels) and <c>bytes_received:</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, PathTraffic> ParseTraffic(string ssOutput)
    {
        var result = new Dictionary<string, PathTraffic>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in ssOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // A socket line starts with the two queue sizes; anything else is the info line of the socket before it.
            if (columns.Length >= 4 && long.TryParse(columns[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                current = LocalAddress(columns[2]);
                if (current is not null)
                {
                    var seen = result.GetValueOrDefault(current) ?? new PathTraffic(0, 0, 0);
                    result[current] = seen with { Subflows = seen.Subflows + 1 };
                }
                continue;
            }
            if (current is null || !result.TryGetValue(current, out var path))
            {
                continue;
            }
            var sent = Field(columns, "bytes_sent:") ?? Field(columns, "bytes_acked:") ?? 0;
            var received = Field(columns, "bytes_received:") ?? 0;
            result[current] = path with { BytesSent = path.BytesSent + sent, BytesReceived = path.BytesReceived + received };
            // One info line per socket: a stray second one must not count twice.
            current = null;
        }
        return result;
    }

    private static string? LocalAddress(string local)
    {
        var colon = local.LastIndexOf(':');
        if (colon <= 0)
        {
            return null;
        }
        // IPv6 addresses come in brackets, an IPv4-mapped one as [::ffff:a.b.c.d]; a socket bound to a device
        // (the path manager's subflows are) carries it after a '%'.
        var text = local[..colon].Trim('[', ']');
        if (text.IndexOf('%') is var percent and > 0)
        {
            text = text[..percent];
        }
        return IPAddress.TryParse(text, out var address)
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : null;
    }

    private static long? Field(string[] columns, string name)
    {
        foreach (var column in columns)
        {
            if (column.StartsWith(name, StringComparison.Ordinal)
                && long.TryParse(column.AsSpan(name.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }
        return null;
    }
}
