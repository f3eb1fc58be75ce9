using System.Globalization;
using System.Runtime.InteropServices;
using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Appliance.Testing;

namespace Appliance.Lab;

/// <summary>
/// One run of the lab: builds the site, starts the appliance as a child process, seeds its configuration, drives traffic,
/// prints a table every 5 seconds, and on Ctrl-C/SIGTERM (or any failure) tears everything down in reverse order.
/// </summary>
public sealed class LabSession : IAsyncDisposable
{
    /// <summary>Fixed, so a run after a crash finds (and removes) what the crashed run left.</summary>
    public const string Prefix = "lab-";
    private const int ExtraClients = 4;
    private const string LockPath = "/run/appliance-lab.lock";
    private static readonly TimeSpan TableEvery = TimeSpan.FromSeconds(5);
    private static readonly LabWan[] SiteWans = [new(1, 50), new(2, 20), new(3, 10)];
    private const string HubUrls = "http://127.0.0.1:5081";
    private const int HubPort = 7443;
    private const string LabEdgeId = "lab-edge";
    // The lab's hub and edge live in namespaces on this machine only; a fixed key lets either database be kept or removed alone.
    private const string LabEdgeKey = "lab-only-shared-key-not-a-secret";

    private readonly LabOptions _options;
    private readonly CancellationTokenSource _stop;
    private FileStream? _lock;
    private NetnsLab? _lab;
    private LabServers? _servers;
    private ApplianceProcess? _appliance;
    private ApplianceProcess? _hub;
    private ApplianceApi? _api;
    private ApplianceApi? _hubApi;
    private TrafficGenerator? _traffic;
    private IspSwitches? _switches;
    private InternetDns? _dns;
    private IspDhcpServer? _dsl;
    private const string LaptopName = "laptop";
    private string? _failure;

    private LabSession(LabOptions options, CancellationTokenSource stop)
    {
        _options = options;
        _stop = stop;
    }

