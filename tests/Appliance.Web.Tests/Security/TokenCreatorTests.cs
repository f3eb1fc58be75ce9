using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Appliance.Web.Tests.Security;

/// <summary>A token does no more than its creator may do now, cannot make tokens, and its name is unique per creator.</summary>
public sealed class TokenCreatorTests : ApiTest
{
    private async Task<(HttpClient Client, int Id)> TokenClientAsync(HttpClient creator, string name, string role)
    {
        using var created = await creator.PostAsJsonAsync("/api/v1/tokens", new { name, role }, Ct);
        await created.ExpectAsync(HttpStatusCode.Created, Ct);
        var body = await created.ReadJsonAsync(Ct);
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        return (client, body.GetProperty("info").GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task A_token_cannot_create_tokens_so_it_cannot_outlive_its_own_expiry_or_revocation()
    {
        var before = (await Client.GetFromJsonAsync<JsonElement>("/api/v1/tokens", Ct)).GetArrayLength();

        using var minted = await Client.PostAsJsonAsync("/api/v1/tokens", new { name = "forever", role = "admin" }, Ct);

        var problem = await minted.ProblemAsync(HttpStatusCode.Forbidden, Ct);
        Assert.Contains("A token cannot create tokens", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, (await Client.GetFromJsonAsync<JsonElement>("/api/v1/tokens", Ct)).GetArrayLength());
        var create = (await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct)).GetProperty("paths").EnumerateObject()
            .Single(p => p.Name.TrimEnd('/') == "/api/v1/tokens").Value.GetProperty("post");
        var description = create.GetProperty("description").GetString();
        Assert.Contains("a valid request authenticated with a token gets 403", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_loses_rights_when_its_creator_is_demoted_and_stops_when_the_creator_is_deleted()
    {
        using var olga = await Sessions.SignedInAsync(Factory, Client, "olga", "operator", Ct);
        var (token, id) = await TokenClientAsync(olga, "deploy", "operator");
        using (token)
        {
            await (await token.PostAsJsonAsync("/api/v1/wans", new { name = "dsl", @interface = "eth1", gateway = "192.0.2.1" }, Ct)).ExpectAsync(HttpStatusCode.Created, Ct);

            (await Client.PutAsJsonAsync("/api/v1/users/olga", new { role = "viewer" }, Ct)).EnsureSuccessStatusCode();

            Assert.Equal("viewer", (await token.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Ct)).GetProperty("role").GetString());
            using var refused = await token.PostAsJsonAsync("/api/v1/wans", new { name = "lte", @interface = "wwan0", gateway = "192.0.2.1" }, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

            (await Client.DeleteAsync("/api/v1/users/olga", Ct)).EnsureSuccessStatusCode();

            await (await token.GetAsync("/api/v1/status", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, Ct);
        }
        Assert.NotEqual(JsonValueKind.Null, (await Client.GetFromJsonAsync<JsonElement>($"/api/v1/tokens/{id}", Ct)).GetProperty("revokedAt").ValueKind);
        var revoked = await Client.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=token.revoke", Ct);
        Assert.Contains("olga was deleted", Assert.Single(revoked.EnumerateArray()).GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Equal(["dsl"], (await Client.GetFromJsonAsync<JsonElement>("/api/v1/wans", Ct)).EnumerateArray().Select(w => w.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_second_token_of_the_same_name_from_the_same_user_is_a_conflict()
    {
        using var olga = await Sessions.SignedInAsync(Factory, Client, "olga", "operator", Ct);
        var (first, _) = await TokenClientAsync(olga, "ci", "viewer");
        first.Dispose();

        using var again = await olga.PostAsJsonAsync("/api/v1/tokens", new { name = "ci", role = "viewer" }, Ct);

        var problem = await again.ProblemAsync(HttpStatusCode.Conflict, Ct);
        Assert.Contains("already have a token named 'ci'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single(await olga.GetFromJsonAsync<JsonElement[]>("/api/v1/tokens", Ct) ?? []);
    }
}
