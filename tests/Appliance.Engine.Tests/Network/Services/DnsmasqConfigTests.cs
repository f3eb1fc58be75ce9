using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Tests.Network.Services;

/// <summary>LAN settings in, exact dnsmasq configuration out; and dnsmasq itself accepts every variant.</summary>
public class DnsmasqConfigTests
{
    public static TheoryData<string> Cases() => new(DnsmasqCases.All().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Config_matches_golden_file(string name) =>
        GoldenFile.AssertMatches(DnsmasqConfig.Render(DnsmasqCases.All().Single(c => c.Name == name).Input), $"dnsmasq_{name}.conf");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Dnsmasq_accepts_the_rendered_config(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dnsmasq-test-{Environment.ProcessId}-{name}.conf");
        await File.WriteAllTextAsync(path, DnsmasqConfig.Render(DnsmasqCases.All().Single(c => c.Name == name).Input), TestContext.Current.CancellationToken);
        try
        {
            var result = await new ProcessCommandRunner().RunAsync("dnsmasq", ["--test", $"--conf-file={path}"], ct: TestContext.Current.CancellationToken);
            Assert.True(result.Succeeded, $"{name}: {result.Stderr}{result.Stdout}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Servers_file_keeps_the_given_order_without_duplicates() =>
        GoldenFile.AssertMatches(DnsmasqServers.Render(["198.51.100.53", "203.0.113.53", "198.51.100.53", "192.0.2.53"]), "dnsmasq_servers.conf");

    [Fact]
    public void Upstreams_are_the_manual_servers_or_the_usable_wans_ones()
    {
        var manual = new LanDnsSettings { Enabled = true, Upstreams = DnsUpstreams.Manual, Servers = ["192.0.2.53"] };
        Assert.Equal(["192.0.2.53"], DnsmasqServers.For(manual, ["198.51.100.53"]));
        Assert.Equal(["198.51.100.53"], DnsmasqServers.For(manual with { Upstreams = DnsUpstreams.Wan }, ["198.51.100.53"]));
    }

    [Theory]
    [InlineData("198.51.100.53\nserver=/example/192.0.2.1")]
    [InlineData("/example/192.0.2.1")]
    [InlineData("")]
    public void Servers_file_refuses_anything_but_an_address(string server) =>
        Assert.Throws<ArgumentException>(() => DnsmasqServers.Render([server]));

    public static TheoryData<string, LanSettings> Injections()
    {
        var lan = DnsmasqCases.All().First().Input.Lan;
        var lease = lan.Dhcp.StaticLeases[0];
        return new()
        {
            { "domain with a newline", lan with { Domain = "lan\nserver=192.0.2.66" } },
            { "domain with a slash", lan with { Domain = "lan/#" } },
            { "lease name with a comma", lan with { Dhcp = lan.Dhcp with { StaticLeases = [lease with { Name = "pc,ignore" }] } } },
            { "lease name with a newline", lan with { Dhcp = lan.Dhcp with { StaticLeases = [lease with { Name = "pc\ndhcp-range=192.0.2.1,192.0.2.9" }] } } },
            { "lease mac with a newline", lan with { Dhcp = lan.Dhcp with { StaticLeases = [lease with { Mac = "02:00:5e:10:00:01\nport=5353" }] } } },
            { "lease outside the subnet", lan with { Dhcp = lan.Dhcp with { StaticLeases = [lease with { Address = "198.18.1.10" }] } } },
            { "range outside the subnet", lan with { Dhcp = lan.Dhcp with { RangeEnd = "198.18.1.20" } } },
            { "range backwards", lan with { Dhcp = lan.Dhcp with { RangeStart = "198.18.0.200" } } },
            { "range missing", lan with { Dhcp = lan.Dhcp with { RangeStart = null } } },
            { "manual dns server with a newline", lan with { Dns = new LanDnsSettings { Servers = ["192.0.2.53\nport=0"] } } },
        };
    }

    [Theory]
    [MemberData(nameof(Injections))]
    public void A_value_that_would_add_an_option_is_refused(string what, LanSettings lan)
    {
        var error = Assert.Throws<ArgumentException>(() => DnsmasqConfig.Render(DnsmasqCases.Input(lan)));
        Assert.DoesNotContain('\n', error.Message);
        Assert.NotEmpty(what);
    }

    [Fact]
    public void A_file_path_that_would_add_an_option_is_refused()
    {
        var input = DnsmasqCases.All().First().Input;
        Assert.Throws<ArgumentException>(() => DnsmasqConfig.Render(input with { LeaseFile = "/run/x\nport=0" }));
        Assert.Throws<ArgumentException>(() => DnsmasqConfig.Render(input with { ServersFile = "relative/servers" }));
    }

    [Fact]
    public void Dnsmasq_is_only_needed_for_dhcp_or_dns()
    {
        Assert.False(DnsmasqConfig.IsNeeded(new LanSettings()));
        Assert.True(DnsmasqConfig.IsNeeded(new LanSettings { Dns = new LanDnsSettings { Enabled = true } }));
    }

    [Fact]
    public void Command_runs_in_the_foreground_on_the_rendered_file_only() =>
        Assert.Equal(["--keep-in-foreground", "--log-facility=-", "--conf-file=/run/appliance/dnsmasq/dnsmasq.conf"],
            DnsmasqCommand.Arguments("/run/appliance/dnsmasq/dnsmasq.conf"));
}
