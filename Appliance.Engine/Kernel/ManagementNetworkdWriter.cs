using System.Threading.Channels;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Kernel;

/// <summary>
/// Keeps systemd-networkd's files for management ports (<see cref="ManagementNetworkFiles"/>) in
/// <see cref="EngineOptions.NetworkdDirectory"/> in step with the running configuration, and has networkd reload
/// when they change. Idle when no directory is set (the lab, tests, a host without networkd). Only files with the
/// appliance's prefix are touched.
/// </summary>
public sealed partial class ManagementNetworkdWriter(
    IRunningConfigSource source,
    ICommandRunner runner,
    IOptions<EngineOptions> options,
    ILogger<ManagementNetworkdWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ct = stoppingToken;
        if (options.Value.NetworkdDirectory is not { Length: > 0 } directory)
        {
            return;
        }
        // Only the newest configuration matters: an older one still queued is skipped.
        var changes = Channel.CreateBounded<ConfigSnapshot>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        await source.Ready.WaitAsync(ct);
        using var subscription = source.Subscribe(snapshot => changes.Writer.TryWrite(snapshot));
        changes.Writer.TryWrite(source.Current);
        await foreach (var snapshot in changes.Reader.ReadAllAsync(ct))
        {
            try
            {
                await SyncAsync(directory, snapshot.Config, ct);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or KernelCommandException)
            {
                // The next configuration change tries again; the engine's own work does not depend on this.
                LogSyncFailed(logger, ex, directory);
            }
        }
    }

    /// <summary>Writes what is missing or different, deletes what is no longer wanted; reloads networkd if anything changed.</summary>
    public async Task<bool> SyncAsync(string directory, ApplianceConfig config, CancellationToken ct)
    {
        var wanted = ManagementNetworkFiles.Render(config);
        var changed = false;
        foreach (var path in Directory.EnumerateFiles(directory, ManagementNetworkFiles.Prefix + "*" + ManagementNetworkFiles.Suffix))
        {
            if (!wanted.ContainsKey(Path.GetFileName(path)))
            {
                File.Delete(path);
                changed = true;
            }
        }
        foreach (var (name, content) in wanted)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path) || await File.ReadAllTextAsync(path, ct) != content)
            {
                await File.WriteAllTextAsync(path, content, ct);
                changed = true;
            }
        }
        if (changed)
        {
            await runner.RunCheckedAsync("networkctl", ["reload"], null, ct);
            LogReloaded(logger, wanted.Count);
        }
        return changed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The management ports' networkd files in {Directory} could not be brought up to date")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "systemd-networkd reloaded with {Count} management port(s)")]
    private static partial void LogReloaded(ILogger logger, int count);
}
