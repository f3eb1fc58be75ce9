using Appliance.Engine.Configuration;

namespace Appliance.Web.Components.Config;

/// <summary>
/// The settings as the form edits them. The hub key is write-only: the draft never holds the stored key, only a
/// new one typed by the user; leaving it empty keeps the stored key.
/// </summary>
public sealed class SettingsDraft
{
    public ApplianceRole Role { get; set; }
    public string LanInterfaces { get; set; } = "";
    public string LanAddresses { get; set; } = "";
    public string? HubAddress { get; set; }
    public int HubPort { get; set; }
    public string? EdgeId { get; set; }
    public string? NewKey { get; set; }
    public bool RemoveKey { get; set; }
    public bool Encrypt { get; set; }
    public string ListenAddress { get; set; } = "";
    public int ListenPort { get; set; }
    public bool HasStoredKey { get; private init; }
    public long Version { get; private init; }

    public static SettingsDraft From(ApplianceSettings s, long version) => new()
    {
        Role = s.Role,
        LanInterfaces = string.Join('\n', s.Lan.Interfaces),
        LanAddresses = string.Join('\n', s.Lan.Addresses),
        HubAddress = s.Hub.Address,
        HubPort = s.Hub.Port,
        EdgeId = s.Hub.EdgeId,
        HasStoredKey = !string.IsNullOrEmpty(s.Hub.Key),
        Encrypt = s.Hub.Encrypt,
        ListenAddress = s.Listen.Address,
        ListenPort = s.Listen.Port,
        Version = version,
    };

    /// <summary>
    /// The settings to store over <paramref name="stored"/>: its hub key is kept unless a new key was typed or removal
    /// asked for, and what this page does not show of the LAN (DHCP, DNS, domain: the LAN page's) is kept as stored.
    /// </summary>
    public ApplianceSettings ToSettings(ApplianceSettings stored) => new()
    {
        Role = Role,
        Lan = stored.Lan with { Interfaces = Lines(LanInterfaces), Addresses = Lines(LanAddresses) },
        Hub = new HubPeerSettings
        {
            Address = OrNull(HubAddress),
            Port = HubPort,
            EdgeId = OrNull(EdgeId),
            Key = RemoveKey ? null : string.IsNullOrEmpty(NewKey) ? stored.Hub.Key : NewKey,
            Encrypt = Encrypt,
        },
        Listen = new HubListenSettings { Address = ListenAddress.Trim(), Port = ListenPort },
    };

    private static string[] Lines(string text) =>
        text.Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? OrNull(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
