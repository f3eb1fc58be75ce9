using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Tests.Configuration;

/// <summary>A router configuration every validator accepts, and helpers to break one field of it.</summary>
internal static class RouterConfigs
{
    public static ApplianceConfig Valid() => new()
    {
        Ports = [new PortConfig { Name = "eth0", Role = PortRole.Lan }, new PortConfig { Name = "eth1", Role = PortRole.Wan }, new PortConfig { Name = "eth2", Role = PortRole.Wan }],
        Wans =
        [
            new WanLink { Name = "dsl", Interface = "eth1", Addressing = new WanAddressing { Mode = AddressingMode.Dhcp } },
            new WanLink
            {
                Name = "fiber", Interface = "eth2", Gateway = "198.51.100.1",
                Addressing = new WanAddressing { Mode = AddressingMode.Static, Address = "198.51.100.2/24", DnsServers = ["198.51.100.53"] },
            },
        ],
        Settings = new ApplianceSettings
        {
            Lan = new LanSettings
            {
                Addresses = ["198.18.0.1/24"],
                Dhcp = new LanDhcpSettings
                {
                    Enabled = true, RangeStart = "198.18.0.100", RangeEnd = "198.18.0.199",
                    StaticLeases = [new StaticLease { Mac = "02:00:5e:10:00:01", Address = "198.18.0.10", Name = "printer" }],
                },
                Dns = new LanDnsSettings { Enabled = true },
            },
        },
    };

    public static ApplianceConfig WithWan(this ApplianceConfig c, int index, Func<WanLink, WanLink> change) =>
        c with { Wans = c.Wans.Select((w, i) => i == index ? change(w) : w).ToList() };

    public static ApplianceConfig WithLan(this ApplianceConfig c, Func<LanSettings, LanSettings> change) =>
        c with { Settings = c.Settings with { Lan = change(c.Settings.Lan) } };

    public static ApplianceConfig WithDhcp(this ApplianceConfig c, Func<LanDhcpSettings, LanDhcpSettings> change) =>
        c.WithLan(l => l with { Dhcp = change(l.Dhcp) });

    /// <summary>A PPPoE WAN on eth1 (replacing dsl's DHCP).</summary>
    public static ApplianceConfig WithPppoe(this ApplianceConfig c, Func<PppoeSettings, PppoeSettings>? change = null) =>
        c.WithWan(0, w => w with
        {
            Addressing = new WanAddressing
            {
                Mode = AddressingMode.Pppoe,
                Pppoe = (change ?? (p => p))(new PppoeSettings { Username = "0001234#0001@isp.example", Password = "s3cret pass!", ServiceName = "isp-ac" }),
            },
        });

    public static IReadOnlyDictionary<string, string[]> Errors(this ApplianceConfig config, ValidationPurpose purpose = ValidationPurpose.Edit) =>
        ConfigValidator.Default.Validate(config, purpose).ToDictionary().AsReadOnly();

    /// <summary>The error paths, sorted.</summary>
    public static IReadOnlyList<string> Paths(this ApplianceConfig config, ValidationPurpose purpose = ValidationPurpose.Edit) =>
        config.Errors(purpose).Keys.Order(StringComparer.Ordinal).ToList();
}
