using Appliance.Engine.Kernel;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Tests.Network.Services;

public class UdhcpcTests
{
    [Fact]
    public void Client_runs_in_the_foreground_for_ever_and_asks_for_what_the_engine_uses() =>
        Assert.Equal(
            ["-f", "-i", "eth1", "-s", "/usr/lib/appliance/udhcpc-event", "-t", "3", "-T", "2", "-A", "5",
             "-o", "-O", "subnet", "-O", "router", "-O", "dns", "-O", "lease", "-x", "hostname:edge1"],
            UdhcpcCommand.Arguments("eth1", "/usr/lib/appliance/udhcpc-event", "edge1"));

    [Fact]
    public void Client_sends_no_hostname_when_there_is_none() =>
        Assert.DoesNotContain("-x", UdhcpcCommand.Arguments("eth1", "/usr/lib/appliance/udhcpc-event", null));

    [Theory]
    [InlineData("eth1 -s /tmp/evil", "/usr/lib/appliance/udhcpc-event", null)]
    [InlineData("eth1", "udhcpc-event", null)]
    [InlineData("eth1", "/usr/lib/appliance/udhcpc-event", "edge1 -s /tmp/evil")]
    public void Arguments_refuse_values_that_are_not_names_or_paths(string iface, string script, string? hostname) =>
        Assert.Throws<ArgumentException>(() => UdhcpcCommand.Arguments(iface, script, hostname));

    [Fact]
    public void Script_matches_golden_file() => GoldenFile.AssertMatches(UdhcpcScript.Text, "udhcpc_event.sh");

    [Fact]
    public async Task Script_reports_a_lease_as_one_line_the_parser_reads()
    {
        var output = await RunScript("bound", new()
        {
            ["ip"] = "198.51.100.10", ["mask"] = "24", ["router"] = "198.51.100.1 198.51.100.2",
            ["dns"] = "198.51.100.53 198.51.100.54", ["lease"] = "3600", ["serverid"] = "198.51.100.1",
            ["interface"] = "eth1", ["domain"] = "isp.example",
        });

        Assert.Equal("@dhcp bound ip=198.51.100.10 mask=24 router=198.51.100.1 dns=198.51.100.53,198.51.100.54 lease=3600 server=198.51.100.1\n", output);
        Assert.True(UdhcpcEvent.TryParse(output, out var ev));
        Assert.Equal(new DhcpEvent(DhcpEventKind.Bound, "198.51.100.10/24", "198.51.100.1", ev.Dns, 3600, "198.51.100.1"), ev);
        Assert.Equal(["198.51.100.53", "198.51.100.54"], ev.Dns);
    }

    [Fact]
    public async Task Script_passes_on_no_value_with_unexpected_characters()
    {
        var output = await RunScript("renew", new()
        {
            ["ip"] = "198.51.100.10;reboot", ["mask"] = "24\n@dhcp deconfig", ["router"] = "$(touch /tmp/pwned)",
            ["dns"] = "198.51.100.53\n@dhcp nak", ["lease"] = "`id`", ["serverid"] = "198.51.100.1 ",
        });

        Assert.Equal("@dhcp renew ip= mask= router= dns= lease= server=\n", output);
        Assert.False(UdhcpcEvent.TryParse(output, out _));
    }

    [Theory]
    [InlineData("deconfig")]
    [InlineData("leasefail")]
    [InlineData("nak")]
    public async Task Script_reports_events_without_a_lease_by_name(string name) =>
        Assert.Equal($"@dhcp {name}\n", await RunScript(name, []));

    [Fact]
    public async Task Script_says_nothing_for_an_unknown_event() => Assert.Equal("", await RunScript("bogus", []));

    private static async Task<string> RunScript(string eventName, Dictionary<string, string> environment)
    {
        var path = Path.Combine(Path.GetTempPath(), $"udhcpc-event-{Environment.ProcessId}-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(path, UdhcpcScript.Text, TestContext.Current.CancellationToken);
        try
        {
            // env -i: the script sees only what udhcpc would give it.
            List<string> arguments = ["-i", .. environment.Select(e => $"{e.Key}={e.Value}"), "/bin/sh", path, eventName];
            var result = await new ProcessCommandRunner().RunAsync("env", arguments, ct: TestContext.Current.CancellationToken);
            Assert.True(result.Succeeded, result.Stderr);
            Assert.Equal("", result.Stderr);
            return result.Stdout;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
