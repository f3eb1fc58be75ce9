using System.Data.Common;
using Microsoft.EntityFrameworkCore;

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
        await fixture.Store.CreateWanAsync(Samples.Wan("dsl", "eth1"), Samples.Admin, Ct);

        await fixture.RestartAsync(Ct);

        await using var db = await fixture.CreateDbContextAsync(Ct);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Equal(["wal"], await QueryStringsAsync(db, "PRAGMA journal_mode"));
        Assert.Equal("dsl", Assert.Single(await fixture.Store.ListWansAsync(Ct)).Value.Name);
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
