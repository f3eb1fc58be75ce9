using System.Diagnostics;
using System.Globalization;
using Appliance.Engine.Kernel;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Addressing;

/// <summary>
/// An ISP whose customers get their address by DHCP: its own namespace with dnsmasq serving 198.51.100.0/24 on the
/// appliance's WAN port (a veth into the lab's appliance namespace that carries no address), routed to the lab's
/// internet. Reconfigure it (range, router, lease time) and restart it to test renewals.
/// </summary>
public sealed class BareDhcpIsp : IAsyncDisposable
{
    public const string Subnet = "198.51.100.0/24";

    private readonly NetnsLab _lab;
    private readonly string _leaseFile;
    private Process? _dnsmasq;

    private BareDhcpIsp(NetnsLab lab, string ns, string port, int index)
    {
        _lab = lab;
        Namespace = ns;
        Port = port;
        Index = index;
        _leaseFile = Path.Combine(Path.GetTempPath(), $"{ns}.leases");
    }

    /// <summary>The ISP's namespace.</summary>
    public string Namespace { get; }

    /// <summary>The appliance's WAN port toward this ISP: a veth with no address until the appliance's DHCP client gets one.</summary>
    public string Port { get; }

    public int Index { get; }

    /// <summary>The ISP's addresses on the customer side; the first is the router it hands out.</summary>
    public IReadOnlyList<string> RouterAddresses { get; private set; } = ["198.51.100.1"];

    public string Router { get; private set; } = "198.51.100.1";
    public string RangeStart { get; private set; } = "198.51.100.100";
    public string RangeEnd { get; private set; } = "198.51.100.149";
    public int LeaseSeconds { get; private set; } = 120;
    public string DnsServer { get; private set; } = "203.0.113.53";

    /// <param name="index">Picks the link addresses to the internet (198.19.&lt;index&gt;.0/24); keep it clear of the lab's WANs.</param>
    public static async Task<BareDhcpIsp> StartAsync(NetnsLab lab, int index = 9, string port = "wan9")
    {
        var ns = lab.Prefix + "dsp" + index.ToString(CultureInfo.InvariantCulture);
        var isp = new BareDhcpIsp(lab, ns, port, index);
        var host = new ProcessCommandRunner();
        await host.RunCheckedAsync("ip", ["netns", "add", ns]);
        try
        {
            var i = index.ToString(CultureInfo.InvariantCulture);
            await lab.ExecAsync(ns, "ip", "link", "set", "lo", "up");
            await host.RunCheckedAsync("ip", ["link", "add", port, "netns", lab.Appliance, "type", "veth", "peer", "name", "cpe", "netns", ns]);
            // The appliance's end stays down and bare: bringing it up and addressing it is the engine's job.
            await lab.ExecAsync(ns, "ip", "addr", "add", "198.51.100.1/24", "dev", "cpe");
            await lab.ExecAsync(ns, "ip", "link", "set", "cpe", "up");
            await host.RunCheckedAsync("ip", ["link", "add", "core", "netns", ns, "type", "veth", "peer", "name", "dsp" + i, "netns", lab.Inet]);
            await lab.ExecAsync(ns, "ip", "addr", "add", LabAddresses.IspUplink(index) + "/24", "dev", "core");
            await lab.ExecAsync(ns, "ip", "link", "set", "core", "up");
            await lab.ExecAsync(ns, "ip", "route", "add", "default", "via", LabAddresses.InetSide(index));
            await lab.ExecAsync(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            await lab.ExecAsync(lab.Inet, "ip", "addr", "add", LabAddresses.InetSide(index) + "/24", "dev", "dsp" + i);
            await lab.ExecAsync(lab.Inet, "ip", "link", "set", "dsp" + i, "up");
            await lab.ExecAsync(lab.Inet, "ip", "route", "add", Subnet, "via", LabAddresses.IspUplink(index));
            isp.Start();
            return isp;
        }
        catch
        {
            await isp.DisposeAsync();
            throw;
        }
    }

    /// <summary>Serves other terms from now on: dnsmasq restarts with them (a renewal then gets a NAK and a new lease).</summary>
    public async Task ReconfigureAsync(string? router = null, string? rangeStart = null, string? rangeEnd = null, int? leaseSeconds = null, string? dnsServer = null)
    {
        if (router is not null && router != Router)
        {
            await _lab.ExecAsync(Namespace, "ip", "addr", "add", router + "/24", "dev", "cpe");
            RouterAddresses = [.. RouterAddresses, router];
            Router = router;
        }
        RangeStart = rangeStart ?? RangeStart;
        RangeEnd = rangeEnd ?? RangeEnd;
        LeaseSeconds = leaseSeconds ?? LeaseSeconds;
        DnsServer = dnsServer ?? DnsServer;
        Stop();
        // Forgotten leases: the client's next request is for an address the server no longer hands out.
        File.Delete(_leaseFile);
        Start();
    }

    /// <summary>The leases dnsmasq has handed out, as its lease file lists them.</summary>
    public string Leases => File.Exists(_leaseFile) ? File.ReadAllText(_leaseFile) : "";

    private void Start()
    {
        _dnsmasq = _lab.StartProcess(Namespace, "dnsmasq",
            "--keep-in-foreground", "--conf-file=/dev/null", "--port=0", "--log-facility=-", "--pid-file=",
            "--interface=cpe", "--bind-interfaces", "--dhcp-authoritative",
            $"--dhcp-leasefile={_leaseFile}",
            string.Create(CultureInfo.InvariantCulture, $"--dhcp-range={RangeStart},{RangeEnd},255.255.255.0,{LeaseSeconds}"),
            $"--dhcp-option=option:router,{Router}",
            $"--dhcp-option=option:dns-server,{DnsServer}");
    }

    private void Stop()
    {
        if (_dnsmasq is { HasExited: false })
        {
            _dnsmasq.Kill(entireProcessTree: true);
            _dnsmasq.WaitForExit(5000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        File.Delete(_leaseFile);
        await new ProcessCommandRunner().RunAsync("ip", ["netns", "del", Namespace]);
    }
}
