using System.Diagnostics;
using System.Globalization;

namespace Appliance.Testing;

/// <summary>What an ISP's DHCP server hands out: a range in the WAN's subnet, the router and the DNS servers.</summary>
public sealed record IspDhcpPlan(string RangeStart, string RangeEnd, string Router, IReadOnlyList<string> DnsServers, int LeaseSeconds = 120);

/// <summary>
/// An ISP's DHCP server: dnsmasq (DHCP only, no DNS) on the ISP's side of a WAN link. Changing the plan restarts it
/// with an empty lease database, so a client renewing an address outside the new range is refused (NAK) and asks anew,
/// as after an ISP renumbers its customers.
/// </summary>
public sealed class IspDhcpServer : IAsyncDisposable
{
    private readonly NetnsLab _lab;
    private readonly LabWan _wan;
    private readonly string _leases;
    private Process? _process;

    private IspDhcpServer(NetnsLab lab, LabWan wan)
    {
        _lab = lab;
        _wan = wan;
        _leases = Path.Combine(Path.GetTempPath(), $"isp-dhcp-{lab.Prefix}-{wan.Index.ToString(CultureInfo.InvariantCulture)}.leases");
    }

    public IspDhcpPlan Plan { get; private set; } = null!;

    /// <summary>The plan every lab ISP uses unless a test says otherwise: .100-.149 of its subnet, its usual gateway.</summary>
    public static IspDhcpPlan DefaultPlan(LabWan wan, params string[] dns)
    {
        var net = wan.Gateway.ToString()[..wan.Gateway.ToString().LastIndexOf('.')];
        return new IspDhcpPlan($"{net}.100", $"{net}.149", wan.Gateway.ToString(), dns);
    }

    public static async Task<IspDhcpServer> StartAsync(NetnsLab lab, LabWan wan, IspDhcpPlan plan)
    {
        var server = new IspDhcpServer(lab, wan);
        await server.ChangeAsync(plan);
        return server;
    }

    /// <summary>Restarts the server with a new plan; a router address the ISP does not have yet is added to its side.</summary>
    public async Task ChangeAsync(IspDhcpPlan plan)
    {
        await StopAsync();
        var isp = _lab.Isp(_wan.Index);
        var addresses = await _lab.ExecAsync(isp, "ip", "-4", "-o", "addr", "show", "dev", "cpe");
        if (!addresses.Contains(" " + plan.Router + "/", StringComparison.Ordinal))
        {
            await _lab.ExecAsync(isp, "ip", "addr", "add", plan.Router + "/24", "dev", "cpe");
        }
        File.Delete(_leases);
        List<string> args =
        [
            "--keep-in-foreground", "--conf-file=/dev/null", "--port=0", "--interface=cpe", "--bind-interfaces",
            "--dhcp-authoritative", "--user=root", "--group=root", "--pid-file=" + _leases + ".pid",
            "--dhcp-leasefile=" + _leases,
            $"--dhcp-range={plan.RangeStart},{plan.RangeEnd},255.255.255.0,{plan.LeaseSeconds.ToString(CultureInfo.InvariantCulture)}",
            "--dhcp-option=option:router," + plan.Router,
        ];
        if (plan.DnsServers.Count > 0)
        {
            args.Add("--dhcp-option=option:dns-server," + string.Join(',', plan.DnsServers));
        }
        _process = _lab.StartProcess(isp, "dnsmasq", [.. args]);
        Plan = plan;
    }

    private async Task StopAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        File.Delete(_leases);
        File.Delete(_leases + ".pid");
    }
}
