using Appliance.Engine.Configuration;

namespace Appliance.Engine.Tests.Configuration;

public sealed class LockoutRiskTests
{
    private static readonly ApplianceConfig Running = new()
    {
        Ports = [new PortConfig { Name = "eth0", Role = PortRole.Lan }, new PortConfig { Name = "eth1", Role = PortRole.Wan }],
        Wans = [new WanLink { Name = "dsl", Interface = "eth1" }],
        Settings = new ApplianceSettings { Lan = new LanSettings { Addresses = ["198.18.0.1/24"] } },
    };

    [Fact]
    public void Wans_and_rules_carry_no_lockout_risk()
    {
        Assert.Null(LockoutRisk.Of(Running, Running with { Wans = [Running.Wans[0] with { Weight = 5 }] }));
    }

    [Fact]
    public void A_port_role_change_is_a_risk()
    {
        var risk = LockoutRisk.Of(Running, Running with { Ports = [Running.Ports[0] with { Role = PortRole.Unused }, Running.Ports[1]] });

        Assert.Equal(new LockoutRisk(Ports: true, Lan: false), risk);
        Assert.StartsWith("the port roles change: ", risk!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lan_change_and_a_port_change_are_both_named()
    {
        var pending = Running with
        {
            Ports = [Running.Ports[0], Running.Ports[1] with { Role = PortRole.Lan }],
            Settings = Running.Settings with { Lan = Running.Settings.Lan with { Addresses = ["198.18.1.1/24"] } },
        };

        var risk = LockoutRisk.Of(Running, pending);

        Assert.Equal(new LockoutRisk(Ports: true, Lan: true), risk);
        Assert.StartsWith("the port roles change and the LAN settings change: ", risk!.Reason, StringComparison.Ordinal);
    }
}
