using Appliance.Engine.Configuration;
using Appliance.Engine.Factory;
using Appliance.Engine.Network;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Store;

/// <summary>Returns the appliance to its factory configuration.</summary>
public interface IFactoryReset
{
    /// <summary>
    /// Builds the factory configuration (<see cref="FactoryConfig.Build"/>) from the defaults file and the box's ports,
    /// makes it the pending configuration and applies it as a new revision, audited. Ports, WANs, rules and settings
    /// are replaced; users, API tokens, the audit trail, the revision history and the HTTPS certificate stay, so the
    /// admin can sign in on the LAN address afterwards (a console reset is recovery, not a wipe).
    /// </summary>
    Task<RevisionInfo> ResetAsync(ChangeContext who, CancellationToken ct = default);
}

/// <summary>The <see cref="IFactoryReset"/> over the revision log.</summary>
public sealed class FactoryReset(RevisionLog revisions, RunningConfigPublisher running, IConfigStore store, FactoryDefaultsFile defaults, IServiceProvider services)
    : IFactoryReset
{
    public async Task<RevisionInfo> ResetAsync(ChangeContext who, CancellationToken ct = default)
    {
        var ports = await PortsAsync(services.GetService<IPortInventory>(), running, store, ct);
        return await revisions.ResetToFactoryAsync(FactoryConfig.Build(defaults.Load(), ports), who, ct);
    }

    /// <summary>
    /// The box's ports: discovered by the engine's inventory; where there is none (the console command, a host
    /// without the engine) the ports the running and pending configurations name, which the box had when they were set.
    /// </summary>
    internal static async Task<IReadOnlyList<DiscoveredPort>> PortsAsync(
        IPortInventory? inventory, RunningConfigPublisher running, IConfigStore store, CancellationToken ct)
    {
        if (inventory is not null)
        {
            return await inventory.DiscoverAsync(ct);
        }
        var pending = await store.GetPendingAsync(ct);
        return running.Current.Config.Ports.Concat(pending.Ports)
            .Select(p => p.Name)
            .Distinct(StringComparer.Ordinal)
            .Select(name => new DiscoveredPort(name, "", false, null))
            .ToList();
    }
}
