using Appliance.Engine.Bonding;
using Appliance.Engine.Health;
using Appliance.Engine.Health.Probing;
using Appliance.Engine.Kernel;
using Appliance.Engine.Kernel.Counters;
using Appliance.Engine.Kernel.Processes;
using Appliance.Engine.Network;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Appliance.Engine.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Appliance.Engine;

/// <summary>Registers the engine: link health, planner-driven reconciler and kernel applier.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <remarks>Needs an <see cref="Configuration.IRunningConfigSource"/> registered (the data layer's running snapshot).</remarks>
    public static IServiceCollection AddApplianceEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EngineOptions>(configuration.GetSection(EngineOptions.Section));
        services.Configure<BondingOptions>(configuration.GetSection(BondingOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BondingMonitor>();
        services.TryAddSingleton<LoopMonitor>();
        services.TryAddSingleton<LoopSupervisor>();
        services.TryAddSingleton<FatalErrors>();
        services.TryAddSingleton<EngineStatusTracker>();
        services.TryAddSingleton<IEngineStatusSource>(sp => sp.GetRequiredService<EngineStatusTracker>());
        var options = configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        if (!options.Enabled)
        {
            services.AddHostedService(sp => new DisabledEngine(sp.GetRequiredService<EngineStatusTracker>()));
            return services;
        }
        services.TryAddSingleton<ICommandRunner>(sp => new ProcessCommandRunner(sp.GetRequiredService<IOptions<EngineOptions>>().Value.NetworkNamespace));
        services.TryAddSingleton<ISocketFactory>(sp => sp.GetRequiredService<IOptions<EngineOptions>>().Value.NetworkNamespace is { } ns
            ? new NamespaceSocketFactory(ns)
            : new LocalSocketFactory());
        services.TryAddSingleton<LinkObserver>();
        services.TryAddSingleton<KernelApplier>();
        services.TryAddSingleton<IProbeReadiness>(sp => sp.GetRequiredService<KernelApplier>());
        services.TryAddSingleton<ConntrackFlusher>();
        // One prober per method; the container disposes the set (and with it the HTTP prober's clients).
        services.TryAddSingleton<ProberSet>();
        services.TryAddSingleton<IHealthEventSink, DiscardingHealthEventSink>();
        // Router services: the WANs' DHCP clients and PPP sessions, the LAN's dnsmasq, the box's ports.
        services.TryAddSingleton<IProcessLauncher>(sp => new ProcessLauncher(sp.GetRequiredService<IOptions<EngineOptions>>().Value.NetworkNamespace));
        services.TryAddSingleton<IPortInventory, PortInventory>();
        services.TryAddSingleton<WanAddressService>();
        services.TryAddSingleton<IWanAddressSource>(sp => sp.GetRequiredService<WanAddressService>());
        services.TryAddSingleton<IWanAddressControl>(sp => sp.GetRequiredService<WanAddressService>());
        services.AddHostedService(sp => sp.GetRequiredService<WanAddressService>());
        services.TryAddSingleton<HealthMonitor>();
        services.TryAddSingleton<ILinkHealthSource>(sp => sp.GetRequiredService<HealthMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        services.TryAddSingleton<LanDnsmasqService>();
        services.TryAddSingleton<ILanLeaseReader>(sp => sp.GetRequiredService<LanDnsmasqService>());
        services.AddHostedService(sp => sp.GetRequiredService<LanDnsmasqService>());
        services.TryAddSingleton<EngineReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<EngineReconciler>());
        services.TryAddSingleton<IKernelCounterReader, KernelCounterReader>();
        services.AddHostedService<CounterSampler>();
        // Bonding: the edge's TPROXY relay and the hub's listener; each stays idle unless its role bonds.
        services.TryAddSingleton<BondingPlanFeed>();
        services.TryAddSingleton<LocalAddressReader>();
        services.AddHostedService<EdgeRelay>();
        services.AddHostedService<HubRelay>();
        services.AddHostedService<ManagementNetworkdWriter>();
        return services;
    }

    /// <summary>Where events go when no store is registered (engine used without the database).</summary>
    private sealed class DiscardingHealthEventSink : IHealthEventSink
    {
        public Task RecordAsync(HealthEvent healthEvent, CancellationToken ct = default) => Task.CompletedTask;
    }

    private sealed class DisabledEngine(EngineStatusTracker status) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            status.NotRunning("engine not running: disabled by configuration (Appliance:Engine:Enabled=false)");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
