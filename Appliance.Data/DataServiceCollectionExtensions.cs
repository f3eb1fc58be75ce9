using Appliance.Data.Store;
using Appliance.Engine.Configuration.Validation;
using Appliance.Engine.Factory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Appliance.Data;

/// <summary>Registers the database, the configuration and edge stores, the audit trail, the start-up migrator and the trail's retention.</summary>
public static class DataServiceCollectionExtensions
{
    public const string DatabaseFileName = "appliance.db";

    public static IServiceCollection AddApplianceData(this IServiceCollection services, string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(Path.GetFullPath(dataDirectory), DatabaseFileName);
        // Pooling=False: WAL checkpoints and file deletion in tests must not be held up by idle pooled connections.
        services.TryAddSingleton<AuditGrowth>();
        services.AddDbContextFactory<ApplianceDbContext>((sp, o) => o
            .UseSqlite($"Data Source={path};Pooling=False;Default Timeout=30")
            .AddInterceptors(sp.GetRequiredService<AuditGrowth>()));
        services.AddOptions<AuditOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ConfigValidator.Default);
        // The engine registers the same: a revert that keeps failing is reported among its loops.
        services.TryAddSingleton<Engine.Supervision.LoopMonitor>();
        services.TryAddSingleton<DatabaseReadiness>();
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<IAuditLog>(sp => sp.GetRequiredService<AuditLog>());
        AddConfiguration(services);
        services.TryAddSingleton<HealthEventStore>();
        services.TryAddSingleton<Engine.Health.IHealthEventSink>(sp => sp.GetRequiredService<HealthEventStore>());
        services.TryAddSingleton<HubEdgeStore>();
        // The recorder that fills it needs the engine's status, so the host registers it next to the engine.
        services.TryAddSingleton<LinkHistoryStore>();
        services.TryAddSingleton<Engine.Telemetry.ILinkHistory>(sp => sp.GetRequiredService<LinkHistoryStore>());
        services.TryAddSingleton<Engine.Bonding.IEdgeDirectory>(sp => sp.GetRequiredService<HubEdgeStore>());
        // Users (AccountStore) are registered by the host, which supplies the password hasher they need.
        services.TryAddSingleton<Store.Security.ApiTokenStore>();
        services.AddHostedService<DatabaseInitializer>();
        services.TryAddSingleton<AuditRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetention>());
        return services;
    }

    /// <summary>The pending copy's stores, the revision log and the running snapshot the engine follows.</summary>
    private static void AddConfiguration(IServiceCollection services)
    {
        services.TryAddSingleton<ConfigWriter>();
        services.TryAddSingleton<RunningConfigPublisher>();
        services.TryAddSingleton<WanStore>();
        services.TryAddSingleton<IWanStore>(sp => sp.GetRequiredService<WanStore>());
        services.TryAddSingleton<RuleStore>();
        services.TryAddSingleton<IRuleStore>(sp => sp.GetRequiredService<RuleStore>());
        services.TryAddSingleton<ConfigStore>();
        services.TryAddSingleton<IConfigStore>(sp => sp.GetRequiredService<ConfigStore>());
        services.TryAddSingleton<RevisionLog>();
        services.TryAddSingleton<IRevisionLog>(sp => sp.GetRequiredService<RevisionLog>());
        services.AddApplianceFactoryDefaults();
        services.TryAddSingleton<FirstBootConfig>();
        services.TryAddSingleton<IFactoryReset, FactoryReset>();
        services.TryAddSingleton<Engine.Configuration.IRunningConfigSource, RunningConfigSource>();
    }
}
