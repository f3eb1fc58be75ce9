using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Network.Services;

/// <summary>
/// The renderers' last line of defence: a value that reaches a tool's config file is checked here again, so a newline,
/// quote or comma that slipped past validation is refused instead of becoming an extra option.
/// </summary>
/// <remarks>Throws <see cref="ArgumentException"/> naming the field: a refused value is a bug upstream, not user input.</remarks>
internal static partial class RenderGuard
{
    // Absolute paths the engine chooses itself (/run/appliance/...): no spaces, quotes, '#', ',' or '$'.
    [GeneratedRegex(@"^/[A-Za-z0-9._/-]{1,240}\z")]
    private static partial Regex PathPattern();

    // 48-bit MAC in the colon form dnsmasq writes and accepts.
    [GeneratedRegex(@"^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}\z")]
    private static partial Regex MacPattern();

    public static string Path(string? value, string field) =>
        value is not null && PathPattern().IsMatch(value) && !value.Contains("/../", StringComparison.Ordinal) && !value.EndsWith("/..", StringComparison.Ordinal)
            ? value
            : throw Refused(field, value, "an absolute path of letters, digits and . _ - /");

    public static string Interface(string? value, string field) =>
        FieldRules.InterfaceNameError(value) is null ? value! : throw Refused(field, value, "an interface name");

    public static string Hostname(string? value, string field) =>
        FieldRules.IsHostname(value) ? value! : throw Refused(field, value, "a host or domain name (letters, digits, '-' and '.')");

    public static string Mac(string? value, string field) =>
        value is not null && MacPattern().IsMatch(value) ? value.ToLowerInvariant() : throw Refused(field, value, "a MAC address aa:bb:cc:dd:ee:ff");

    public static IPAddress Ipv4(string? value, string field) =>
        FieldRules.TryParseHostAddress(value, out var address) && address.AddressFamily == AddressFamily.InterNetwork
            ? address
            : throw Refused(field, value, "an IPv4 host address");

    public static IPAddress HostAddress(string? value, string field) =>
        FieldRules.TryParseHostAddress(value, out var address) ? address : throw Refused(field, value, "a host address");

    /// <summary>Printable text without control characters (a newline would end the option line).</summary>
    /// <param name="secret">Leave the value out of the exception's message (a password must not reach a log).</param>
    public static string Printable(string? value, string field, int maxLength, bool secret = false) =>
        !string.IsNullOrEmpty(value) && value.Length <= maxLength && !value.Any(char.IsControl)
            ? value
            : throw Refused(field, secret ? "(hidden)" : value, $"1 to {maxLength} characters without control characters");

    private static ArgumentException Refused(string field, string? value, string expected) =>
        new($"{field} '{FieldRules.Shown(value)}' cannot be rendered: expected {expected}", field);
}
