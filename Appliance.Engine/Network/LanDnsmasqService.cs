using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Kernel.Processes;
using Appliance.Engine.Network.Services;
using Appliance.Engine.Supervision;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Network;

/// <summary>
/// Runs the LAN's dnsmasq (DHCP server and DNS forwarder) as <see cref="LanServicePlan"/> says: starts it when the LAN
/// services are on, restarts it only when its configuration text changes, and stops it when they are off. A change of
/// the usable WANs or of what they learned only rewrites the servers file and sends SIGHUP, so the cache and the
/// DHCP server keep running through a failover. Also reads its lease file for the API.
/// </summary>
public sealed partial class LanDnsmasqService(
    IRunningConfigSource config,
    ILinkHealthSource health,
    IWanAddressSource addresses,
    IProcessLauncher launcher,
    IOptions<EngineOptions> options,
    LoopSupervisor supervisor,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, ILanLeaseReader
{
    public const string LoopName = "lan-dnsmasq";

    private readonly ILogger _logger = loggers.CreateLogger<LanDnsmasqService>();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly LanServicePaths _paths = LanServicePaths.In(options.Value.RuntimeDirectory);
    private SupervisedProcess? _process;
    private string? _configText;
    private string? _serversText;

    /// <summary>The supervised dnsmasq, or null while it should not run.</summary>
    internal SupervisedProcess? Process => Volatile.Read(ref _process);

    public async Task<IReadOnlyList<LanLease>> ReadAsync(CancellationToken ct = default)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(_paths.Leases, ct);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // dnsmasq has not run yet, or never handed out a lease.
            return [];
        }
        var fixedMacs = config.Current.Config.Settings.Lan.Dhcp.StaticLeases.Select(l => l.Mac).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return DnsmasqLeases.Parse(text, fixedMacs);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await config.Ready.WaitAsync(stoppingToken);
        using var onConfig = config.Subscribe(_ => Poke());
        using var onHealth = health.Subscribe(Poke);
        using var onAddresses = addresses.Subscribe(Poke);
        try
        {
            await supervisor.RunAsync(LoopName, async (handle, ct) =>
            {
                while (true)
                {
                    handle.Busy();
                    await SyncAsync(ct);
                    handle.Done();
                    await _changed.WaitAsync(ct);
                }
            }, stoppingToken);
        }
        finally
        {
            await StopProcessAsync();
        }
    }

    /// <summary>Wakes the loop; changes that come while it works collapse into one more pass.</summary>
    private void Poke()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A pass is already due.
        }
    }

    private async Task SyncAsync(CancellationToken ct)
    {
        var plan = LanServicePlan.For(config.Current.Config, health.Current, addresses.Current, _paths, options.Value.DnsRebindProtection);
        if (plan.ConfigText is null)
        {
            if (_process is not null)
            {
                LogStopping(_logger);
                await StopProcessAsync();
            }
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(_paths.Config)!);
        var serversChanged = plan.ServersText != _serversText;
        if (serversChanged)
        {
            RuntimeFile.Write(_paths.Servers, plan.ServersText, RuntimeFile.Readable);
            _serversText = plan.ServersText;
        }
        if (_process is null)
        {
            RuntimeFile.Write(_paths.Config, plan.ConfigText, RuntimeFile.Readable);
            _configText = plan.ConfigText;
            var spec = new ProcessSpec("dnsmasq lan", DnsmasqCommand.Program, DnsmasqCommand.Arguments(_paths.Config));
            Volatile.Write(ref _process, new SupervisedProcess(spec, launcher, time, loggers.CreateLogger("Appliance.Engine.Network.Dnsmasq")));
        }
        else if (plan.ConfigText != _configText)
        {
            RuntimeFile.Write(_paths.Config, plan.ConfigText, RuntimeFile.Readable);
            _configText = plan.ConfigText;
            LogRestarting(_logger);
            await _process.RestartAsync(ct);
        }
        else if (serversChanged)
        {
            // dnsmasq rereads servers-file on SIGHUP; between runs there is nothing to tell, the next start reads it.
            LogUpstreams(_logger);
            await _process.SignalAsync(ChildSignal.Hangup, ct);
        }
    }

    private async Task StopProcessAsync()
    {
        var process = Interlocked.Exchange(ref _process, null);
        _configText = null;
        _serversText = null;
        if (process is not null)
        {
            await process.DisposeAsync();
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "LAN services turned off: stopping dnsmasq")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "LAN services changed: restarting dnsmasq")]
    private static partial void LogRestarting(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "LAN DNS upstreams changed: dnsmasq rereads them")]
    private static partial void LogUpstreams(ILogger logger);
}
