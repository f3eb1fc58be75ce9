namespace Appliance.Engine.Network.Services;

/// <summary>How the engine runs busybox udhcpc as a WAN's DHCP client (Debian package <c>udhcpc</c>).</summary>
public static class UdhcpcCommand
{
    public const string Program = "udhcpc";

    /// <summary>The argument list for one WAN's client.</summary>
    /// <remarks>
    /// <c>-f</c> keeps it in the foreground for the supervisor. Without <c>-n</c> or <c>-q</c> it never exits on its
    /// own: after 3 discovers 2 s apart it reports <c>leasefail</c>, waits 5 s and starts over, for ever, so a WAN whose
    /// ISP is down gets its lease within seconds of the ISP coming back. udhcpc never configures the interface itself;
    /// the script (<see cref="UdhcpcScript"/>) only reports and the engine applies. <c>-o</c> with <c>-O</c> asks for
    /// exactly what the engine uses, instead of busybox's default list (hostname, domain, NTP and others).
    /// </remarks>
    /// <param name="hostname">Sent as option 12 so the ISP's server can name the lease; null sends none.</param>
    public static IReadOnlyList<string> Arguments(string interfaceName, string scriptPath, string? hostname)
    {
        List<string> arguments =
        [
            "-f",
            "-i", RenderGuard.Interface(interfaceName, "wan interface"),
            "-s", RenderGuard.Path(scriptPath, "udhcpc script path"),
            "-t", "3",
            "-T", "2",
            "-A", "5",
            "-o",
            "-O", "subnet",
            "-O", "router",
            "-O", "dns",
            "-O", "lease",
        ];
        if (hostname is not null)
        {
            arguments.AddRange(["-x", "hostname:" + RenderGuard.Hostname(hostname, "dhcp hostname")]);
        }
        return arguments;
    }
}
