using Appliance.Data.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Tests;

public sealed class HubEdgeValidationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyCollection<string> Keys(ConfigValidationException e) => e.Errors.ToDictionary().Keys.ToList();

    [Theory]
    [InlineData("")]
    [InlineData("Branch-7")]
    [InlineData("-branch")]
    [InlineData("branch_7")]
    [InlineData("branch 7")]
    [InlineData("branch\n")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")] // 64 characters
    public async Task Bad_ids_are_refused_and_nothing_is_stored_or_audited(string id)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() => edges.CreateAsync(new NewHubEdge(id), Samples.Admin, Ct));

        Assert.Equal(["id"], Keys(error));
        Assert.Empty(await edges.ListAsync(Ct));
        Assert.Empty(await fixture.Audit.ListAsync(ct: Ct));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("branch-7")]
    [InlineData("a12345678901234567890123456789012345678901234567890123456789012")] // 63 characters
    public async Task Good_ids_are_accepted(string id)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();

        await edges.CreateAsync(new NewHubEdge(id), Samples.Admin, Ct);

        Assert.Equal(id, (await edges.GetAsync(id, Ct)).Id);
    }

    [Theory]
    [InlineData("fifteen-chars15")]
    [InlineData("sixteen chars 16")]
    [InlineData("sixteen-chars-16\t")]
    [InlineData("clé-non-ascii-0123456789")]
    [InlineData("")]
    public async Task Bad_keys_are_refused_without_echoing_them(string key)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();
        await edges.CreateAsync(new NewHubEdge("existing", "existing-key-0123456789"), Samples.Admin, Ct);

        var create = await Assert.ThrowsAsync<ConfigValidationException>(() => edges.CreateAsync(new NewHubEdge("branch-7", key), Samples.Admin, Ct));
        var rotate = await Assert.ThrowsAsync<ConfigValidationException>(() => edges.RotateKeyAsync("existing", key, Samples.Admin, Ct));

        Assert.Equal(["key"], Keys(create));
        Assert.Equal(["key"], Keys(rotate));
        if (key.Length > 0)
        {
            Assert.DoesNotContain(key, create.Message, StringComparison.Ordinal);
        }
        Assert.Equal("existing-key-0123456789", (await edges.FindAsync("existing", Ct))?.Key);
        Assert.Null(await edges.FindAsync("branch-7", Ct));
    }

    [Fact]
    public async Task Keys_of_16_and_256_printable_characters_are_accepted()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();
        var shortest = "!\"#$%&'()*+,-./0";
        var longest = new string('~', 255) + "x";

        Assert.Equal(shortest, (await edges.CreateAsync(new NewHubEdge("a", shortest), Samples.Admin, Ct)).Key);
        Assert.Equal(longest, (await edges.CreateAsync(new NewHubEdge("b", longest), Samples.Admin, Ct)).Key);
        Assert.Equal(longest, (await edges.FindAsync("b", Ct))?.Key);
        var tooLong = await Assert.ThrowsAsync<ConfigValidationException>(() => edges.CreateAsync(new NewHubEdge("c", longest + "x"), Samples.Admin, Ct));
        Assert.Equal(["key"], Keys(tooLong));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(100_001, false)]
    [InlineData(1, true)]
    [InlineData(100_000, true)]
    public async Task Max_sessions_must_be_between_1_and_100000(int maxSessions, bool accepted)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();

        if (accepted)
        {
            await edges.CreateAsync(new NewHubEdge("branch-7", MaxSessions: maxSessions), Samples.Admin, Ct);
            Assert.Equal(maxSessions, (await edges.FindAsync("branch-7", Ct))?.MaxSessions);
        }
        else
        {
            var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
                edges.CreateAsync(new NewHubEdge("branch-7", MaxSessions: maxSessions), Samples.Admin, Ct));
            Assert.Equal(["maxSessions"], Keys(error));
            Assert.Empty(await edges.ListAsync(Ct));
        }
    }

    [Fact]
    public async Task Every_bad_field_is_reported_at_once()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            edges.CreateAsync(new NewHubEdge("Bad Id", "short", new string('d', 201), MaxSessions: 0), Samples.Admin, Ct));

        Assert.Equal(["description", "id", "key", "maxSessions"], Keys(error).Order());
        Assert.Equal("The edge is invalid.", error.Title);
    }

    [Fact]
    public async Task Update_is_validated_and_a_refused_update_changes_nothing()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();
        await edges.CreateAsync(new NewHubEdge("branch-7", Description: "kept", MaxSessions: 7), Samples.Admin, Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            edges.UpdateAsync("branch-7", new HubEdgeUpdate(new string('d', 201), MaxSessions: 100_001), Samples.Admin, Ct));

        Assert.Equal(["description", "maxSessions"], Keys(error).Order());
        var stored = await edges.GetAsync("branch-7", Ct);
        Assert.Equal(("kept", 7), (stored.Description, stored.MaxSessions));
        Assert.Single(await fixture.Audit.ListAsync(ct: Ct));
    }

    [Theory]
    [InlineData("10.20.0.5/16", "allowedDestinations[0]", "no host bits")]
    [InlineData("10.20.0.0/33", "allowedDestinations[0]", "network such as")]
    [InlineData("hq-network", "allowedDestinations[0]", "network such as")]
    [InlineData("", "allowedDestinations[0]", "network such as")]
    [InlineData("127.0.0.0/8", "allowedDestinations[0]", "is loopback")]
    [InlineData("224.0.0.0/4", "allowedDestinations[0]", "is multicast")]
    [InlineData("::1", "allowedDestinations[0]", "is loopback")]
    [InlineData("::ffff:10.0.0.0/104", "allowedDestinations[0]", "written as IPv4")]
    public async Task Bad_allow_list_entries_are_refused_with_their_position_and_nothing_is_stored(string entry, string field, string message)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            edges.CreateAsync(new NewHubEdge("branch-7", AllowedDestinations: [entry]), Samples.Admin, Ct));

        Assert.Equal([field], Keys(error));
        Assert.Contains(message, string.Join(" ", error.Errors.ToDictionary()[field]), StringComparison.Ordinal);
        Assert.Empty(await edges.ListAsync(Ct));
    }

    [Fact]
    public async Task An_allow_list_has_at_most_64_entries_and_no_repeats()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();
        var sixtyFive = Enumerable.Range(0, 65).Select(i => $"10.{i}.0.0/16").ToList();

        var tooMany = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            edges.CreateAsync(new NewHubEdge("branch-7", AllowedDestinations: sixtyFive), Samples.Admin, Ct));
        var repeated = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            edges.CreateAsync(new NewHubEdge("branch-7", AllowedDestinations: ["10.20.0.0/16", "192.0.2.1", "10.20.0.0/16"]), Samples.Admin, Ct));
        await edges.CreateAsync(new NewHubEdge("branch-7", AllowedDestinations: sixtyFive[..64]), Samples.Admin, Ct);

        Assert.Equal(["allowedDestinations"], Keys(tooMany));
        Assert.Equal(["allowedDestinations[2]"], Keys(repeated));
        Assert.Equal(64, (await edges.GetAsync("branch-7", Ct)).AllowedDestinations.Count);
    }
}
