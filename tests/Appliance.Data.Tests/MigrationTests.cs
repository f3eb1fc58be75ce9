using System.Data.Common;
using Appliance.Engine.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Appliance.Data.Tests;

public sealed class MigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_up_applies_every_migration_to_a_fresh_database_file()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        Assert.True(File.Exists(Path.Combine(fixture.Directory, DataServiceCollectionExtensions.DatabaseFileName)));

        await using var db = await fixture.CreateDbContextAsync(Ct);
        var all = db.Database.GetMigrations().ToList();
        var applied = (await db.Database.GetAppliedMigrationsAsync(Ct)).ToList();
        var pending = await db.Database.GetPendingMigrationsAsync(Ct);

        Assert.NotEmpty(all);
        Assert.Equal(all, applied);
        Assert.Empty(pending);
    }

    [Fact]
    public async Task Start_up_creates_every_table_of_the_model()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await using var db = await fixture.CreateDbContextAsync(Ct);

        var tables = await QueryStringsAsync(db, "SELECT name FROM sqlite_master WHERE type = 'table'");

        foreach (var expected in new[] { "Wans", "Rules", "Settings", "Revisions", "AuditEntries", "__EFMigrationsHistory" })
        {
            Assert.Contains(expected, tables);
        }
        foreach (var entity in db.Model.GetEntityTypes())
        {
            Assert.Contains(entity.GetTableName()!, tables);
        }
        // The tables are usable, not just present.
        Assert.Equal(0, await db.Wans.CountAsync(Ct));
        Assert.Equal(0, await db.Revisions.CountAsync(Ct));
    }

    [Fact]
    public async Task Start_up_switches_the_database_to_write_ahead_logging()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await using var db = await fixture.CreateDbContextAsync(Ct);

        var mode = await QueryStringsAsync(db, "PRAGMA journal_mode");

        Assert.Equal(["wal"], mode);
    }

    [Fact]
    public async Task Restarting_over_an_existing_database_keeps_it_migrated_and_in_wal_mode()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);

        await fixture.RestartAsync(Ct);

        await using var db = await fixture.CreateDbContextAsync(Ct);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Equal(["wal"], await QueryStringsAsync(db, "PRAGMA journal_mode"));
        Assert.Equal("dsl", Assert.Single(await fixture.Wans.ListAsync(Ct)).Value.Name);
    }

    [Fact]
    public async Task Upgrading_keeps_duplicate_token_names_working_under_unique_names_and_counts_old_audit_entries_once()
    {
        var directory = Path.Combine(Path.GetTempPath(), "appliance-data-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var options = new DbContextOptionsBuilder<ApplianceDbContext>()
                .UseSqlite($"Data Source={Path.Combine(directory, "old.db")};Pooling=False").Options;
            await using var db = new ApplianceDbContext(options);
            var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            // The schema before token names were unique, with what it allowed.
            await migrator.MigrateAsync("20261201222208_Telemetry", Ct);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "ApiTokens" ("Name", "Role", "Hash", "Prefix", "CreatedBy", "CreatedAt", "RevokedAt") VALUES
                    ('ci', 'Viewer', 'h1', 'apl_1111', 'olga', 0, NULL),
                    ('ci', 'Viewer', 'h2', 'apl_2222', 'olga', 0, NULL),
                    ('ci', 'Viewer', 'h3', 'apl_3333', 'olga', 0, 5),
                    ('ci', 'Viewer', 'h4', 'apl_4444', 'root', 0, NULL);
                INSERT INTO "AuditEntries" ("Time", "Actor", "Source", "Action", "Target", "Details") VALUES (0, 'olga', '192.0.2.5', 'login.failure', 'user olga', '');
                """, Ct);

            await db.Database.MigrateAsync(Ct);

            var tokens = await db.ApiTokens.OrderBy(t => t.Id).Select(t => t.Name).ToListAsync(Ct);
            Assert.Equal(["ci #1", "ci", "ci", "ci"], tokens);
            Assert.Equal(1, (await db.AuditEntries.SingleAsync(Ct)).Count);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_running_configuration_is_ready_once_the_database_is_migrated_and_its_revision_loaded()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Wans.CreateAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);
        await fixture.Revisions.ApplyAsync(null, 0, Samples.Admin, Ct);
        await using var provider = DataServices(fixture.Directory, fixture.Time);
        var running = provider.GetRequiredService<IRunningConfigSource>();

        Assert.False(running.Ready.IsCompleted);
        Assert.Equal(0, running.Current.RevisionId);

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(Ct);
        }

        Assert.True(running.Ready.IsCompletedSuccessfully);
        Assert.Equal(1, running.Current.RevisionId);
        Assert.Equal("dsl", Assert.Single(running.Current.Config.Wans).Name);
        foreach (var hosted in provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_database_that_cannot_be_opened_fails_the_readiness_so_nothing_waits_for_it_forever()
    {
        var directory = StoreFixture.NewDirectory();
        Directory.CreateDirectory(directory);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, DataServiceCollectionExtensions.DatabaseFileName), "not a database, just text", Ct);
            await using var provider = DataServices(directory, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(StoreFixture.Epoch));
            var running = provider.GetRequiredService<IRunningConfigSource>();

            var initializer = provider.GetServices<IHostedService>().First();
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => initializer.StartAsync(Ct));

            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => running.Ready);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ServiceProvider DataServices(string directory, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddApplianceData(directory);
        return services.BuildServiceProvider();
    }

    private static async Task<List<string>> QueryStringsAsync(ApplianceDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync(Ct);
            var result = new List<string>();
            while (await reader.ReadAsync(Ct))
            {
                result.Add(reader.GetString(0));
            }
            return result;
        }
        finally
        {
            await connection.CloseAsync();
        }
    }
}
