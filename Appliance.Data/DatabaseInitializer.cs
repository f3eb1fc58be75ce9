using Appliance.Data.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Data;

/// <summary>Applies migrations, switches SQLite to WAL and loads the running revision, the hub's edges and the link history before anything else starts.</summary>
internal sealed partial class DatabaseInitializer(
    IDbContextFactory<ApplianceDbContext> dbFactory,
    ConfigStore store,
    HubEdgeStore edges,
    LinkHistoryStore history,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await db.Database.MigrateAsync(cancellationToken);
            // WAL lets the UI and API read while the engine or an apply writes; it persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            LogMigrated(logger, db.Database.GetDbConnection().DataSource);
        }
        await store.InitializeAsync(cancellationToken);
        await edges.InitializeAsync(cancellationToken);
        await history.InitializeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {DataSource} is up to date")]
    private static partial void LogMigrated(ILogger logger, string dataSource);
}
