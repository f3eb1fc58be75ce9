using System.Net;
using Appliance.Engine.Configuration;

namespace Appliance.Web.Tests;

public sealed class WansApiTests : ApiTest
{
    [Fact]
    public async Task Wan_is_created_read_updated_with_etag_checks_and_deleted()
    {
        var wan = Api.Wan("fiber", "eth1", weight: 3, gateway: "198.51.100.1") with
        {
            Probes = new ProbeSettings { Targets = ["198.51.100.53"] },
        };

        // Create: 201 with Location and the first version as ETag.
        using var created = await Client.PostAsync("/api/v1/wans", Api.Json(wan), Ct);
        await created.ExpectAsync(HttpStatusCode.Created, Ct);
        Assert.Equal("/api/v1/wans/fiber", created.Headers.Location?.OriginalString);
        Assert.Equal(1, created.ETagVersion());
        Api.EqualJson(wan, await created.ReadAsync<WanLink>(Ct));

        // Read back.
        using var read = await Client.GetAsync("/api/v1/wans/fiber", Ct);
        await read.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(1, read.ETagVersion());
        Api.EqualJson(wan, await read.ReadAsync<WanLink>(Ct));
        Api.EqualJson<IReadOnlyList<WanLink>>([wan], await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));

        // Update with the current version: the weight changes and the ETag moves on.
        var heavier = wan with { Weight = 7 };
        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/wans/fiber") { Content = Api.Json(heavier) }.WithIfMatch(1);
        using var updated = await Client.SendAsync(put, Ct);
        await updated.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(2, updated.ETagVersion());
        Assert.Equal(7, (await updated.ReadAsync<WanLink>(Ct)).Weight);

