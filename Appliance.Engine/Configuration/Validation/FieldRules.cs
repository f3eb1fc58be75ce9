using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Appliance.Engine.Configuration.Validation;

/// <summary>Syntax of the values that reach the kernel: names, addresses, prefixes, ports.</summary>
public static partial class FieldRules
{
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")]
    private static partial Regex SlugPattern();

    // Stricter than the kernel's dev_valid_name on purpose: names are passed to nft and ip as arguments.
    [GeneratedRegex("^[A-Za-z0-9_.@+-]{1,15}$")]
    private static partial Regex InterfacePattern();

    [GeneratedRegex(@"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostnamePattern();

    public static bool IsSlug(string? value) => value is not null && SlugPattern().IsMatch(value);

    public static string? InterfaceNameError(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is required";
        }
        if (name.Length > 15)
        {
            return "must be at most 15 characters (Linux IFNAMSIZ)";
        }
        if (name.Contains("..", StringComparison.Ordinal) || name == ".")
        {
            return "must not be '.' or contain '..'";
        }
        if (!InterfacePattern().IsMatch(name))
        {
            return "may contain only letters, digits and _ . @ + - (no '/', ':' or whitespace)";
        }
        return null;
    }

    public static bool IsHostname(string? value) => value is not null && HostnamePattern().IsMatch(value);

    /// <summary>A unicast host address (IPv4 or IPv6), not a network or multicast address.</summary>
    public static bool TryParseHostAddress(string? value, out IPAddress address)
    {
        address = IPAddress.None;
        if (value is null || !IPAddress.TryParse(value, out var parsed) || parsed.ToString() != NormalizeLiteral(value, parsed))
        {
            return false;
        }
        if (parsed.Equals(IPAddress.Any) || parsed.Equals(IPAddress.IPv6Any) || parsed.Equals(IPAddress.Broadcast) ||
            (parsed.AddressFamily == AddressFamily.InterNetworkV6 && parsed.IsIPv6Multicast) ||
            (parsed.AddressFamily == AddressFamily.InterNetwork && parsed.GetAddressBytes()[0] >= 224))
        {
            return false;
        }
        address = parsed;
        return true;
    }

    /// <summary>A prefix such as 198.51.100.0/24; a bare address counts as a host prefix.</summary>
    public static bool TryParseCidr(string? value, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }
        var text = value.Contains('/', StringComparison.Ordinal) ? value : value + (value.Contains(':', StringComparison.Ordinal) ? "/128" : "/32");
        // Since .NET 10 IPNetwork masks host bits instead of rejecting them; a rule's match needs them unset,
        // so the written address must be the network's base address.
        return IPNetwork.TryParse(text, out network) &&
               IPAddress.TryParse(text[..text.IndexOf('/', StringComparison.Ordinal)], out var written) &&
               network.BaseAddress.Equals(written);
    }

    /// <summary>An interface address with its prefix length, e.g. 192.0.2.1/24 (host bits allowed).</summary>
    public static bool TryParseInterfaceAddress(string? value, out IPAddress address, out int prefixLength)
    {
        address = IPAddress.None;
        prefixLength = 0;
        var slash = value?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (value is null || slash <= 0 || !TryParseHostAddress(value[..slash], out address) ||
            !int.TryParse(value[(slash + 1)..], System.Globalization.NumberStyles.None, null, out prefixLength))
        {
            return false;
        }
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return prefixLength is > 0 && prefixLength <= max;
    }

    /// <summary>Parses "80,443,8000-8100" into ranges; null when malformed.</summary>
    public static IReadOnlyList<(int From, int To)>? ParsePorts(string? value, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "must list ports, e.g. 80,443,8000-8100";
            return null;
        }
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > 32)
        {
            error = "may list at most 32 ports or ranges";
            return null;
        }
        var ranges = new List<(int, int)>(parts.Length);
        foreach (var part in parts)
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var fromText = dash < 0 ? part : part[..dash];
            var toText = dash < 0 ? part : part[(dash + 1)..];
            if (!TryParsePort(fromText, out var from) || !TryParsePort(toText, out var to))
            {
                error = $"'{part}' is not a port (1-65535) or range (a-b)";
                return null;
            }
            if (from > to)
            {
                error = $"range '{part}' runs backwards";
                return null;
            }
            ranges.Add((from, to));
        }
        return ranges;
    }

    public static bool IsPort(int port) => port is >= 1 and <= 65535;

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, null, out port) && IsPort(port);

    // IPAddress.TryParse accepts "1" or "0x7f.1" as IPv4; only canonical literals are addresses here.
    private static string NormalizeLiteral(string value, IPAddress parsed) =>
        parsed.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.Parse(value).ToString() : value;
}
