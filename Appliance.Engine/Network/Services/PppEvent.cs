using System.Net.Sockets;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Network.Services;

public enum PppEventKind { Up, Down }

/// <summary>A WAN's PPP session as its state file reports it (<see cref="PppScripts"/>).</summary>
/// <param name="Interface">The PPP device (<see cref="PppdOptions.InterfaceName"/>).</param>
/// <param name="LocalAddress">The WAN's address on the link (a /32; the peer is <see cref="RemoteAddress"/>).</param>
/// <param name="RemoteAddress">The ISP's end of the link: the WAN's gateway.</param>
public sealed record PppEvent(PppEventKind Kind, string Interface, string? LocalAddress, string? RemoteAddress, IReadOnlyList<string> Dns)
{
    /// <summary>
    /// Parses the state file's text: <c>@ppp up ifname=… local=… remote=… dns=a,b</c> or <c>@ppp down ifname=…</c>.
    /// Strict like <see cref="UdhcpcEvent"/>: anything else, an empty or half-written file included, is no event.
    /// </summary>
    public static bool TryParse(string text, out PppEvent ev)
    {
        ev = null!;
        var line = text.EndsWith('\n') ? text[..^1] : text;
        var words = line.Split(' ');
        if (line.Contains('\n', StringComparison.Ordinal) || words.Length < 3 || words[0] != PppScripts.Marker)
        {
            return false;
        }
        string[]? keys = words[1] switch
        {
            "up" => ["ifname", "local", "remote", "dns"],
            "down" => ["ifname"],
            _ => null,
        };
        if (keys is null || words.Length != keys.Length + 2)
        {
            return false;
        }
        var kind = words[1] == "up" ? PppEventKind.Up : PppEventKind.Down;
        var values = new string[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var prefix = keys[i] + "=";
            if (!words[i + 2].StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }
            values[i] = words[i + 2][prefix.Length..];
        }
        if (FieldRules.InterfaceNameError(values[0]) is not null)
        {
            return false;
        }
        if (kind == PppEventKind.Down)
        {
            ev = new PppEvent(kind, values[0], null, null, []);
            return true;
        }
        var dns = new List<string>();
        foreach (var server in values[3].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryIpv4(server, out var address))
            {
                return false;
            }
            dns.Add(address);
        }
        if (!TryIpv4(values[1], out var local) || !TryIpv4(values[2], out var remote))
        {
            return false;
        }
        ev = new PppEvent(kind, values[0], local, remote, dns);
        return true;
    }

    private static bool TryIpv4(string text, out string address)
    {
        address = "";
        if (!FieldRules.TryParseHostAddress(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        address = parsed.ToString();
        return true;
    }
}
