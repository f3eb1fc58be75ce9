using System.Globalization;
using System.Net.Sockets;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Network.Services;

/// <summary>Parses the lines <see cref="UdhcpcScript"/> prints: <c>@dhcp bound ip=… mask=… router=… dns=a,b lease=… server=…</c>.</summary>
/// <remarks>
/// Strict: a line that is not exactly that shape (unknown event or key, a key twice, an address that is not an IPv4
/// host address, a bound without address or mask) is not an event. Everything else udhcpc prints is ignored.
/// </remarks>
public static class UdhcpcEvent
{
    private static readonly string[] Keys = ["ip", "mask", "router", "dns", "lease", "server"];

    public static bool TryParse(string line, out DhcpEvent ev)
    {
        ev = null!;
        var words = line.TrimEnd('\r', '\n').Split(' ');
        if (words.Length < 2 || words[0] != UdhcpcScript.Marker)
        {
            return false;
        }
        DhcpEventKind? kind = words[1] switch
        {
            "bound" => DhcpEventKind.Bound,
            "renew" => DhcpEventKind.Renewed,
            "deconfig" => DhcpEventKind.Deconfigured,
            "leasefail" => DhcpEventKind.LeaseFailed,
            "nak" => DhcpEventKind.Nak,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }
        if (kind is not (DhcpEventKind.Bound or DhcpEventKind.Renewed))
        {
            if (words.Length != 2)
            {
                return false;
            }
            ev = new DhcpEvent(kind.Value, null, null, [], null, null);
            return true;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var word in words.Skip(2))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !Keys.Contains(word[..eq]) || !values.TryAdd(word[..eq], word[(eq + 1)..]))
            {
                return false;
            }
        }
        if (!TryAddress(values.GetValueOrDefault("ip"), required: true, out var ip) ||
            !TryNumber(values.GetValueOrDefault("mask"), 1, 32, required: true, out var mask) ||
            !TryAddress(values.GetValueOrDefault("router"), required: false, out var router) ||
            !TryNumber(values.GetValueOrDefault("lease"), 0, int.MaxValue, required: false, out var lease) ||
            !TryAddress(values.GetValueOrDefault("server"), required: false, out var server))
        {
            return false;
        }
        var dns = new List<string>();
        foreach (var text in (values.GetValueOrDefault("dns") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryAddress(text, required: true, out var address))
            {
                return false;
            }
            dns.Add(address!);
        }
        ev = new DhcpEvent(kind.Value, $"{ip}/{mask}", router, dns, lease, server);
        return true;
    }

    private static bool TryAddress(string? text, bool required, out string? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text))
        {
            return !required;
        }
        if (!FieldRules.TryParseHostAddress(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        address = parsed.ToString();
        return true;
    }

    private static bool TryNumber(string? text, int min, int max, bool required, out int? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
        {
            return !required;
        }
        if (text.Length > 10 || !text.All(char.IsAsciiDigit) ||
            !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            return false;
        }
        value = number;
        return true;
    }
}
