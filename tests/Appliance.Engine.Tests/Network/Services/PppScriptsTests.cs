using Appliance.Engine.Kernel;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Tests.Network.Services;

public class PppScriptsTests
{
    [Fact]
    public void Ip_up_matches_golden_file() => GoldenFile.AssertMatches(PppScripts.IpUp, "ppp_ip_up.sh");

    [Fact]
    public void Ip_down_matches_golden_file() => GoldenFile.AssertMatches(PppScripts.IpDown, "ppp_ip_down.sh");

    [Fact]
    public async Task Ip_up_reports_the_session_in_the_state_file()
    {
        var report = await Run(PppScripts.IpUp, ["ppp-dsl", "eth1", "0", "203.0.113.10", "203.0.113.1"],
            new() { ["DNS1"] = "203.0.113.53", ["DNS2"] = "203.0.113.54", ["IFNAME"] = "ppp-dsl" });

        Assert.Equal("@ppp up ifname=ppp-dsl local=203.0.113.10 remote=203.0.113.1 dns=203.0.113.53,203.0.113.54\n", report);
        Assert.True(PppEvent.TryParse(report, out var ev));
        Assert.Equal(new PppEvent(PppEventKind.Up, "ppp-dsl", "203.0.113.10", "203.0.113.1", ev.Dns), ev);
        Assert.Equal(["203.0.113.53", "203.0.113.54"], ev.Dns);
    }

    [Fact]
    public async Task Ip_up_without_peer_dns_reports_none()
    {
        var report = await Run(PppScripts.IpUp, ["ppp-dsl", "eth1", "0", "203.0.113.10", "203.0.113.1"], []);
        Assert.True(PppEvent.TryParse(report, out var ev));
        Assert.Empty(ev.Dns);
    }

    [Fact]
    public async Task Ip_up_passes_on_no_value_with_unexpected_characters()
    {
        var report = await Run(PppScripts.IpUp, ["ppp-dsl;id", "eth1", "0", "203.0.113.10\n@ppp down", "$(id)"],
            new() { ["DNS1"] = "203.0.113.53 203.0.113.54", ["DNS2"] = "`id`" });

        Assert.Equal("@ppp up ifname= local= remote= dns=\n", report);
        Assert.False(PppEvent.TryParse(report, out _));
    }

    [Fact]
    public async Task Ip_down_reports_the_end_of_the_session()
    {
        var report = await Run(PppScripts.IpDown, ["ppp-dsl", "eth1", "0", "203.0.113.10", "203.0.113.1"], []);
        Assert.True(PppEvent.TryParse(report, out var ev));
        Assert.Equal(new PppEvent(PppEventKind.Down, "ppp-dsl", null, null, ev.Dns), ev);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@ppp up ifname=ppp-dsl local=203.0.113.10")]
    [InlineData("@ppp up ifname=ppp-dsl local=203.0.113.10 remote= dns=")]
    [InlineData("@ppp up ifname=ppp-dsl local=203.0.113.10 remote=203.0.113.1 dns=x")]
    [InlineData("@ppp up local=203.0.113.10 ifname=ppp-dsl remote=203.0.113.1 dns=")]
    [InlineData("@ppp up ifname=ppp/dsl local=203.0.113.10 remote=203.0.113.1 dns=")]
    [InlineData("@ppp down ifname=ppp-dsl\n@ppp up ifname=ppp-dsl local=203.0.113.10 remote=203.0.113.1 dns=")]
    [InlineData("@ppp down")]
    [InlineData("@ppp down ifname=ppp-dsl extra")]
    [InlineData("@ppp sideways ifname=ppp-dsl")]
    [InlineData("@dhcp down ifname=ppp-dsl")]
    public void Anything_but_the_exact_format_is_no_event(string text) => Assert.False(PppEvent.TryParse(text, out _));

    private static async Task<string> Run(string script, string[] arguments, Dictionary<string, string> environment)
    {
        var dir = Directory.CreateTempSubdirectory("ppp-script-test-");
        try
        {
            var path = Path.Combine(dir.FullName, "script");
            var state = Path.Combine(dir.FullName, "dsl.state");
            await File.WriteAllTextAsync(path, script, TestContext.Current.CancellationToken);
            // As pppd runs it: ifname, device, speed, local, remote, ipparam; env -i leaves only pppd's variables.
            List<string> command = ["-i", .. environment.Select(e => $"{e.Key}={e.Value}"), "/bin/sh", path, .. arguments, state];
            var result = await new ProcessCommandRunner().RunAsync("env", command, ct: TestContext.Current.CancellationToken);
            Assert.True(result.Succeeded, result.Stderr);
            Assert.Equal("", result.Stderr + result.Stdout);
            Assert.Equal(["dsl.state", "script"], dir.GetFiles().Select(f => f.Name).Order());
            return await File.ReadAllTextAsync(state, TestContext.Current.CancellationToken);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
