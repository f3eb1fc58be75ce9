using System.Buffers.Text;
using System.Net;
using Appliance.Data.Store;
using Appliance.Engine.Bonding;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Tests;

public sealed class HubEdgeStoreTests
{
    private const string SuppliedKey = "s3cret-Key_for-branch7!";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HubEdgeStore Edges(StoreFixture fixture) => fixture.Services.GetRequiredService<HubEdgeStore>();

    [Fact]
    public async Task Created_edge_keeps_the_supplied_key_and_is_read_back_without_it()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);

        var created = await edges.CreateAsync(new NewHubEdge("branch-7", SuppliedKey, "Lyon office", Enabled: true, Encrypt: true, MaxSessions: 64), Samples.Admin, Ct);

        Assert.Equal(new HubEdgeWithKey("branch-7", SuppliedKey, "Lyon office", true, true, 64, [], StoreFixture.Epoch, StoreFixture.Epoch), created);
        Assert.Equal(new HubEdge("branch-7", "Lyon office", true, true, 64, [], StoreFixture.Epoch, StoreFixture.Epoch), await edges.GetAsync("branch-7", Ct));
        Assert.Equal([await edges.GetAsync("branch-7", Ct)], await edges.ListAsync(Ct));
        Assert.Equal(new EdgeCredential("branch-7", SuppliedKey, true, true, 64), await edges.FindAsync("branch-7", Ct));
    }

    [Fact]
    public async Task Edge_without_a_key_gets_32_random_bytes_as_unpadded_base64url_and_the_defaults()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);

        var first = await edges.CreateAsync(new NewHubEdge("a"), Samples.Admin, Ct);
        var second = await edges.CreateAsync(new NewHubEdge("b"), Samples.Admin, Ct);

        Assert.Equal(43, first.Key.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", first.Key);
        Assert.Equal(32, Base64Url.DecodeFromChars(first.Key).Length);
        Assert.NotEqual(first.Key, second.Key);
        Assert.Equal(("", true, false, 16384), (first.Description, first.Enabled, first.Encrypt, first.MaxSessions));
        Assert.Equal(first.Key, (await edges.FindAsync("a", Ct))?.Key);
    }

    [Fact]
    public async Task Duplicate_id_is_a_conflict_and_keeps_the_first_edge()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);
        await edges.CreateAsync(new NewHubEdge("branch-7", SuppliedKey, MaxSessions: 5), Samples.Admin, Ct);

        await Assert.ThrowsAsync<ConfigConflictException>(() => edges.CreateAsync(new NewHubEdge("branch-7", MaxSessions: 9), Samples.Admin, Ct));

        Assert.Equal(new EdgeCredential("branch-7", SuppliedKey, true, false, 5), await edges.FindAsync("branch-7", Ct));
        Assert.Single(await edges.ListAsync(Ct));
    }

    [Fact]
    public async Task Update_replaces_the_settings_keeps_the_key_and_moves_updated_at()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);
        await edges.CreateAsync(new NewHubEdge("branch-7", SuppliedKey, "old"), Samples.Admin, Ct);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        var updated = await edges.UpdateAsync("branch-7", new HubEdgeUpdate("new", Enabled: false, Encrypt: true, MaxSessions: 10), Samples.Operator, Ct);

        Assert.Equal(new HubEdge("branch-7", "new", false, true, 10, [], StoreFixture.Epoch, StoreFixture.Epoch.AddMinutes(1)), updated);
        Assert.Equal(updated, await edges.GetAsync("branch-7", Ct));
        Assert.Equal(new EdgeCredential("branch-7", SuppliedKey, false, true, 10), await edges.FindAsync("branch-7", Ct));
    }

    [Fact]
    public async Task Rotating_replaces_the_key_at_once_with_a_supplied_or_generated_one()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);
        var original = await edges.CreateAsync(new NewHubEdge("branch-7"), Samples.Admin, Ct);
        fixture.Time.Advance(TimeSpan.FromSeconds(30));

        var supplied = await edges.RotateKeyAsync("branch-7", SuppliedKey, Samples.Admin, Ct);
        Assert.Equal(SuppliedKey, supplied.Key);
        Assert.Equal((StoreFixture.Epoch, StoreFixture.Epoch.AddSeconds(30)), (supplied.CreatedAt, supplied.UpdatedAt));
        Assert.Equal(SuppliedKey, (await edges.FindAsync("branch-7", Ct))?.Key);

        var generated = await edges.RotateKeyAsync("branch-7", null, Samples.Admin, Ct);
        Assert.Equal(43, generated.Key.Length);
        Assert.NotEqual(original.Key, generated.Key);
        Assert.Equal(generated.Key, (await edges.FindAsync("branch-7", Ct))?.Key);
    }

    [Fact]
    public async Task Deleted_edge_is_gone_from_the_list_and_the_directory()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);
        await edges.CreateAsync(new NewHubEdge("branch-7"), Samples.Admin, Ct);
        await edges.CreateAsync(new NewHubEdge("branch-8"), Samples.Admin, Ct);

        await edges.DeleteAsync("branch-7", Samples.Admin, Ct);

        Assert.Null(await edges.FindAsync("branch-7", Ct));
        Assert.NotNull(await edges.FindAsync("branch-8", Ct));
        Assert.Equal(["branch-8"], (await edges.ListAsync(Ct)).Select(e => e.Id));
        await Assert.ThrowsAsync<ConfigNotFoundException>(() => edges.GetAsync("branch-7", Ct));
    }

    [Fact]
    public async Task Unknown_ids_are_not_found_for_every_operation()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);

        await Assert.ThrowsAsync<ConfigNotFoundException>(() => edges.GetAsync("ghost", Ct));
        await Assert.ThrowsAsync<ConfigNotFoundException>(() => edges.UpdateAsync("ghost", new HubEdgeUpdate(), Samples.Admin, Ct));
        await Assert.ThrowsAsync<ConfigNotFoundException>(() => edges.RotateKeyAsync("ghost", null, Samples.Admin, Ct));
        await Assert.ThrowsAsync<ConfigNotFoundException>(() => edges.DeleteAsync("ghost", Samples.Admin, Ct));
        Assert.Null(await edges.FindAsync("ghost", Ct));
        Assert.Empty(await fixture.Audit.ListAsync(ct: Ct));
    }

    [Fact]
    public async Task Directory_reflects_each_write_immediately_without_an_apply()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);
        var directory = fixture.Services.GetRequiredService<IEdgeDirectory>();
        Assert.Same(edges, directory);

        await edges.CreateAsync(new NewHubEdge("branch-7", SuppliedKey), Samples.Admin, Ct);
        Assert.Equal(new EdgeCredential("branch-7", SuppliedKey, true, false, 16384), await directory.FindAsync("branch-7", Ct));
        await edges.UpdateAsync("branch-7", new HubEdgeUpdate(Enabled: false, MaxSessions: 3), Samples.Admin, Ct);
        Assert.Equal(new EdgeCredential("branch-7", SuppliedKey, false, false, 3), await directory.FindAsync("branch-7", Ct));
        var rotated = await edges.RotateKeyAsync("branch-7", null, Samples.Admin, Ct);
        Assert.Equal(rotated.Key, (await directory.FindAsync("branch-7", Ct))?.Key);
        await edges.DeleteAsync("branch-7", Samples.Admin, Ct);
        Assert.Null(await directory.FindAsync("branch-7", Ct));
        // Edges are not configuration: no revision was needed for any of this.
        Assert.Empty(await fixture.Revisions.ListAsync(Ct));
    }

    [Fact]
    public async Task An_allow_list_is_stored_in_canonical_form_and_reaches_the_directory_parsed()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);

        var created = await edges.CreateAsync(new NewHubEdge("branch-7", SuppliedKey, AllowedDestinations: [" 10.20.0.0/16", "203.0.113.20", "FD00:20::/48"]), Samples.Admin, Ct);
        await fixture.RestartAsync(Ct);

        Assert.Equal(["10.20.0.0/16", "203.0.113.20/32", "fd00:20::/48"], created.AllowedDestinations);
        Assert.Equal(created.AllowedDestinations, (await Edges(fixture).GetAsync("branch-7", Ct)).AllowedDestinations);
        var credential = await Edges(fixture).FindAsync("branch-7", Ct);
        Assert.Equal([IPNetwork.Parse("10.20.0.0/16"), IPNetwork.Parse("203.0.113.20/32"), IPNetwork.Parse("fd00:20::/48")], credential!.AllowedDestinations);

        // An update without the list clears it, like every other omitted field.
        await Edges(fixture).UpdateAsync("branch-7", new HubEdgeUpdate(), Samples.Admin, Ct);
        Assert.Empty((await Edges(fixture).FindAsync("branch-7", Ct))!.AllowedDestinations);
    }

    [Fact]
    public async Task An_allow_list_entry_spoiled_in_the_database_opens_nothing_and_the_register_still_loads()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await Edges(fixture).CreateAsync(new NewHubEdge("branch-7", SuppliedKey, AllowedDestinations: ["10.20.0.0/16"]), Samples.Admin, Ct);
        await using (var db = await fixture.CreateDbContextAsync(Ct))
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE HubEdges SET AllowedDestinations = '[\"10.20.0.0/16\",\"everything\"]'", Ct);
        }

        await fixture.RestartAsync(Ct);

        Assert.Equal([IPNetwork.Parse("10.20.0.0/16")], (await Edges(fixture).FindAsync("branch-7", Ct))!.AllowedDestinations);
    }

    [Fact]
    public async Task Subscribers_hear_of_every_change_once_the_directory_already_answers_with_it()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);
        var heard = new List<(string Id, EdgeCredential? Seen)>();
        using var subscription = edges.Subscribe(id => heard.Add((id, edges.FindAsync(id).AsTask().GetAwaiter().GetResult())));

        await edges.CreateAsync(new NewHubEdge("branch-7", SuppliedKey), Samples.Admin, Ct);
        await edges.UpdateAsync("branch-7", new HubEdgeUpdate(Enabled: false), Samples.Admin, Ct);
        var rotated = await edges.RotateKeyAsync("branch-7", null, Samples.Admin, Ct);
        await edges.DeleteAsync("branch-7", Samples.Admin, Ct);
        fixture.Faults.FailNextCommit();
        await Assert.ThrowsAsync<InvalidOperationException>(() => edges.CreateAsync(new NewHubEdge("branch-8"), Samples.Admin, Ct));

        Assert.Equal(["branch-7", "branch-7", "branch-7", "branch-7"], heard.Select(h => h.Id));
        Assert.True(heard[0].Seen!.Enabled);
        Assert.False(heard[1].Seen!.Enabled);
        Assert.Equal(rotated.Key, heard[2].Seen!.Key);
        Assert.Null(heard[3].Seen);
    }

    [Fact]
    public async Task Edges_registered_at_the_old_default_of_1024_sessions_get_16384_and_an_empty_allow_list_on_upgrade()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await using (var db = await fixture.CreateDbContextAsync(Ct))
        {
            var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            var migrations = db.Database.GetMigrations().ToList();
            var before = migrations[migrations.FindIndex(m => m.EndsWith("_EdgeAllowedDestinations", StringComparison.Ordinal)) - 1];
            await migrator.MigrateAsync(before, Ct);
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO HubEdges (Id, Key, Description, Enabled, Encrypt, MaxSessions, CreatedAt, UpdatedAt) VALUES " +
                "('default-edge', 'old-default-key-0123', '', 1, 0, 1024, 0, 0), ('chosen-edge', 'chosen-limit-key-0123', '', 1, 0, 300, 0, 0)", Ct);
            await migrator.MigrateAsync(cancellationToken: Ct);
        }

        await fixture.RestartAsync(Ct);

        Assert.Equal(16384, (await Edges(fixture).FindAsync("default-edge", Ct))!.MaxSessions);
        Assert.Equal(300, (await Edges(fixture).FindAsync("chosen-edge", Ct))!.MaxSessions);
        Assert.Empty((await Edges(fixture).GetAsync("default-edge", Ct)).AllowedDestinations);
    }

    [Fact]
    public async Task Lookups_answer_from_memory_loaded_at_start_up_not_from_the_database()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await Edges(fixture).CreateAsync(new NewHubEdge("branch-7", SuppliedKey), Samples.Admin, Ct);
        await Edges(fixture).CreateAsync(new NewHubEdge("branch-8"), Samples.Admin, Ct);
        // Behind the store's back: a per-call query would notice, the in-memory register does not.
        await using (var db = await fixture.CreateDbContextAsync(Ct))
        {
            await db.HubEdges.Where(e => e.Id == "branch-8").ExecuteDeleteAsync(Ct);
        }
        Assert.NotNull(await Edges(fixture).FindAsync("branch-8", Ct));

        await fixture.RestartAsync(Ct);

        Assert.Equal(SuppliedKey, (await Edges(fixture).FindAsync("branch-7", Ct))?.Key);
        Assert.Null(await Edges(fixture).FindAsync("branch-8", Ct));
    }

    [Fact]
    public async Task A_write_whose_commit_fails_changes_neither_the_database_nor_the_directory()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);
        await edges.CreateAsync(new NewHubEdge("branch-7", SuppliedKey), Samples.Admin, Ct);

        fixture.Faults.FailNextCommit();
        await Assert.ThrowsAsync<InvalidOperationException>(() => edges.RotateKeyAsync("branch-7", null, Samples.Admin, Ct));
        fixture.Faults.FailNextCommit();
        await Assert.ThrowsAsync<InvalidOperationException>(() => edges.CreateAsync(new NewHubEdge("branch-8"), Samples.Admin, Ct));

        Assert.Equal(SuppliedKey, (await edges.FindAsync("branch-7", Ct))?.Key);
        Assert.Null(await edges.FindAsync("branch-8", Ct));
        Assert.Equal(["branch-7"], (await edges.ListAsync(Ct)).Select(e => e.Id));
        Assert.Single(await fixture.Audit.ListAsync(ct: Ct));
    }

    [Fact]
    public async Task Every_write_is_audited_with_who_did_it_and_never_with_the_key()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = Edges(fixture);
        var alice = new ChangeContext("alice", "198.51.100.23");

        var created = await edges.CreateAsync(new NewHubEdge("branch-7", SuppliedKey, "Lyon"), alice, Ct);
        await edges.UpdateAsync("branch-7", new HubEdgeUpdate("Lyon", Encrypt: true, MaxSessions: 8), alice, Ct);
        var generated = await edges.RotateKeyAsync("branch-7", null, alice, Ct);
        var generatedAtCreate = await edges.CreateAsync(new NewHubEdge("branch-8"), alice, Ct);
        await edges.DeleteAsync("branch-7", alice, Ct);

        var audit = (await fixture.Audit.ListAsync(ct: Ct)).Reverse().ToList();

        Assert.Equal(["edge.create", "edge.update", "edge.rotate-key", "edge.create", "edge.delete"], audit.Select(a => a.Action));
        Assert.Equal(["edge branch-7", "edge branch-7", "edge branch-7", "edge branch-8", "edge branch-7"], audit.Select(a => a.Target));
        Assert.All(audit, a => Assert.Equal(("alice", "198.51.100.23", StoreFixture.Epoch), (a.Actor, a.Source, a.Time)));
        Assert.Equal("enabled, max 16384 sessions; key supplied", audit[0].Details);
        Assert.Equal("enabled, encrypted, max 8 sessions", audit[1].Details);
        Assert.Equal("key generated", audit[2].Details);
        foreach (var key in new[] { created.Key, generated.Key, generatedAtCreate.Key })
        {
            Assert.All(audit, a => Assert.DoesNotContain(key, a.Target + a.Details, StringComparison.Ordinal));
        }
    }
}
