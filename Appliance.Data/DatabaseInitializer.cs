using Appliance.Data.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Data;

/// <summary>
/// Applies migrations, switches SQLite to WAL, loads the running revision, the hub's edges and the link history, and
/// on a fresh box applies the factory configuration (<see cref="FirstBootConfig"/>); then <see cref="DatabaseReadiness"/> lets whatever waits for them go on.
/// </summary>
internal sealed partial class DatabaseInitializer(
    IDbContextFactory<ApplianceDbContext> dbFactory,
    RevisionLog revisions,
    HubEdgeStore edges,
    LinkHistoryStore history,
    FirstBootConfig firstBoot,
    DatabaseReadiness readiness,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                await db.Database.MigrateAsync(ct);
                // WAL lets the UI and API read while the engine or an apply writes; it persists in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                var dataSource = db.Database.GetDbConnection().DataSource;
                LogMigrated(logger, dataSource);
            }
            await revisions.InitializeAsync(ct);
            await edges.InitializeAsync(ct);
            await history.InitializeAsync(ct);
            // Before readiness, so the engine's first look finds the factory configuration on a fresh box.
            await firstBoot.RunAsync(ct);
        }
        catch (Exception ex)
        {
            readiness.Fail(ex);
            throw;
        }
        readiness.Complete();
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {DataSource} is up to date")]
    private static partial void LogMigrated(ILogger logger, string dataSource);
}
