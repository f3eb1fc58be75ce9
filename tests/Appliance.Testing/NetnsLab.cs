using System.Diagnostics;
using System.Globalization;
using Appliance.Engine.Kernel;

namespace Appliance.Testing;

/// <summary>What the appliance is left to configure in the lab: by default the lab addresses every link by hand.</summary>
public sealed record NetnsLabOptions
{
    /// <summary>The appliance's LAN port gets no address and stays down: the appliance bridges and addresses its LAN itself.</summary>
    public bool EngineAddressesLan { get; init; }

    /// <summary>The LAN client gets no address and no route either: it asks the appliance by DHCP.</summary>
    public bool ClientByDhcp { get; init; }

    /// <summary>WANs (by index) whose appliance side gets no address and stays down: the engine addresses them (DHCP or static).</summary>
    public IReadOnlySet<int> EngineAddressedWans { get; init; } = new HashSet<int>();
}

/// <summary>
/// Builds <c>lan ─ appliance ─ wan1..N (ISP routers) ─ inet ─ hub</c> from network namespaces and veth pairs,
/// and removes all of it on dispose, also after a failure half-way through building it.
/// </summary>
/// <remarks>
/// ISP routers drop packets whose source is not their customer's subnet (BCP 38), so a reply that leaves
/// through the wrong WAN is lost, as it would be on the real internet. TBF shapes each ISP link both ways.
/// </remarks>
public sealed class NetnsLab : IAsyncDisposable
{
    private readonly ProcessCommandRunner _host = new();
    private readonly List<string> _created = [];
    private readonly Dictionary<string, NamespaceThread> _threads = [];
    private readonly List<Process> _processes = [];

    private NetnsLab(string prefix, IReadOnlyList<LabWan> wans, NetnsLabOptions options)
    {
        Prefix = prefix;
        Wans = wans;
        Options = options;
    }

    /// <summary>What the appliance configures itself rather than the lab.</summary>
    public NetnsLabOptions Options { get; }

    public string Prefix { get; }
    public IReadOnlyList<LabWan> Wans { get; }
    public string Lan => Prefix + "lan";
    public string Appliance => Prefix + "app";
    public string Inet => Prefix + "inet";

