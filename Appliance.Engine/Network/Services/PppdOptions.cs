using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Appliance.Engine.Configuration;

namespace Appliance.Engine.Network.Services;

/// <summary>What one WAN's pppd is rendered from.</summary>
/// <param name="Wan">The WAN's name; the PPP device is named after it (<see cref="PppdOptions.InterfaceName"/>).</param>
/// <param name="Interface">The Ethernet port the PPPoE session runs over.</param>
/// <param name="StateFile">Where the scripts report the session (<see cref="PppScripts"/>); it reaches them as <c>ipparam</c>.</param>
public sealed record PppdInput(
    string Wan,
    string Interface,
    PppoeSettings Pppoe,
    string IpUpScript,
    string IpDownScript,
    string StateFile);

/// <summary>Renders a WAN's pppd options file for PPPoE (pppd 2.4.9 with the rp-pppoe plugin, as in Debian bookworm).</summary>
/// <remarks>
/// The file holds the password (pppd's <c>password</c> option), so only its owner and the engine's group (pppd's unit in
/// the image) may read it (0640), and pppd gets only
/// its path (<see cref="PppdCommand"/>): the password is never in an argument list, where any user can read it in
/// /proc. A per-WAN file also keeps the WANs apart, where /etc/ppp/chap-secrets would be one file for all of them.
/// </remarks>
public static class PppdOptions
{
    /// <summary>Linux interface names have at most 15 characters (IFNAMSIZ less the NUL).</summary>
    public const int MaxInterfaceName = 15;

    private const string Prefix = "ppp-";
    public const int MinMtu = 576;
    public const int MaxMtu = 1500;

    /// <summary>
    /// The PPP device of a WAN: <c>ppp-&lt;wan&gt;</c> when that fits in 15 characters, otherwise the first five
    /// characters and a hash, joined by '_' (which a WAN name cannot contain, so the two forms never meet).
    /// </summary>
    public static string InterfaceName(string wanName)
    {
        if (Prefix.Length + wanName.Length <= MaxInterfaceName && wanName.Length > 0 && wanName.All(IsSlugChar))
        {
            return Prefix + wanName;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(wanName)))[..5];
        var start = new string(wanName.Where(IsSlugChar).Take(5).ToArray());
        return $"{Prefix}{start}_{hash}";
    }

    public static string Render(PppdInput input)
    {
        var pppoe = input.Pppoe;
        var port = RenderGuard.Interface(input.Interface, "pppoe interface");
        if (pppoe.Mtu is < MinMtu or > MaxMtu)
        {
            throw new ArgumentOutOfRangeException(nameof(input), pppoe.Mtu, $"PPPoE MTU must be {MinMtu}-{MaxMtu}");
        }
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# pppd for WAN {PppWord.Quote(RenderGuard.Printable(input.Wan, "wan name", 64), "wan name")}: PPPoE over {port}.\n");
        text.Append("# Rendered by the appliance; edits are overwritten. Holds the password: the engine and pppd only (0640).\n");
        text.Append("plugin rp-pppoe.so\n");
        text.Append(CultureInfo.InvariantCulture, $"nic-{port}\n");
        if (pppoe.ServiceName is { } service)
        {
            text.Append(CultureInfo.InvariantCulture, $"rp_pppoe_service {PppWord.Quote(service, "pppoe service name")}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"user {PppWord.Quote(pppoe.Username, "pppoe username")}\n");
        if (pppoe.Password is { } password)
        {
            text.Append(CultureInfo.InvariantCulture, $"password {PppWord.Quote(password, "pppoe password", secret: true)}\n");
        }
        text.Append("# The PPP device is named after the WAN, so the engine knows it before the session is up.\n");
        text.Append(CultureInfo.InvariantCulture, $"ifname {InterfaceName(input.Wan)}\n");
        text.Append("# Foreground under the engine. No \"persist\": when the session ends pppd exits, and the engine restarts\n");
        text.Append("# it with backoff, so there is one retry policy and every loss is seen.\n");
        text.Append("nodetach\n");
        text.Append("# The ISP does not authenticate to us (Debian's /etc/ppp/options says \"auth\").\n");
        text.Append("noauth\n");
        text.Append("# Address and DNS servers come from the ISP. Routes are the engine's: pppd adds no default route.\n");
        text.Append("noipdefault\n");
        text.Append("usepeerdns\n");
        text.Append("nodefaultroute\n");
        text.Append(CultureInfo.InvariantCulture, $"mtu {pppoe.Mtu}\n");
        text.Append(CultureInfo.InvariantCulture, $"mru {pppoe.Mtu}\n");
        text.Append("# A dead line: 3 LCP echoes 10 s apart unanswered end the session (about 30 s).\n");
        text.Append("lcp-echo-interval 10\n");
        text.Append("lcp-echo-failure 3\n");
        text.Append("# pppd sends its scripts' output to /dev/null: they report the session in the file named by ipparam.\n");
        text.Append(CultureInfo.InvariantCulture, $"ip-up-script {RenderGuard.Path(input.IpUpScript, "ip-up script")}\n");
        text.Append(CultureInfo.InvariantCulture, $"ip-down-script {RenderGuard.Path(input.IpDownScript, "ip-down script")}\n");
        text.Append(CultureInfo.InvariantCulture, $"ipparam {RenderGuard.Path(input.StateFile, "ppp state file")}\n");
        return text.ToString();
    }

    private static bool IsSlugChar(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-';
}

/// <summary>How the engine starts pppd: every option, the password included, comes from the rendered file.</summary>
public static class PppdCommand
{
    public const string Program = "pppd";

    public static IReadOnlyList<string> Arguments(string optionsPath) => ["file", RenderGuard.Path(optionsPath, "pppd options path")];
}
