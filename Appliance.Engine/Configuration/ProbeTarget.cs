using System.Net;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Configuration;

/// <summary>One parsed probe target: what to probe and how.</summary>
/// <param name="Host">Address or host name the probe goes to.</param>
/// <param name="Port">TCP/DNS/HTTP port (0 for ICMP).</param>
/// <param name="Detail">DNS: the name to query; HTTP: the path and query.</param>
public sealed record ProbeTarget(ProbeMethod Method, string Host, int Port, string Detail, bool Tls)
{
    /// <summary>Long enough for any sensible health URL.</summary>
    public const int MaxLength = 512;

    /// <summary>Parses a target as written in <see cref="ProbeSettings.Targets"/>.</summary>
    public static bool TryParse(string? text, ProbeMethod defaultMethod, out ProbeTarget target, out string error)
    {
        target = new ProbeTarget(defaultMethod, "", 0, "", false);
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty";
            return false;
        }
        // Uri.TryCreate quietly drops a trailing newline and escapes a tab: the text stored must be the text probed.
        if (text.Length > MaxLength || text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            error = $"must be at most {MaxLength} characters without spaces or control characters";
            return false;
        }
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            // A bare target must be an address: probing a name would need DNS through the very link under test.
            if (!FieldRules.TryParseHostAddress(text, out _))
            {
                error = $"'{FieldRules.Shown(text)}' is not an IP address (use a URI such as tcp://198.51.100.1:443 for other methods)";
                return false;
            }
            target = defaultMethod switch
            {
                ProbeMethod.Tcp => new ProbeTarget(ProbeMethod.Tcp, text, 443, "", false),
                ProbeMethod.Dns => new ProbeTarget(ProbeMethod.Dns, text, 53, ".", false),
                ProbeMethod.Http => new ProbeTarget(ProbeMethod.Http, text, 80, "/", false),
                _ => new ProbeTarget(ProbeMethod.Icmp, text, 0, "", false),
            };
            return true;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{text}' is not a valid probe URI";
            return false;
        }
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        var isAddress = IPAddress.TryParse(host, out _);
        if (!isAddress && !FieldRules.IsHostname(host))
        {
            error = $"'{host}' is not an address or host name";
            return false;
        }
        switch (uri.Scheme)
        {
            case "icmp" when isAddress:
                target = new ProbeTarget(ProbeMethod.Icmp, host, 0, "", false);
                return true;
            case "tcp" when isAddress && !uri.IsDefaultPort:
                target = new ProbeTarget(ProbeMethod.Tcp, host, uri.Port, "", false);
                return true;
            case "dns" when isAddress:
                var name = uri.AbsolutePath.Trim('/');
                target = new ProbeTarget(ProbeMethod.Dns, host, uri.IsDefaultPort ? 53 : uri.Port, name.Length == 0 ? "." : name, false);
                return true;
            case "http" or "https":
                target = new ProbeTarget(ProbeMethod.Http, host, uri.Port, uri.PathAndQuery, uri.Scheme == "https");
                return true;
            case "icmp" or "tcp" or "dns":
                error = uri.Scheme == "tcp" && isAddress
                    ? $"'{text}' needs a port, e.g. tcp://{host}:443"
                    : $"'{text}': {uri.Scheme} probes need an IP address, not a host name";
                return false;
            default:
                error = $"'{text}': unknown probe method '{uri.Scheme}' (icmp, tcp, dns, http, https)";
                return false;
        }
    }
}