        // Update with the stale version: 412 problem details, nothing changed.
        using var stalePut = new HttpRequestMessage(HttpMethod.Put, "/api/v1/wans/fiber") { Content = Api.Json(wan with { Weight = 99 }) }.WithIfMatch(1);
        using var stale = await Client.SendAsync(stalePut, Ct);
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, Ct);
        using var afterStale = await Client.GetAsync("/api/v1/wans/fiber", Ct);
        Assert.Equal(2, afterStale.ETagVersion());
        Api.EqualJson(heavier, await afterStale.ReadAsync<WanLink>(Ct));

        // Delete, then it is gone.
        using var deleted = await Client.DeleteAsync("/api/v1/wans/fiber", Ct);
        await deleted.ExpectAsync(HttpStatusCode.NoContent, Ct);
        using var gone = await Client.GetAsync("/api/v1/wans/fiber", Ct);
        var problem = await gone.ProblemAsync(HttpStatusCode.NotFound, Ct);
        Assert.Contains("fiber", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }

    [Fact]
    public async Task Creating_a_wan_with_a_name_already_in_use_gives_409_and_keeps_the_first()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1", weight: 2), Ct);

        using var duplicate = await Client.PostAsync("/api/v1/wans", Api.Json(Api.Wan("fiber", "eth2", weight: 5)), Ct);

        await duplicate.ProblemAsync(HttpStatusCode.Conflict, Ct);
        var wans = await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct);
        var only = Assert.Single(wans);
        Assert.Equal(("eth1", 2), (only.Interface, only.Weight));
    }

    [Fact]
    public async Task Invalid_wan_yields_problem_details_naming_every_bad_field_and_stores_nothing()
    {
        var bad = Api.Wan("Bad Name", "eth0/1", weight: 0, tier: 10, gateway: "nope");

        using var response = await Client.PostAsync("/api/v1/wans", Api.Json(bad), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.All(["name", "interface", "weight", "tier", "gateway"], key => Assert.Contains(key, errors.Keys));
        Assert.All(errors.Values, messages => Assert.NotEmpty(messages));
        Assert.Empty(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }

    [Fact]
    public async Task Wan_with_a_bad_probe_target_names_the_target_by_index()
    {
        var wan = Api.Wan("lte", "wwan0") with
        {
            Probes = new ProbeSettings { Targets = ["198.51.100.1", "tcp://203.0.113.5"] },
        };

        using var response = await Client.PostAsync("/api/v1/wans", Api.Json(wan), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["probes.targets[1]"], errors.Keys);
    }

    [Fact]
    public async Task Wan_with_null_probe_targets_is_refused()
    {
        using var response = await Client.PostAsync("/api/v1/wans", Api.RawJson("""{"name":"fiber","interface":"eth1","probes":{"targets":null}}"""), Ct);

        Assert.Equal(["probes.targets"], (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors().Keys);
        Assert.Empty(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }

    [Fact]
    public async Task Updating_a_missing_wan_gives_404_problem_details()
    {
        using var response = await Client.PutAsync("/api/v1/wans/ghost", Api.Json(Api.Wan("ghost", "eth9")), Ct);

        await response.ProblemAsync(HttpStatusCode.NotFound, Ct);
        Assert.Empty(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }

    [Fact]
    public async Task Renaming_a_wan_through_put_is_refused_with_400_on_name()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1"), Ct);

        using var response = await Client.PutAsync("/api/v1/wans/fiber", Api.Json(Api.Wan("cable", "eth1")), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["name"], errors.Keys);
        Assert.Equal("fiber", Assert.Single(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct)).Name);
    }

    [Fact]
    public async Task Put_without_a_name_in_the_body_takes_the_name_from_the_path()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1"), Ct);

        using var response = await Client.PutAsync("/api/v1/wans/fiber", Api.RawJson("""{"interface":"eth1","weight":4}"""), Ct);

        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        var stored = await Client.GetOkAsync<WanLink>("/api/v1/wans/fiber", Ct);
        Assert.Equal(("fiber", 4), (stored.Name, stored.Weight));
    }

    [Fact]
    public async Task If_match_that_is_not_an_etag_gives_400_and_changes_nothing()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1", weight: 2), Ct);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/wans/fiber") { Content = Api.Json(Api.Wan("fiber", "eth1", weight: 9)) };
        request.Headers.TryAddWithoutValidation("If-Match", "\"abc\"");

        using var response = await Client.SendAsync(request, Ct);

        await response.ProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Equal(2, (await Client.GetOkAsync<WanLink>("/api/v1/wans/fiber", Ct)).Weight);
    }

    [Fact]
    public async Task Delete_with_a_stale_if_match_gives_412_and_keeps_the_wan()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1"), Ct);
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/wans/fiber").WithIfMatch(5);

        using var response = await Client.SendAsync(request, Ct);

        await response.ProblemAsync(HttpStatusCode.PreconditionFailed, Ct);
        Assert.Single(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }

    [Fact]
    public async Task The_sixty_fifth_wan_is_refused_with_400_and_not_stored()
    {
        var wans = Enumerable.Range(0, 64).Select(i => Api.Wan($"wan{i}", $"eth{i}")).ToList();
        using var imported = await Client.PostAsync("/api/v1/config/import", Api.Json(new ApplianceConfig { Wans = wans }), Ct);
        await imported.ExpectAsync(HttpStatusCode.OK, Ct);

        using var response = await Client.PostAsync("/api/v1/wans", Api.Json(Api.Wan("wan64", "eth64")), Ct);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Contains("at most 64", Assert.Single(problem.Errors()["wans"]), StringComparison.Ordinal);
        var stored = await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct);
        Assert.Equal(64, stored.Count);
        Assert.DoesNotContain(stored, w => w.Name == "wan64");
    }

    [Fact]
    public async Task A_probe_timeout_longer_than_interval_times_down_count_is_refused_naming_the_fields()
    {
        var wan = Api.Wan("lte", "wwan0") with
        {
            Probes = new ProbeSettings { Targets = ["198.51.100.1"], IntervalMs = 50, TimeoutMs = 60_000, DownCount = 3 },
        };

        using var response = await Client.PostAsync("/api/v1/wans", Api.Json(wan), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        var message = Assert.Single(Assert.Single(errors, e => e.Key == "probes.timeoutMs").Value);
        Assert.Single(errors);
        Assert.Contains("intervalMs × downCount (50 × 3 = 150 ms)", message, StringComparison.Ordinal);
        Assert.Empty(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }
}
