using System.Net;
using System.Text.Json;
using Appliance.Engine.Bonding;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests;

public sealed class HubEdgesApiTests : ApiTest
{
    private const string Key = "s3cret-Key_for-branch7!";
    private static readonly string[] Fields = ["allowedDestinations", "createdAt", "description", "enabled", "encrypt", "id", "maxSessions", "updatedAt"];
    private static readonly string[] FieldsWithKey = ["allowedDestinations", "createdAt", "description", "enabled", "encrypt", "id", "key", "maxSessions", "updatedAt"];

    private IEdgeDirectory Directory => Factory.Services.GetRequiredService<IEdgeDirectory>();

    private static string[] Names(JsonElement o) => o.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    private async Task<JsonElement> CreateAsync(string json)
    {
        using var response = await Client.PostAsync("/api/v1/hub/edges", Api.RawJson(json), Ct);
        await response.ExpectAsync(HttpStatusCode.Created, Ct);
        return await response.ReadJsonAsync(Ct);
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await Client.GetAsync(url, Ct);
        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        return await response.ReadJsonAsync(Ct);
    }

    [Fact]
    public async Task Create_returns_the_key_once_and_list_and_get_never_contain_it()
    {
        using var created = await Client.PostAsync("/api/v1/hub/edges",
            Api.RawJson($$"""{"id":"branch-7","key":"{{Key}}","description":"Lyon","encrypt":true,"maxSessions":64}"""), Ct);

        await created.ExpectAsync(HttpStatusCode.Created, Ct);
        Assert.Equal("/api/v1/hub/edges/branch-7", created.Headers.Location?.OriginalString);
        var body = await created.ReadJsonAsync(Ct);
        Assert.Equal(FieldsWithKey, Names(body));
        Assert.Equal(("branch-7", Key, "Lyon", true, true, 64),
            (body.GetProperty("id").GetString(), body.GetProperty("key").GetString(), body.GetProperty("description").GetString(),
             body.GetProperty("enabled").GetBoolean(), body.GetProperty("encrypt").GetBoolean(), body.GetProperty("maxSessions").GetInt32()));
        Assert.Equal(body.GetProperty("createdAt").GetDateTimeOffset(), body.GetProperty("updatedAt").GetDateTimeOffset());

        var one = await GetJsonAsync("/api/v1/hub/edges/branch-7");
        Assert.Equal(Fields, Names(one));
        var list = await GetJsonAsync("/api/v1/hub/edges");
        Assert.Equal(Fields, Names(Assert.Single(list.EnumerateArray())));
        using var raw = await Client.GetAsync("/api/v1/hub/edges", Ct);
        Assert.DoesNotContain(Key, await raw.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // In force at once, without apply.
        Assert.Equal(new EdgeCredential("branch-7", Key, true, true, 64), await Directory.FindAsync("branch-7", Ct));
    }

    [Fact]
    public async Task Create_with_only_an_id_generates_a_key_and_takes_the_defaults()
    {
        var body = await CreateAsync("""{"id":"branch-7"}""");

        Assert.Matches("^[A-Za-z0-9_-]{43}$", body.GetProperty("key").GetString());
        Assert.Equal(("", true, false, 16384),
            (body.GetProperty("description").GetString(), body.GetProperty("enabled").GetBoolean(),
             body.GetProperty("encrypt").GetBoolean(), body.GetProperty("maxSessions").GetInt32()));
        Assert.Equal(body.GetProperty("key").GetString(), (await Directory.FindAsync("branch-7", Ct))?.Key);
    }

    [Fact]
    public async Task Bad_id_key_and_max_sessions_give_400_problem_details_naming_each_field()
    {
        using var response = await Client.PostAsync("/api/v1/hub/edges",
            Api.RawJson("""{"id":"Branch 7","key":"too short","maxSessions":0}"""), Ct);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Equal(["id", "key", "maxSessions"], problem.Errors().Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("too short", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Empty((await GetJsonAsync("/api/v1/hub/edges")).EnumerateArray());
    }

    [Fact]
    public async Task An_allow_list_is_read_back_canonical_and_edited_with_put()
    {
        var created = await CreateAsync("""{"id":"branch-7","allowedDestinations":["10.20.0.0/16","203.0.113.20"]}""");
        Assert.Equal(["10.20.0.0/16", "203.0.113.20/32"], created.GetProperty("allowedDestinations").EnumerateArray().Select(e => e.GetString()));

        using var put = await Client.PutAsync("/api/v1/hub/edges/branch-7", Api.RawJson("""{"allowedDestinations":["169.254.169.254/32"]}"""), Ct);
        await put.ExpectAsync(HttpStatusCode.OK, Ct);

        var read = await GetJsonAsync("/api/v1/hub/edges/branch-7");
        Assert.Equal(["169.254.169.254/32"], read.GetProperty("allowedDestinations").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([System.Net.IPNetwork.Parse("169.254.169.254/32")], (await Directory.FindAsync("branch-7", Ct))!.AllowedDestinations);
    }

    [Fact]
    public async Task A_bad_allow_list_entry_gives_400_naming_the_entry_and_changes_nothing()
    {
        await CreateAsync("""{"id":"branch-7","allowedDestinations":["10.20.0.0/16"]}""");

        using var put = await Client.PutAsync("/api/v1/hub/edges/branch-7", Api.RawJson("""{"allowedDestinations":["10.30.0.0/16","10.30.0.1/16","127.0.0.0/8"]}"""), Ct);

        var errors = (await put.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["allowedDestinations[1]", "allowedDestinations[2]"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([System.Net.IPNetwork.Parse("10.20.0.0/16")], (await Directory.FindAsync("branch-7", Ct))!.AllowedDestinations);
    }

    [Fact]
    public async Task Missing_id_and_too_many_sessions_are_refused()
    {
        using var response = await Client.PostAsync("/api/v1/hub/edges", Api.RawJson("""{"maxSessions":100001}"""), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["id", "maxSessions"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("is required", Assert.Single(errors["id"]));
    }

    [Fact]
    public async Task Duplicate_id_gives_409_and_keeps_the_first_key()
    {
        await CreateAsync($$"""{"id":"branch-7","key":"{{Key}}"}""");

        using var duplicate = await Client.PostAsync("/api/v1/hub/edges", Api.RawJson("""{"id":"branch-7"}"""), Ct);

        await duplicate.ProblemAsync(HttpStatusCode.Conflict, Ct);
        Assert.Equal(Key, (await Directory.FindAsync("branch-7", Ct))?.Key);
    }

    [Fact]
    public async Task Unknown_edges_give_404_for_every_method()
    {
        using var get = await Client.GetAsync("/api/v1/hub/edges/ghost", Ct);
        await get.ProblemAsync(HttpStatusCode.NotFound, Ct);
        using var put = await Client.PutAsync("/api/v1/hub/edges/ghost", Api.RawJson("{}"), Ct);
        await put.ProblemAsync(HttpStatusCode.NotFound, Ct);
        using var rotate = await Client.PostAsync("/api/v1/hub/edges/ghost/key", null, Ct);
        await rotate.ProblemAsync(HttpStatusCode.NotFound, Ct);
        using var delete = await Client.DeleteAsync("/api/v1/hub/edges/ghost", Ct);
        var problem = await delete.ProblemAsync(HttpStatusCode.NotFound, Ct);
        Assert.Contains("ghost", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_replaces_the_settings_without_the_key_and_refuses_a_key()
    {
        var created = await CreateAsync($$"""{"id":"branch-7","key":"{{Key}}","description":"old"}""");

        using var put = await Client.PutAsync("/api/v1/hub/edges/branch-7",
            Api.RawJson("""{"description":"new","enabled":false,"encrypt":true,"maxSessions":5}"""), Ct);
        await put.ExpectAsync(HttpStatusCode.OK, Ct);
        var updated = await put.ReadJsonAsync(Ct);
        Assert.Equal(Fields, Names(updated));
        Assert.Equal(("new", false, true, 5),
            (updated.GetProperty("description").GetString(), updated.GetProperty("enabled").GetBoolean(),
             updated.GetProperty("encrypt").GetBoolean(), updated.GetProperty("maxSessions").GetInt32()));
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), updated.GetProperty("createdAt").GetDateTimeOffset());

        using var withKey = await Client.PutAsync("/api/v1/hub/edges/branch-7", Api.RawJson("""{"key":"another-key-0123456789"}"""), Ct);
        Assert.Equal(["key"], (await withKey.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors().Keys);
        using var badLimit = await Client.PutAsync("/api/v1/hub/edges/branch-7", Api.RawJson("""{"maxSessions":0}"""), Ct);
        Assert.Equal(["maxSessions"], (await badLimit.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors().Keys);

        Assert.Equal(new EdgeCredential("branch-7", Key, false, true, 5), await Directory.FindAsync("branch-7", Ct));
    }

    [Fact]
    public async Task Rotating_returns_the_new_key_once_and_the_old_one_stops_working()
    {
        var created = await CreateAsync("""{"id":"branch-7"}""");

        using var generated = await Client.PostAsync("/api/v1/hub/edges/branch-7/key", null, Ct);
        await generated.ExpectAsync(HttpStatusCode.OK, Ct);
        var rotated = await generated.ReadJsonAsync(Ct);
        Assert.Equal(FieldsWithKey, Names(rotated));
        var newKey = rotated.GetProperty("key").GetString();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", newKey);
        Assert.NotEqual(created.GetProperty("key").GetString(), newKey);
        Assert.Equal(newKey, (await Directory.FindAsync("branch-7", Ct))?.Key);

        using var supplied = await Client.PostAsync("/api/v1/hub/edges/branch-7/key", Api.RawJson($$"""{"key":"{{Key}}"}"""), Ct);
        await supplied.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(Key, (await supplied.ReadJsonAsync(Ct)).GetProperty("key").GetString());
        Assert.Equal(Key, (await Directory.FindAsync("branch-7", Ct))?.Key);

        using var empty = await Client.PostAsync("/api/v1/hub/edges/branch-7/key", Api.RawJson("{}"), Ct);
        await empty.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.NotEqual(Key, (await Directory.FindAsync("branch-7", Ct))?.Key);

        using var bad = await Client.PostAsync("/api/v1/hub/edges/branch-7/key", Api.RawJson("""{"key":"has a space in it!"}"""), Ct);
        Assert.Equal(["key"], (await bad.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors().Keys);
        Assert.Equal(Fields, Names(await GetJsonAsync("/api/v1/hub/edges/branch-7")));
    }

    [Fact]
    public async Task Delete_gives_204_and_the_edge_can_no_longer_connect()
    {
        await CreateAsync("""{"id":"branch-7"}""");

        using var deleted = await Client.DeleteAsync("/api/v1/hub/edges/branch-7", Ct);

        await deleted.ExpectAsync(HttpStatusCode.NoContent, Ct);
        Assert.Null(await Directory.FindAsync("branch-7", Ct));
        using var gone = await Client.GetAsync("/api/v1/hub/edges/branch-7", Ct);
        await gone.ProblemAsync(HttpStatusCode.NotFound, Ct);
        Assert.Empty((await GetJsonAsync("/api/v1/hub/edges")).EnumerateArray());
    }

    [Fact]
    public async Task Unknown_json_members_are_refused_on_create_and_rotate()
    {
        using var create = await Client.PostAsync("/api/v1/hub/edges", Api.RawJson("""{"id":"branch-7","colour":"blue"}"""), Ct);
        var errors = (await create.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["colour"], errors.Keys);
        Assert.Contains("colour", errors["colour"][0], StringComparison.Ordinal);
        Assert.Empty((await GetJsonAsync("/api/v1/hub/edges")).EnumerateArray());

        await CreateAsync($$"""{"id":"branch-7","key":"{{Key}}"}""");
        using var rotate = await Client.PostAsync("/api/v1/hub/edges/branch-7/key", Api.RawJson("""{"secret":"x"}"""), Ct);
        Assert.Equal(["secret"], (await rotate.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors().Keys);
        Assert.Equal(Key, (await Directory.FindAsync("branch-7", Ct))?.Key);
    }

    [Fact]
    public async Task Writes_are_audited_without_the_key()
    {
        await CreateAsync($$"""{"id":"branch-7","key":"{{Key}}"}""");
        using var rotate = await Client.PostAsync("/api/v1/hub/edges/branch-7/key", null, Ct);
        var newKey = (await rotate.ReadJsonAsync(Ct)).GetProperty("key").GetString()!;

        using var audit = await Client.GetAsync("/api/v1/audit", Ct);
        var text = await audit.Content.ReadAsStringAsync(Ct);

        Assert.Contains("edge.create", text, StringComparison.Ordinal);
        Assert.Contains("edge.rotate-key", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
        Assert.DoesNotContain(newKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_documents_the_edge_endpoints_and_keeps_the_key_out_of_the_read_schema()
    {
        var document = await GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        Assert.Equal(["get", "post"], Names(paths.GetProperty("/api/v1/hub/edges")));
        Assert.Equal(["delete", "get", "put"], Names(paths.GetProperty("/api/v1/hub/edges/{id}")));
        Assert.Equal(["post"], Names(paths.GetProperty("/api/v1/hub/edges/{id}/key")));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal(Fields, Names(schemas.GetProperty("HubEdge").GetProperty("properties")));
        Assert.Equal(FieldsWithKey, Names(schemas.GetProperty("HubEdgeWithKey").GetProperty("properties")));
        Assert.False(schemas.GetProperty("HubEdgeUpdate").GetProperty("properties").TryGetProperty("key", out _));
    }
}