    /// <summary>
    /// The bonding hub's host: its own namespace behind the internet, so its own addresses (203.0.113.20) differ from
    /// the internet's servers, as a hub on a VPS does.
    /// </summary>
    public string Hub => Prefix + "hub";
    public string Isp(int index) => Prefix + "isp" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>A short unique prefix, so parallel or crashed runs never collide.</summary>
    public static string NewPrefix() => "t" + Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()))[..6];

    public static Task<NetnsLab> CreateAsync(IReadOnlyList<LabWan> wans, int extraClients = 0, string? prefix = null, CancellationToken ct = default) =>
        CreateAsync(wans, new NetnsLabOptions(), extraClients, prefix, ct);

    public static async Task<NetnsLab> CreateAsync(IReadOnlyList<LabWan> wans, NetnsLabOptions options, int extraClients = 0, string? prefix = null, CancellationToken ct = default)
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("the network-namespace lab needs root (ip netns, nftables, tc)");
        }
        if (options.ClientByDhcp && extraClients > 0)
        {
            throw new ArgumentException("a LAN addressed by DHCP has no fixed client addresses", nameof(extraClients));
        }
        var lab = new NetnsLab(prefix ?? NewPrefix(), wans, options);
        try
        {
            await lab.BuildAsync(extraClients, ct);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a program inside a namespace and returns its output; throws when it fails.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Tests run commands through the lab they built, which reads better than a static call.")]
    public Task<string> ExecAsync(string ns, string program, params string[] args) =>
        new ProcessCommandRunner(ns).RunCheckedAsync(program, args);

    /// <summary>Runs a command line given as a list (program first) inside a namespace.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Tests run commands through the lab they built, which reads better than a static call.")]
    public Task<string> ExecAsync(string ns, IReadOnlyList<string> command) =>
        new ProcessCommandRunner(ns).RunCheckedAsync(command[0], command.Skip(1).ToList());

    /// <summary>A thread inside <paramref name="ns"/> for creating sockets there.</summary>
    public NamespaceThread Thread(string ns)
    {
        lock (_threads)
        {
            if (!_threads.TryGetValue(ns, out var thread))
            {
                _threads[ns] = thread = new NamespaceThread(ns);
            }
            return thread;
        }
    }

    /// <summary>Starts a long-running program in a namespace; it is ended (by PID) on dispose.</summary>
    public Process StartProcess(string ns, string program, params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", ns, program }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        lock (_processes)
        {
            _processes.Add(process);
        }
        return process;
    }

    /// <summary>
    /// Another LAN device with its own MAC address (random unless given): a macvlan on the LAN link in a namespace of its
    /// own, so its address and default route never disturb the main client's. Returns the namespace; its link is <c>mv0</c>.
    /// </summary>
    public async Task<string> AddLanDeviceAsync(string name, string? mac = null)
    {
        var ns = Prefix + name;
        await _host.RunCheckedAsync("ip", ["netns", "add", ns]);
        _created.Add(ns);
        await ExecAsync(ns, "ip", "link", "set", "lo", "up");
        List<string> add = ["ip", "link", "add", "mv0", "link", "eth0"];
        if (mac is not null)
        {
            add.AddRange(["address", mac]);
        }
        add.AddRange(["netns", ns, "type", "macvlan", "mode", "bridge"]);
        await ExecAsync(Lan, add);
        await ExecAsync(ns, "ip", "link", "set", "mv0", "up");
        return ns;
    }

    /// <summary>Makes an ISP drop everything in both directions (the link stays up: only probes can tell).</summary>
    public Task SetIspSilentAsync(int index, bool silent) =>
        silent
            ? ExecAsync(Isp(index), "nft", "add", "rule", "inet", "isp", "forward", "drop")
            : ReloadIspRulesAsync(Wans.Single(w => w.Index == index));

    /// <summary>Drops a share of the packets an ISP forwards toward the appliance (there is no netem here).</summary>
    public Task SetIspLossAsync(int index, int percent) =>
        ExecAsync(Isp(index), "nft", "add", "rule", "inet", "isp", "forward", "iifname", "core", "numgen", "random", "mod", "100", "<",
            percent.ToString(CultureInfo.InvariantCulture), "drop");

    /// <summary>Takes the ISP's side of the WAN cable down or up: the appliance sees carrier go and come.</summary>
    public Task SetCarrierAsync(int index, bool up) => ExecAsync(Isp(index), "ip", "link", "set", "cpe", up ? "up" : "down");

    public async ValueTask DisposeAsync()
    {
        lock (_processes)
        {
            foreach (var process in _processes)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                        process.WaitForExit(5000);
                    }
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
                process.Dispose();
            }
            _processes.Clear();
        }
        lock (_threads)
        {
            foreach (var thread in _threads.Values)
            {
                thread.Dispose();
            }
            _threads.Clear();
        }
        foreach (var ns in Enumerable.Reverse(_created))
        {
            await _host.RunAsync("ip", ["netns", "del", ns]);
        }
        _created.Clear();
    }

    private async Task BuildAsync(int extraClients, CancellationToken ct)
    {
        foreach (var ns in new[] { Lan, Appliance, Inet, Hub }.Concat(Wans.Select(w => Isp(w.Index))))
        {
            await _host.RunCheckedAsync("ip", ["netns", "add", ns], null, ct);
            _created.Add(ns);
            await ExecAsync(ns, "ip", "link", "set", "lo", "up");
        }

        // LAN: one client (plus extra source addresses) behind the appliance.
        await _host.RunCheckedAsync("ip", ["link", "add", "lan0", "netns", Appliance, "type", "veth", "peer", "name", "eth0", "netns", Lan], null, ct);
        await ExecAsync(Lan, "ip", "link", "set", "eth0", "up");
        // The appliance's LAN side is left as a new box finds its port when the appliance addresses it (bridge, DHCP server).
        if (!Options.EngineAddressesLan)
        {
            await ExecAsync(Appliance, "ip", "addr", "add", LabAddresses.ApplianceLan + "/24", "dev", "lan0");
            await ExecAsync(Appliance, "ip", "link", "set", "lan0", "up");
        }
        if (!Options.ClientByDhcp)
        {
            await ExecAsync(Lan, "ip", "addr", "add", LabAddresses.Client + "/24", "dev", "eth0");
            for (var i = 0; i < extraClients; i++)
            {
                await ExecAsync(Lan, "ip", "addr", "add", LabAddresses.ExtraClient(i) + "/24", "dev", "eth0");
            }
            await ExecAsync(Lan, "ip", "route", "add", "default", "via", LabAddresses.ApplianceLan);
        }

        // The internet: a server on a loopback address, reached through every ISP.
        await ExecAsync(Inet, "ip", "addr", "add", LabAddresses.Server + "/32", "dev", "lo");
        await BuildHubHostAsync(ct);

        // The appliance's namespace gets its links and their addresses only: no default route in its main table, as on a
        // box whose WANs are configured only in the appliance. Routes and rules beyond that are the engine's to make.
        foreach (var wan in Wans)
        {
            await BuildWanAsync(wan, ct);
        }
    }

    /// <summary>
    /// The hub's host, like a VPS: its address on loopback and a default route towards the internet, given by the lab
    /// as a provider would (the hub role does not configure its own addressing).
    /// </summary>
    private async Task BuildHubHostAsync(CancellationToken ct)
    {
        await _host.RunCheckedAsync("ip", ["link", "add", "hub0", "netns", Inet, "type", "veth", "peer", "name", "eth0", "netns", Hub], null, ct);
        await ExecAsync(Inet, "ip", "addr", "add", LabAddresses.HubGateway + "/24", "dev", "hub0");
        await ExecAsync(Inet, "ip", "link", "set", "hub0", "up");
        await ExecAsync(Inet, "ip", "route", "add", LabAddresses.Hub + "/32", "via", LabAddresses.HubUplink);
        // The internet now forwards too: between the ISPs and the hub.
        await ExecAsync(Inet, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        await ExecAsync(Hub, "ip", "addr", "add", LabAddresses.HubUplink + "/24", "dev", "eth0");
        await ExecAsync(Hub, "ip", "addr", "add", LabAddresses.Hub + "/32", "dev", "lo");
        await ExecAsync(Hub, "ip", "link", "set", "eth0", "up");
        await ExecAsync(Hub, "ip", "route", "add", "default", "via", LabAddresses.HubGateway);
    }

    private async Task BuildWanAsync(LabWan wan, CancellationToken ct)
    {
        var isp = Isp(wan.Index);
        var i = wan.Index.ToString(CultureInfo.InvariantCulture);
        await _host.RunCheckedAsync("ip", ["link", "add", wan.Interface, "netns", Appliance, "type", "veth", "peer", "name", "cpe", "netns", isp], null, ct);
        // A WAN the engine addresses (DHCP or static) is left as a new box finds its port: down, no address.
        if (!Options.EngineAddressedWans.Contains(wan.Index))
        {
            await ExecAsync(Appliance, "ip", "addr", "add", wan.ApplianceAddress + "/24", "dev", wan.Interface);
            await ExecAsync(Appliance, "ip", "link", "set", wan.Interface, "up");
        }
        await ExecAsync(isp, "ip", "addr", "add", wan.Gateway + "/24", "dev", "cpe");
        await ExecAsync(isp, "ip", "link", "set", "cpe", "up");

        await _host.RunCheckedAsync("ip", ["link", "add", "core", "netns", isp, "type", "veth", "peer", "name", "isp" + i, "netns", Inet], null, ct);
        await ExecAsync(isp, "ip", "addr", "add", LabAddresses.IspUplink(wan.Index) + "/24", "dev", "core");
        await ExecAsync(isp, "ip", "link", "set", "core", "up");
        await ExecAsync(isp, "ip", "route", "add", "default", "via", LabAddresses.InetSide(wan.Index));
        await ExecAsync(isp, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        await ExecAsync(Inet, "ip", "addr", "add", LabAddresses.InetSide(wan.Index) + "/24", "dev", "isp" + i);
        await ExecAsync(Inet, "ip", "link", "set", "isp" + i, "up");
        await ExecAsync(Inet, "ip", "route", "add", wan.Subnet, "via", LabAddresses.IspUplink(wan.Index));

        await ReloadIspRulesAsync(wan);
        if (wan.RateMbit is { } rate)
        {
            foreach (var dev in new[] { "cpe", "core" })
            {
                await ExecAsync(isp, ["tc", "qdisc", "add", "dev", dev, "root", "tbf", .. TbfArgs(rate)]);
            }
        }
    }

    private Task ReloadIspRulesAsync(LabWan wan) =>
        new ProcessCommandRunner(Isp(wan.Index)).RunCheckedAsync("nft", ["-f", "-"],
            "table inet isp {\n}\nflush table inet isp\ntable inet isp {\n" +
            "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n" +
            $"\t\tiifname \"cpe\" ip saddr != {wan.Subnet} drop comment \"BCP 38: only the customer's own addresses\"\n\t}}\n}}\n");

    /// <summary>TBF arguments for a rate: a burst of at least 5 ms of traffic keeps single TCP flows near the rate.</summary>
    public static string[] TbfArgs(double rateMbit)
    {
        var burstBytes = Math.Max(32 * 1024, (int)(rateMbit * 1_000_000 / 8 * 0.005));
        return ["rate", rateMbit.ToString("0.###", CultureInfo.InvariantCulture) + "mbit", "burst", burstBytes.ToString(CultureInfo.InvariantCulture), "latency", "50ms"];
    }
}
