using System.Runtime.CompilerServices;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Appliance.Engine.Factory;
using Appliance.Engine.Network;
using Appliance.Engine.Tests.Architecture;

namespace Appliance.Engine.Tests.Factory;

/// <summary>The factory configuration built from the defaults file and the discovered ports, checked against golden JSON.</summary>
/// <remarks>Set UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff.</remarks>
public sealed class FactoryConfigTests
{
    private static readonly string ImageBuild = Path.Combine(MachineAccessScan.RepositoryRoot().FullName, "image-build");
    private static FactoryDefaults TestNet => FactoryDefaultsFile.Parse(File.ReadAllText(Path.Combine(ImageBuild, "factory-defaults-testnet.json")));

    private static DiscoveredPort Port(string name) => new(name, "02:00:00:00:00:01", true, 1000);

    [Fact]
    public void Three_ports_make_the_first_in_natural_order_the_lan_and_the_others_dhcp_wans() =>
        AssertGolden("three_ports", FactoryConfig.Build(TestNet, [Port("eth10"), Port("eth2"), Port("eth0")]));

    [Fact]
    public void One_port_is_the_lan_and_there_is_no_wan() =>
        AssertGolden("one_port", FactoryConfig.Build(TestNet, [Port("enp1s0")]));

    [Fact]
    public void No_port_still_gives_the_lan_settings()
    {
        var config = FactoryConfig.Build(TestNet, []);

        Assert.Equal((0, 0), (config.Ports.Count, config.Wans.Count));
        Assert.Equal(TestNet.Lan.Address, Assert.Single(config.Settings.Lan.Addresses));
    }

    [Fact]
    public void The_same_ports_in_any_order_give_the_same_configuration()
    {
        var one = FactoryConfig.Build(TestNet, [Port("enp3s0"), Port("enp1s0"), Port("enp2s0")]);
        var other = FactoryConfig.Build(TestNet, [Port("enp2s0"), Port("enp3s0"), Port("enp1s0")]);

        Assert.Equal(ConfigJson.Serialize(one), ConfigJson.Serialize(other));
        Assert.Equal(["enp1s0", "enp2s0", "enp3s0"], one.Ports.Select(p => p.Name));
    }

    [Theory]
    [InlineData("factory-defaults-testnet.json")]
    [InlineData("rootfs/usr/share/appliance/factory-defaults.json")]
    public void The_shipped_defaults_files_make_a_configuration_that_can_be_applied(string file)
    {
        var defaults = FactoryDefaultsFile.Parse(File.ReadAllText(Path.Combine(ImageBuild, file)));
        var config = FactoryConfig.Build(defaults, [Port("eth0"), Port("eth1"), Port("eth2")]);

        var errors = ConfigValidator.Default.Validate(config, ValidationPurpose.Apply);

        Assert.True(errors.IsEmpty, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        Assert.All(config.Wans, w => Assert.NotEmpty(w.Probes.Targets));
    }

    [Fact]
    public void The_image_file_says_what_the_built_in_defaults_say()
    {
        // A box whose file went missing must come up just as a box with it does.
        var shipped = FactoryDefaultsFile.Parse(File.ReadAllText(Path.Combine(ImageBuild, "rootfs/usr/share/appliance/factory-defaults.json")));

        Assert.Equal(ConfigJson.Serialize(FactoryConfig.Build(FactoryDefaults.BuiltIn, [Port("eth0"), Port("eth1")])),
            ConfigJson.Serialize(FactoryConfig.Build(shipped, [Port("eth0"), Port("eth1")])));
    }

    private static void AssertGolden(string name, ApplianceConfig config, [CallerFilePath] string here = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(here)!, "Golden", name + ".json");
        var actual = ConfigJson.Serialize(config, indented: true) + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
