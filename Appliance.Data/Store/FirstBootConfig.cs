using Appliance.Engine;
using Appliance.Engine.Factory;
using Appliance.Engine.Network;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Data.Store;

/// <summary>
/// A fresh box (a database that never had a revision, and nothing pending) starts with the factory configuration,
/// so it is reachable on its LAN port. Runs at start-up before the engine reads what to run; never again once any
/// revision exists, whatever later happens to the configuration.
/// </summary>
internal sealed partial class FirstBootConfig(
    RevisionLog revisions,
    FactoryDefaultsFile defaults,
    IOptions<FactoryOptions> options,
    IOptions<EngineOptions> engine,
    IServiceProvider services,
    ILogger<FirstBootConfig> logger)
{
    public async Task RunAsync(CancellationToken ct)
    {
        // Without the engine nothing would bring the ports up (API-only hosts, console commands, the API's tests).
        var inventory = services.GetService<IPortInventory>();
        if (!options.Value.FirstBoot || !engine.Value.Enabled || inventory is null)
        {
            return;
        }
        IReadOnlyList<DiscoveredPort> ports;
        try
        {
            ports = await inventory.DiscoverAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The appliance still serves what it can; the next start tries again, as no revision was made.
            LogDiscoveryFailed(logger, ex);
            return;
        }
        RevisionInfo? revision;
        try
        {
            revision = await revisions.ApplyFirstBootAsync(FactoryConfig.Build(defaults.Load(), ports), ct);
        }
        catch (ConfigValidationException ex)
        {
            // Never a reason not to start: the API and UI still serve, and the next start tries again.
            LogInvalid(logger, ex, string.Join("; ", ex.Errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
            return;
        }
        if (revision is not null)
        {
            LogApplied(logger, revision.Id, string.Join(", ", ports.Select(p => p.Name).Order(PortNameComparer.Instance)));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "First boot: the ports could not be discovered; no factory configuration applied")]
    private static partial void LogDiscoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "First boot: the factory configuration is invalid ({Errors}); none applied")]
    private static partial void LogInvalid(ILogger logger, Exception exception, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "First boot: factory configuration applied as revision {RevisionId} (ports {Ports}; the first is the LAN)")]
    private static partial void LogApplied(ILogger logger, long revisionId, string ports);
}
