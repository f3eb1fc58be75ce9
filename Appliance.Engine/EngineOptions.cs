namespace Appliance.Engine;

/// <summary>Engine settings (section <c>Appliance:Engine</c>).</summary>
public sealed class EngineOptions
{
    public const string Section = "Appliance:Engine";

    /// <summary>When false the engine never touches the kernel (API-only hosts, tests of the API).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Run kernel commands inside this network namespace (the lab); null for the process's own.</summary>
    public string? NetworkNamespace { get; set; }

    public int LinkPollMilliseconds { get; set; } = 1000;

    /// <summary>Where the engine writes its daemons' rendered files (udhcpc and PPP scripts, pppd options, dnsmasq config and leases).</summary>
    public string RuntimeDirectory { get; set; } = "/run/appliance";
    /// <summary>Where the systemd-networkd files of management ports are written (the image: /run/systemd/network); null writes none.</summary>
    public string? NetworkdDirectory { get; set; }

    /// <summary>
    /// Run each PPPoE WAN's pppd as the systemd unit <c>appliance-pppd@WAN.service</c> (<see cref="Kernel.Processes.SystemdUnitLauncher"/>)
    /// instead of as a child: the image's engine is not root, and pppd runs only as root. The unit reads the options
    /// from <see cref="RuntimeDirectory"/>, which must then be /run/appliance.
    /// </summary>
    public bool PppdAsSystemdUnit { get; set; }

    /// <summary>
    /// The LAN's DNS forwarder drops public answers that point into private space. dnsmasq counts the TEST-NETs as
    /// private, and the lab's internet answers with them: the lab and its tests turn this off.
    /// </summary>
    public bool DnsRebindProtection { get; set; } = true;
}