    public static async Task<int> RunAsync(LabOptions options)
    {
        using var stop = new CancellationTokenSource();
        var signalled = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            // A signal can arrive twice (e.g. timeout signals the process and then its group): act on the first.
            if (Interlocked.Exchange(ref signalled, 1) == 0)
            {
                Console.WriteLine($"{Environment.NewLine}lab: {context.Signal}: stopping…");
                stop.Cancel();
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

        var session = new LabSession(options, stop);
        var exitCode = 0;
        try
        {
            await session.StartAsync(stop.Token);
            await session.PrintTablesAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl-C, SIGTERM, or the appliance died (then _failure says so).
        }
        catch (LabException ex)
        {
            session._failure = ex.Message;
        }
        catch (Exception ex)
        {
            session._failure = ex.ToString();
        }
        finally
        {
            await session.DisposeAsync();
        }
        if (session._failure is { } failure)
        {
            Console.Error.WriteLine($"lab: {failure}");
            exitCode = 1;
        }
        return exitCode;
    }

    private async Task StartAsync(CancellationToken ct)
    {
        TakeLock();
        await RemoveLeftoversAsync();

        Console.WriteLine($"lab: building the site ({string.Join(", ", SiteWans.Select(w => $"{w.Interface} {w.RateMbit} Mbit/s"))}) …");
        // Like a box fresh out of its packaging: the appliance addresses its LAN and WAN ports itself.
        _lab = await NetnsLab.CreateAsync(SiteWans, new NetnsLabOptions
        {
            EngineAddressesLan = true,
            EngineAddressedWans = SiteWans.Select(w => w.Index).ToHashSet(),
        }, ExtraClients, Prefix, ct);
        _servers = new LabServers(_lab.Thread(_lab.Inet));
        _dns = await InternetDns.StartAsync(_lab);
        // ISP 1 hands out its one customer address by DHCP (so the table's per-address counts hold), with its resolver.
        var dsl = _lab.Wans[0];
        _dsl = await IspDhcpServer.StartAsync(_lab, dsl, new IspDhcpPlan(dsl.ApplianceAddress.ToString(), dsl.ApplianceAddress.ToString(), dsl.Gateway.ToString(), [InternetDns.Address]));

        var repo = FindRepoRoot();
        var data = Path.Combine(repo, "data", "lab");
        await StartHubAsync(repo, ct);
        Console.WriteLine($"lab: starting the appliance ({Path.GetRelativePath(repo, ApplianceProcess.WebDll(repo))}, engine in {_lab.Appliance}) …");
        // Made before the process starts, so the two never migrate a fresh database at the same time.
        var token = await ApplianceProcess.CreateTokenAsync(repo, data, "lab");
        _appliance = ApplianceProcess.Start(repo, _lab.Appliance, data, _options.ApplianceArguments, _options.Urls);
        _appliance.ExitedUnexpectedly += code =>
        {
            if (_stop.IsCancellationRequested)
            {
                // Stopping anyway: a Ctrl-C in the terminal reaches the appliance too, and it may be quicker.
                return;
            }
            _failure ??= _traffic is null
                ? $"the appliance exited with code {code} before it was ready (see its output above; is {_options.ApiBase} already in use?)"
                : $"the appliance (pid {_appliance.Pid}) exited unexpectedly with code {code} (see its output above)";
            _stop.Cancel();
        };
        _api = new ApplianceApi(_options.ApiBase, token);
        await _api.WaitHealthyAsync(_appliance, TimeSpan.FromSeconds(60), ct);
        await _api.RevokeEarlierTokensAsync("lab", ct);

        var configuration = await SeedAsync(_api, _lab, ct);
        _traffic = new TrafficGenerator(_lab.Thread(_lab.Lan), _servers, ExtraClients);
        _traffic.Start();
        _switches = new IspSwitches(_lab);
        var laptop = await _lab.AddLanDeviceAsync(LaptopName);
        var lease = await LanDhcpClient.RequestAsync(laptop, "mv0", LaptopName, ct: ct);
        PrintBanner(_lab, data, configuration, lease);
    }

    /// <summary>
    /// The aggregation hub for bonding: the same firmware in the hub role, its engine in its own namespace behind the
    /// internet (listening on 203.0.113.20:7443), with the lab's edge registered. It idles until a WAN of the edge is set to bond.
    /// </summary>
    private async Task StartHubAsync(string repo, CancellationToken ct)
    {
        // On the command line: appsettings.json names the edge's URL, which would win over ASPNETCORE_URLS.
        var hubOptions = _options with { Urls = HubUrls, ApplianceArguments = ["--urls", HubUrls] };
        Console.WriteLine($"lab: starting the bonding hub (engine in {_lab!.Hub}, UI/API {HubUrls}) …");
        var hubData = Path.Combine(repo, "data", "lab-hub");
        var token = await ApplianceProcess.CreateTokenAsync(repo, hubData, "lab");
        _hub = ApplianceProcess.Start(repo, _lab.Hub, hubData, hubOptions.ApplianceArguments, hubOptions.Urls, "hub");
        _hub.ExitedUnexpectedly += code =>
        {
            if (!_stop.IsCancellationRequested)
            {
                _failure ??= $"the hub (pid {_hub.Pid}) exited unexpectedly with code {code} (is {HubUrls} already in use?)";
                _stop.Cancel();
            }
        };
        _hubApi = new ApplianceApi(hubOptions.ApiBase, token);
        await _hubApi.WaitHealthyAsync(_hub, TimeSpan.FromSeconds(60), ct);
        await _hubApi.RevokeEarlierTokensAsync("lab", ct);
        if (!await _hubApi.HasRevisionsAsync(ct))
        {
            await _hubApi.ImportAndApplyAsync(new ApplianceConfig
            {
                Settings = new ApplianceSettings
                {
                    Role = ApplianceRole.Hub,
                    Listen = new HubListenSettings { Address = LabAddresses.Hub.ToString(), Port = HubPort },
                },
            }, "lab: hub listening on 203.0.113.20:7443", ct);
        }
        await _hubApi.EnsureHubEdgeAsync(LabEdgeId, LabEdgeKey, ct);
    }

    /// <summary>Seeds the lab's configuration if the database has no WANs yet (a later run keeps what the admin changed).</summary>
    private static async Task<string> SeedAsync(ApplianceApi api, NetnsLab lab, CancellationToken ct)
    {
        long? revision = null;
        string what;
        var existing = await api.ListWansAsync(ct);
        // A lab database from before the appliance addressed its own ports would leave every link without an address.
        if (existing.Count == 0 || (await api.ExportAsync(ct)).Ports.Count == 0)
        {
            revision = await api.ImportAndApplyAsync(SeedConfig(lab.Wans), "lab: initial configuration (dsl and cable bonded, lte as backup tier; TCP 8443 via cable)", ct);
            what = $"seeded and applied as revision {revision}";
        }
        else
        {
            what = $"kept the existing one ({string.Join(", ", existing.Select(w => w.Name))})";
        }
        var status = await api.WaitRunningAsync(revision, TimeSpan.FromSeconds(30), ct);
        if (!status.Running)
        {
            Console.Error.WriteLine($"lab: warning: the engine is not running yet: {status.Message}");
        }
        return what;
    }

    public static ApplianceConfig SeedConfig(IReadOnlyList<LabWan> wans) => new()
    {
        // dsl and cable are bonded through the lab's hub (TCP relayed over both at once), UDP is balanced over them by
        // weight, and lte waits in tier 2 for both to fail. Every WAN probes the internet's server, so health is live.
        Ports =
        [
            new PortConfig { Name = "lan0", Role = PortRole.Lan },
            .. wans.Select(w => new PortConfig { Name = w.Interface, Role = PortRole.Wan }),
        ],
        Wans =
        [
            Wan("dsl", wans[0], weight: 5, mode: WanMode.Bond) with { Gateway = WanLink.DhcpGateway, Addressing = new WanAddressing() },
            Wan("cable", wans[1], weight: 2, mode: WanMode.Bond),
            Wan("lte", wans[2], weight: 1, tier: 2),
        ],
        Rules =
        [
            new Rule { Description = "lab: TCP port 8443 via cable", Protocol = RuleProtocol.Tcp, DestinationPorts = "8443", Action = RuleAction.Pin, Wan = "cable" },
        ],
        Settings = new ApplianceSettings
        {
            // The LAN's fixed clients (.2, .10-.13) sit below the DHCP range, as printers and servers do.
            Lan = new LanSettings
            {
                Addresses = [LabAddresses.ApplianceLan + "/24"],
                Domain = "lab",
                Dhcp = new LanDhcpSettings { Enabled = true, RangeStart = "198.18.0.100", RangeEnd = "198.18.0.199", LeaseTimeSeconds = 3600 },
                Dns = new LanDnsSettings { Enabled = true, Upstreams = DnsUpstreams.Wan },
            },
            // Ready for bonding: set a WAN's mode to bond and its TCP sessions go through the lab's hub.
            Hub = new HubPeerSettings { Address = LabAddresses.Hub.ToString(), Port = HubPort, EdgeId = LabEdgeId, Key = LabEdgeKey },
        },
    };

    private static WanLink Wan(string name, LabWan wan, int weight, int tier = 1, WanMode mode = WanMode.Balance) => new()
    {
        Name = name,
        Interface = wan.Interface,
        Gateway = wan.Gateway.ToString(),
        Weight = weight,
        Tier = tier,
        Mode = mode,
        // Static from the configuration (the appliance puts the address on its port); dsl overrides this with DHCP.
        Addressing = new WanAddressing { Mode = AddressingMode.Static, Address = wan.ApplianceAddress + "/24", DnsServers = [InternetDns.Address] },
        // Once a second, down after three lost rounds: failover shows within a few seconds without flooding the table.
        Probes = new ProbeSettings { Targets = [LabAddresses.Server.ToString()], IntervalMs = 1000, TimeoutMs = 800 },
    };

    private void PrintBanner(NetnsLab lab, string data, string configuration, ClientLease? lease)
    {
        var url = _options.ApiBase.ToString().TrimEnd('/');
        var namespaces = new[] { lab.Lan, lab.Appliance }.Concat(lab.Wans.Select(w => lab.Isp(w.Index))).Append(lab.Inet).Append(lab.Hub);
        var lastClient = LabAddresses.ExtraClient(ExtraClients - 1).GetAddressBytes()[3];
        Console.WriteLine($"""

            ── Appliance lab ─────────────────────────────────────────────────────────────
              namespaces  {string.Join(", ", namespaces)}
              site        LAN {LabAddresses.LanSubnet} (clients {LabAddresses.Client}, {LabAddresses.ExtraClient(0)}-{lastClient}) ─ appliance ─ ISPs ─ internet ({LabAddresses.Server})
              LAN         the appliance bridges lan0 into br-lan ({LabAddresses.ApplianceLan}/24), serves DHCP (.100-.199) and DNS; namespace {lab.Prefix}{LaptopName} leased {lease?.Address.ToString() ?? "nothing (see the LAN page)"} by DHCP
              WANs        dsl by DHCP from its ISP, cable and lte static; {string.Join(", ", lab.Wans.Select(w => $"{w.Interface} {w.RateMbit?.ToString(CultureInfo.InvariantCulture) ?? "unshaped"} Mbit/s ({w.ApplianceAddress})"))}
              appliance   pid {_appliance!.Pid}, data in {data}; configuration: {configuration}
              web UI/API  {url}  (API docs {url}/api/docs/; on the first visit the UI asks for the admin's name and password)
              hub         pid {_hub!.Pid}, engine in {lab.Hub} on {LabAddresses.Hub}:{HubPort}, UI/API {HubUrls}; WANs in bond mode relay TCP through it
              traffic     every second 20 TCP + 4 TCP to port 8443 + 5 UDP flows; every 3 s two 8 MB downloads
              keys        {_switches!.Legend}
            

            """);
    }

    private async Task PrintTablesAsync(CancellationToken ct)
    {
        var keys = _switches!.RunAsync(ct);
        try
        {
            await PrintTablesEveryAsync(ct);
        }
        finally
        {
            await keys.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private async Task PrintTablesEveryAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TableEvery);
        while (await timer.WaitForNextTickAsync(ct))
        {
            Appliance.Engine.Status.EngineStatus? status = null;
            string? error = null;
            try
            {
                status = await _api!.GetStatusAsync(ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                error = ex.Message;
            }
            Console.WriteLine(StatusTable.Render(_lab!.Wans, _servers!, status, error, _traffic!.Summary));
        }
    }

    /// <summary>Only one lab at a time: the namespaces' names and the port are fixed.</summary>
    private void TakeLock()
    {
        try
        {
            _lock = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new LabException($"another lab is running ({LockPath} is locked); stop it first");
        }
    }

    /// <summary>Holding the lock, namespaces with the lab's names can only be leftovers of a run that was killed.</summary>
    private static async Task RemoveLeftoversAsync()
    {
        var names = new[] { "lan", "app", "inet", "hub", LaptopName }.Concat(SiteWans.Select(w => "isp" + w.Index.ToString(CultureInfo.InvariantCulture))).Select(n => Prefix + n);
        var host = new ProcessCommandRunner();
        foreach (var name in names.Where(n => File.Exists(Path.Combine("/run/netns", n))))
        {
            Console.WriteLine($"lab: removing namespace {name} left by an earlier run");
            await host.RunAsync("ip", ["netns", "del", name]);
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return dir.FullName;
            }
        }
        throw new LabException($"no Appliance.sln above {AppContext.BaseDirectory}: run the lab from the repository (bash scripts/run.sh)");
    }

    /// <summary>Tears down in reverse order; each step runs even if an earlier one failed.</summary>
    public async ValueTask DisposeAsync()
    {
        Console.WriteLine("lab: tearing down …");
        if (_traffic is not null)
        {
            await Step("stopping traffic", _traffic.StopAsync);
        }
        if (_servers is not null)
        {
            await Step("stopping servers", () => { _servers.Dispose(); return Task.CompletedTask; });
        }
        if (_dsl is not null)
        {
            await Step("stopping ISP 1's DHCP server", async () => await _dsl.DisposeAsync());
        }
        if (_dns is not null)
        {
            await Step("stopping the internet's DNS server", async () => await _dns.DisposeAsync());
        }
        if (_appliance is not null)
        {
            await Step($"stopping the appliance (pid {_appliance.Pid})", async () => await _appliance.DisposeAsync());
        }
        if (_hub is not null)
        {
            await Step($"stopping the hub (pid {_hub.Pid})", async () => await _hub.DisposeAsync());
        }
        _api?.Dispose();
        _hubApi?.Dispose();
        if (_lab is not null)
        {
            await Step($"removing namespaces ({Prefix}*)", async () => await _lab.DisposeAsync());
        }
        _lock?.Dispose();
        Console.WriteLine("lab: stopped");
    }

    private static async Task Step(string what, Func<Task> action)
    {
        Console.WriteLine($"lab:   {what}");
        try
        {
            await action();
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"lab:   {what} failed: {ex.Message}");
        }
    }
}
