using System.Diagnostics;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.IntegrationTests.Network;

/// <summary>
/// The rendered pieces against the real programs: an ISP namespace runs dnsmasq from <see cref="DnsmasqConfig"/>, a
/// WAN namespace runs udhcpc with <see cref="UdhcpcCommand"/> and <see cref="UdhcpcScript"/>, and the lease arrives
/// as a line on udhcpc's stdout (the script's stdout is udhcpc's) that <see cref="UdhcpcEvent"/> reads.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class WanDhcpClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _prefix = "d" + Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()))[..6];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("wan-dhcp-test-");
    private readonly ProcessCommandRunner _host = new();
    private readonly List<Process> _processes = [];

    private string Isp => _prefix + "isp";
    private string Wan => _prefix + "wan";

    public async ValueTask InitializeAsync()
    {
        await _host.RunCheckedAsync("ip", ["netns", "add", Isp], ct: Ct);
        await _host.RunCheckedAsync("ip", ["netns", "add", Wan], ct: Ct);
        await _host.RunCheckedAsync("ip", ["link", "add", "isp0", "netns", Isp, "type", "veth", "peer", "name", "wan0", "netns", Wan], ct: Ct);
        await new ProcessCommandRunner(Isp).RunCheckedAsync("ip", ["addr", "add", "198.51.100.1/24", "dev", "isp0"], ct: Ct);
        await new ProcessCommandRunner(Isp).RunCheckedAsync("ip", ["link", "set", "isp0", "up"], ct: Ct);
        await new ProcessCommandRunner(Wan).RunCheckedAsync("ip", ["link", "set", "wan0", "up"], ct: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
            process.Dispose();
        }
        await _host.RunAsync("ip", ["netns", "del", Wan], ct: CancellationToken.None);
        await _host.RunAsync("ip", ["netns", "del", Isp], ct: CancellationToken.None);
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Udhcpc_reports_the_isps_lease_on_stdout_and_dnsmasq_records_it()
    {
        // The ISP's server is a LAN as the appliance renders one: DHCP with the DNS servers set by hand, no forwarder.
        var isp = new LanSettings
        {
            Addresses = ["198.51.100.1/24"],
            Dhcp = new LanDhcpSettings { Enabled = true, RangeStart = "198.51.100.10", RangeEnd = "198.51.100.20", LeaseTimeSeconds = 600 },
            Dns = new LanDnsSettings { Enabled = false, Servers = ["198.51.100.53", "198.51.100.54"] },
        };
        var leases = Path.Combine(_dir.FullName, "leases");
        var config = Path.Combine(_dir.FullName, "dnsmasq.conf");
        await File.WriteAllTextAsync(config, DnsmasqConfig.Render(new DnsmasqInput("isp0", isp.Addresses, isp, leases, Path.Combine(_dir.FullName, "servers"))), Ct);
        Start(Isp, DnsmasqCommand.Program, DnsmasqCommand.Arguments(config));

        var script = Path.Combine(_dir.FullName, "udhcpc-event");
        await File.WriteAllTextAsync(script, UdhcpcScript.Text, Ct);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var client = Start(Wan, UdhcpcCommand.Program, UdhcpcCommand.Arguments("wan0", script, "edge1"));

        var bound = await FirstEvent(client, DhcpEventKind.Bound);
        Assert.Matches(@"^198\.51\.100\.(1[0-9]|20)/24\z", bound.Address);
        Assert.Equal("198.51.100.1", bound.Gateway);
        Assert.Equal(["198.51.100.53", "198.51.100.54"], bound.Dns);
        Assert.Equal(600, bound.LeaseSeconds);
        Assert.Equal("198.51.100.1", bound.Server);

        var lease = Assert.Single(DnsmasqLeases.Parse(await File.ReadAllTextAsync(leases, Ct)));
        Assert.Equal(bound.Address, lease.Address + "/24");
        Assert.Equal("edge1", lease.Hostname);
    }

    private Process Start(string ns, string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "netns", "exec", ns, program }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        _processes.Add(process);
        return process;
    }

    // Reads udhcpc's stdout line by line until the wanted event, within the limit; every other line is ignored.
    private static async Task<DhcpEvent> FirstEvent(Process client, DhcpEventKind kind)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Limit);
        var seen = new List<string>();
        try
        {
            while (await client.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                seen.Add(line);
                if (UdhcpcEvent.TryParse(line, out var ev) && ev.Kind == kind)
                {
                    return ev;
                }
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
        }
        Assert.Fail($"no {kind} event within {Limit.TotalSeconds} s; udhcpc said: {string.Join(" | ", seen)}");
        return null!;
    }
}
