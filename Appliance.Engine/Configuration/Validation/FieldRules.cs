using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Appliance.Engine.Configuration.Validation;

/// <summary>Syntax of the values that reach the kernel: names, addresses, prefixes, ports.</summary>
/// <remarks>
/// Every pattern ends in <c>\z</c>, never <c>$</c>: in .NET <c>$</c> also matches before a final newline, so "dsl\n"
/// would pass. The number parsers are guarded by a character check too: int.TryParse ignores trailing NULs.
/// </remarks>
public static partial class FieldRules
{
    /// <summary>The longest address literal (IPv6 with an embedded IPv4 part) and prefix that can be valid.</summary>
    private const int MaxAddressLength = 45;
    private const int MaxCidrLength = MaxAddressLength + 4;

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?\z")]
    private static partial Regex SlugPattern();

    // Stricter than the kernel's dev_valid_name on purpose: names are passed to nft and ip as arguments.
    [GeneratedRegex(@"^[A-Za-z0-9_.@+-]{1,15}\z")]
    private static partial Regex InterfacePattern();

    [GeneratedRegex(@"^(?=.{1,253}\z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z")]
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
        if (!TryParseAddress(value, out var parsed))
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

    /// <summary>
    /// Any address literal, the unspecified ones included, written plainly: IPv4 dotted quad or IPv6 hex, no zone
    /// ("%eth0") and nothing around it. IPAddress.TryParse alone accepts "1", "0x7f.1" and "fe80::1%1\n".
    /// </summary>
    public static bool TryParseAddress(string? value, out IPAddress address)
    {
        address = IPAddress.None;
        if (value is null || value.Length > MaxAddressLength || !value.All(IsAddressChar) ||
            !IPAddress.TryParse(value, out var parsed) || parsed.ToString() != NormalizeLiteral(value, parsed))
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
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxCidrLength || !value.All(c => IsAddressChar(c) || c == '/'))
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
            !TryParseNumber(value[(slash + 1)..], out prefixLength))
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
        if (value.Length > MaxPortListLength || !value.All(c => char.IsAsciiDigit(c) || c is ',' or '-' or ' '))
        {
            error = $"may contain only digits, ',', '-' and spaces (at most {MaxPortListLength} characters), e.g. 80,443,8000-8100";
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
                error = $"'{Shown(part)}' is not a port (1-65535) or range (a-b)";
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

    private const int MaxPortListLength = 400;

    public static bool IsPort(int port) => port is >= 1 and <= 65535;

    private static bool TryParsePort(string text, out int port) => TryParseNumber(text, out port) && IsPort(port);

    /// <summary>
    /// Free text such as a description: at most <paramref name="maxLength"/> characters and no control characters
    /// (a newline or NUL has no place in a one-line label, and would travel into logs, headers and the audit trail).
    /// </summary>
    public static string? FreeTextError(string? value, int maxLength)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length > maxLength)
        {
            return $"must be at most {maxLength} characters";
        }
        return value.Any(char.IsControl) ? "must not contain control characters (newline, tab, NUL, …)" : null;
    }

    /// <summary>A shared key: printable ASCII without spaces, so it survives every config file, shell and form unchanged.</summary>
    public static bool IsKey(string? value, int minLength, int maxLength) =>
        value is not null && value.Length >= minLength && value.Length <= maxLength && value.All(c => c is > ' ' and <= '~');

    /// <summary>
    /// A value as an error message may quote it: control characters escaped and long values cut, so a message never
    /// carries a raw newline or ten thousand characters into a problem answer or a log line.
    /// </summary>
    public static string Shown(string? value)
    {
        const int max = 64;
        if (value is null)
        {
            return "";
        }
        var text = new System.Text.StringBuilder();
        foreach (var c in value.Length > max ? value[..max] : value)
        {
            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return value.Length > max ? text.Append('…').ToString() : text.ToString();
    }

    // int.TryParse accepts trailing NULs ("24\0"); only plain digits are numbers here.
    private static bool TryParseNumber(string text, out int value)
    {
        value = 0;
        return text.Length is > 0 and <= 10 && text.All(char.IsAsciiDigit) &&
               int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    private static bool IsAddressChar(char c) => char.IsAsciiHexDigit(c) || c is ':' or '.';

    // IPAddress.TryParse accepts "1" or "0x7f.1" as IPv4; only canonical literals are addresses here.
    private static string NormalizeLiteral(string value, IPAddress parsed) =>
        parsed.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.Parse(value).ToString() : value;
}
