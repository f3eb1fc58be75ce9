using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Engine.Tests.Configuration;

public sealed class PortValidatorTests
{
    private static ApplianceConfig WithPorts(params PortConfig[] ports) => RouterConfigs.Valid() with { Ports = ports };

    private static PortConfig Port(string name, PortRole role) => new() { Name = name, Role = role };

    [Fact]
    public void The_router_configuration_is_valid_for_edit_and_apply()
    {
        Assert.Empty(RouterConfigs.Valid().Paths());
        Assert.Empty(RouterConfigs.Valid().Paths(ValidationPurpose.Apply));
    }

    [Theory]
    [InlineData("eth0 ")]
    [InlineData("eth0\n")]
    [InlineData("")]
    [InlineData("abcdefghijklmnop")]
    [InlineData("br-lan")]
    [InlineData("lo")]
    public void Bad_port_names_are_refused(string name)
    {
        var config = WithPorts(Port("eth0", PortRole.Lan), Port("eth1", PortRole.Wan), Port("eth2", PortRole.Wan), Port(name, PortRole.Unused));

        Assert.Equal(["ports[3].name"], config.Paths());
    }

    [Fact]
    public void A_port_listed_twice_is_refused_at_the_second()
    {
        var config = WithPorts(Port("eth0", PortRole.Lan), Port("eth1", PortRole.Wan), Port("eth2", PortRole.Wan), Port("eth0", PortRole.Management));

        Assert.Equal(["ports[3].name"], config.Paths());
    }

    [Fact]
    public void An_undefined_role_is_refused()
    {
        var config = WithPorts(Port("eth0", PortRole.Lan), Port("eth1", PortRole.Wan), Port("eth2", PortRole.Wan), Port("eth3", (PortRole)9));

        Assert.Equal(["ports[3].role"], config.Paths());
    }

    [Fact]
    public void More_ports_than_the_cap_are_refused()
    {
        var many = Enumerable.Range(0, PortValidator.MaxPorts - 2).Select(i => Port($"p{i}", PortRole.Unused));
        var config = WithPorts([Port("eth0", PortRole.Lan), Port("eth1", PortRole.Wan), Port("eth2", PortRole.Wan), .. many]);

        Assert.Equal(["ports"], config.Paths());
    }

    [Theory]
    [InlineData(PortRole.Lan)]
    [InlineData(PortRole.Management)]
    [InlineData(PortRole.Unused)]
    public void A_port_that_carries_a_wan_must_have_the_wan_role(PortRole role)
    {
        var config = WithPorts(Port("eth0", PortRole.Lan), Port("eth1", role), Port("eth2", PortRole.Wan));

        Assert.Equal(["ports[1].role"], config.Paths());
        Assert.Contains("dsl", config.Errors()["ports[1].role"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_wan_on_an_interface_that_is_not_a_port_is_fine()
    {
        var config = RouterConfigs.Valid().WithWan(0, w => w with { Interface = "wwan0" });

        Assert.Empty(config.Paths());
    }

    [Fact]
    public void A_port_must_not_also_be_listed_as_a_lan_interface()
    {
        var config = (RouterConfigs.Valid() with { Ports = [.. RouterConfigs.Valid().Ports, Port("eth3", PortRole.Management)] })
            .WithLan(l => l with { Interfaces = ["eth0", "lan9", "eth3"] });

        var errors = config.Errors();
        Assert.Equal(["settings.lan.interfaces[0]", "settings.lan.interfaces[2]"], config.Paths());
        Assert.Contains("bridged already", errors["settings.lan.interfaces[0]"][0], StringComparison.Ordinal);
        Assert.Contains("management", errors["settings.lan.interfaces[2]"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_lan_bridge_is_neither_a_lan_interface_nor_a_wan_while_lan_ports_exist()
    {
        var config = RouterConfigs.Valid().WithLan(l => l with { Interfaces = [LanSettings.Bridge] }).WithWan(1, w => w with { Interface = LanSettings.Bridge });

        Assert.Equal(["settings.lan.interfaces[0]", "wans[1].interface"], config.Paths());
    }

    [Fact]
    public void An_edge_applied_with_ports_but_none_for_the_lan_or_management_is_refused_but_may_be_edited()
    {
        var config = WithPorts(Port("eth0", PortRole.Unused), Port("eth1", PortRole.Wan), Port("eth2", PortRole.Wan))
            .WithLan(l => l with { Interfaces = ["lan9"] });

        Assert.Empty(config.Paths());
        Assert.Equal(["ports"], config.Paths(ValidationPurpose.Apply));
        Assert.Empty((config with { Ports = [.. config.Ports, Port("eth3", PortRole.Management)] }).Paths(ValidationPurpose.Apply));
    }

    [Fact]
    public void Null_ports_or_a_null_port_are_required()
    {
        Assert.Equal(["ports"], (RouterConfigs.Valid() with { Ports = null! }).Paths());
        Assert.Equal(["ports[1]"], (RouterConfigs.Valid() with { Ports = [Port("eth0", PortRole.Lan), null!] }).Paths());
    }

    [Fact]
    public void A_version_1_document_without_ports_or_addressing_is_valid()
    {
        var json = """
            {"version":1,"wans":[{"name":"dsl","interface":"eth1","gateway":"198.51.100.1"}],"rules":[],
             "settings":{"lan":{"interfaces":["lan0"],"addresses":["198.18.0.1/24"]}}}
            """;

        var config = ConfigJson.Deserialize(json);

        Assert.Empty(config.Paths());
        Assert.Empty(config.Ports);
        Assert.Equal(AddressingMode.Static, config.Wans[0].EffectiveAddressing.Mode);
        Assert.False(config.Settings.Lan.Dhcp.Enabled);
    }
}
