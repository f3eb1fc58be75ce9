using System.Text.Json;
using Appliance.Engine.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Appliance.Data.Tests;

/// <summary>Upgrading to WANs and rules stored as documents keeps every WAN and rule a user saved, field for field.</summary>
public sealed class DocumentMigrationTests
{
    /// <summary>The last schema with a column per WAN and rule field.</summary>
    private const string ColumnSchema = "20261202081139_EdgeAllowedDestinations";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upgrading_carries_every_saved_wan_and_rule_into_its_document_and_the_store_reads_them_back()
    {
        var saved = Samples.Rich();
        var directory = StoreFixture.NewDirectory();
        Directory.CreateDirectory(directory);
        await CreateColumnSchemaAsync(directory, saved);

        await using var fixture = await StoreFixture.StartAsync(Ct, directory: directory);

        var wans = await fixture.Wans.ListAsync(Ct);
        var rules = await fixture.Rules.ListAsync(Ct);
        Assert.Equal(saved.Wans.Select(Json), wans.Select(w => Json(w.Value)));
        Assert.Equal(saved.Rules.Select(Json), rules.Select(r => Json(r.Value)));
        // Versions (the ETags clients hold) and lookups by name and id work as before.
        Assert.Equal([3L, 1, 1, 2], wans.Select(w => w.Version));
        Assert.Equal([4L, 1, 1, 1], rules.Select(r => r.Version));
        Assert.Equal(Json(saved.Wans[2]), Json((await fixture.Wans.GetAsync("lte", Ct)).Value));
        Assert.Equal(Json(saved.Rules[2]), Json((await fixture.Rules.GetAsync(3, Ct)).Value));
        // The upgraded configuration is valid and applies as it was.
        var revision = await fixture.Revisions.ApplyAsync("after the upgrade", 0, Samples.Admin, Ct);
        Assert.Equal(ConfigJson.Serialize(saved), ConfigJson.Serialize(fixture.Running.Current.Config));
        Assert.Equal(revision.Id, fixture.Running.Current.RevisionId);
    }

    [Fact]
    public async Task Downgrading_puts_the_documents_back_into_their_columns()
    {
        var saved = Samples.Rich();
        var directory = StoreFixture.NewDirectory();
        Directory.CreateDirectory(directory);
        try
        {
            await CreateColumnSchemaAsync(directory, saved);
            var before = await DumpAsync(directory);
            await using (var db = Open(directory))
            {
                var migrator = db.GetService<IMigrator>();
                await migrator.MigrateAsync(cancellationToken: Ct);
                await migrator.MigrateAsync(ColumnSchema, Ct);
            }

            Assert.Equal(before, await DumpAsync(directory));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ConfigJson.Options);

    private static ApplianceDbContext Open(string directory) =>
        new(new DbContextOptionsBuilder<ApplianceDbContext>()
            .UseSqlite($"Data Source={Path.Combine(directory, DataServiceCollectionExtensions.DatabaseFileName)};Pooling=False").Options);

    /// <summary>A database at the column schema holding <paramref name="config"/>'s WANs and rules as that schema stored them.</summary>
    private static async Task CreateColumnSchemaAsync(string directory, ApplianceConfig config)
    {
        await using var db = Open(directory);
        await db.GetService<IMigrator>().MigrateAsync(ColumnSchema, Ct);
        // Settings were a document already: the migration leaves them alone.
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "Settings" ("Id", "Settings", "Version") VALUES (1, {Json(config.Settings)}, 1)""", Ct);
        long[] wanVersions = [3, 1, 1, 2];
        for (var i = 0; i < config.Wans.Count; i++)
        {
            var w = config.Wans[i];
            // Enum columns held the C# names; the probes column held its JSON document already.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Wans" ("Name", "Interface", "Mode", "Weight", "Tier", "Gateway", "Enabled", "Failback", "Probes", "Version")
                VALUES ({w.Name}, {w.Interface}, {w.Mode.ToString()}, {w.Weight}, {w.Tier}, {w.Gateway}, {w.Enabled}, {w.Failback.ToString()},
                    {Json(w.Probes)}, {wanVersions[i]})
                """, Ct);
        }
        // Stored out of id order: the position decides the order.
        long[] ruleVersions = [4, 1, 1, 1];
        foreach (var i in new[] { 2, 0, 3, 1 })
        {
            var r = config.Rules[i];
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Rules" ("Id", "Position", "Description", "Enabled", "Protocol", "Source", "Destination", "DestinationPorts", "Action",
                    "Wan", "Strict", "Sticky", "Version")
                VALUES ({r.Id}, {i}, {r.Description}, {r.Enabled}, {r.Protocol.ToString()}, {r.Source}, {r.Destination}, {r.DestinationPorts},
                    {r.Action.ToString()}, {r.Wan}, {r.Strict}, {r.Sticky.ToString()}, {ruleVersions[i]})
                """, Ct);
        }
    }

    /// <summary>Every row of the two tables as text, column by column.</summary>
    private static async Task<List<string>> DumpAsync(string directory)
    {
        await using var db = Open(directory);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        var rows = new List<string>();
        foreach (var table in new[] { "Wans", "Rules" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY \"Id\"";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                var fields = Enumerable.Range(0, reader.FieldCount)
                    .Select(i => $"{reader.GetName(i)}={(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))}")
                    .Order(StringComparer.Ordinal);
                rows.Add($"{table}: {string.Join(", ", fields)}");
            }
        }
        return rows;
    }
}
