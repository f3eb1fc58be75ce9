namespace Appliance.Engine.Network.Services;

/// <summary>How the engine starts the LAN's dnsmasq: in the foreground, logging to stderr, reading only its rendered file.</summary>
public static class DnsmasqCommand
{
    public const string Program = "dnsmasq";

    /// <summary>
    /// <c>--conf-file</c> also stops dnsmasq from reading /etc/dnsmasq.conf. Messages go to stderr, where the
    /// supervisor collects them, instead of syslog.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string configPath) =>
        ["--keep-in-foreground", "--log-facility=-", $"--conf-file={RenderGuard.Path(configPath, "dnsmasq config path")}"];
}
