using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Network.Services;

/// <summary>Reads dnsmasq's lease file: one lease a line, <c>expiry mac address hostname client-id</c>.</summary>
/// <remarks>
/// Expiry is a Unix time, 0 for an infinite lease; an unknown hostname or client id is <c>*</c>. Lines that do not
/// fit (DHCPv6's <c>duid</c> line and its leases, non-Ethernet hardware, a line cut short while dnsmasq rewrites
/// the file) are skipped, so a reader never fails on what dnsmasq writes.
/// </remarks>
public static partial class DnsmasqLeases
{
    [GeneratedRegex(@"^[0-9a-f]{2}(?::[0-9a-f]{2}){5}\z")]
    private static partial Regex MacPattern();

    /// <param name="staticMacs">MACs that have a static lease (any case): their leases are marked <see cref="LanLease.Static"/>.</param>
    public static IReadOnlyList<LanLease> Parse(string leaseFileText, IReadOnlySet<string>? staticMacs = null)
    {
        var fixedMacs = staticMacs?.Select(m => m.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal) ?? [];
        var leases = new List<LanLease>();
        foreach (var line in leaseFileText.Split('\n'))
        {
            if (TryParseLine(line.TrimEnd('\r'), fixedMacs) is { } lease)
            {
                leases.Add(lease);
            }
        }
        return leases;
    }

    private static LanLease? TryParseLine(string line, HashSet<string> staticMacs)
    {
        var fields = line.Split(' ');
        if (fields.Length != 5 || fields[0].Length is 0 or > 12 || !fields[0].All(char.IsAsciiDigit) ||
            !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry))
        {
            return null;
        }
        var mac = fields[1].ToLowerInvariant();
        if (!MacPattern().IsMatch(mac) ||
            !FieldRules.TryParseHostAddress(fields[2], out var address) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }
        // dnsmasq only stores names it accepted as DNS labels; anything else is not shown rather than trusted.
        var hostname = fields[3] != "*" && FieldRules.IsHostname(fields[3]) ? fields[3] : null;
        var expires = expiry == 0 ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeSeconds(expiry);
        return new LanLease(mac, address.ToString(), hostname, expires, staticMacs.Contains(mac));
    }
}
