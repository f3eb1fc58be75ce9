using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Appliance.Web.Tests.Security;

/// <summary>Secrets stay out of answers, exports and the audit trail; every security-relevant action is in the trail.</summary>
public sealed class SecretsAndAuditTests : ApiTest
{
    private const string HubKey = "edge-shared-key-0123456789";

    [Fact]
    public async Task The_hub_key_is_masked_in_exports_and_revisions_unless_an_admin_asks_for_it()
    {
        var settings = await Client.GetFromJsonAsync<JsonElement>("/api/v1/settings", Ct);
        using var put = await Client.PutAsync("/api/v1/settings", Api.RawJson(
            settings.ToString().Replace("\"key\":null", $"\"key\":\"{HubKey}\"", StringComparison.Ordinal)), Ct);
        await put.ExpectAsync(HttpStatusCode.OK, Ct);
        await Client.CreateWanAsync(Api.Wan("dsl", "eth1", gateway: "192.0.2.1"), Ct);
        (await Client.PostAsJsonAsync("/api/v1/config/apply", new { comment = "with key" }, Ct)).EnsureSuccessStatusCode();

        var masked = await Client.GetStringAsync("/api/v1/config/export", Ct);
        Assert.DoesNotContain(HubKey, masked, StringComparison.Ordinal);
        Assert.Contains("********", masked, StringComparison.Ordinal);
        Assert.DoesNotContain(HubKey, await Client.GetStringAsync("/api/v1/config/revisions/1", Ct), StringComparison.Ordinal);
        Assert.Contains(HubKey, await Client.GetStringAsync("/api/v1/config/export?includeSecrets=true", Ct), StringComparison.Ordinal);

        // Importing the masked export keeps the stored key.
        (await Client.PostAsync("/api/v1/config/import", Api.RawJson(masked), Ct)).EnsureSuccessStatusCode();
        Assert.Contains(HubKey, await Client.GetStringAsync("/api/v1/config/export?includeSecrets=true", Ct), StringComparison.Ordinal);
        var audit = await Client.GetStringAsync("/api/v1/audit", Ct);
        Assert.DoesNotContain(HubKey, audit, StringComparison.Ordinal);
        Assert.Contains("config.export", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_ins_users_tokens_and_configuration_are_audited_with_who_and_from_where()
    {
        const string password = "a-long-user-passphrase";
        // Tokens are made by signed-in users (a token cannot make tokens).
        using var root = await Sessions.SignedInAsync(Factory, Client, "root", "admin", Ct);
        (await Client.PostAsJsonAsync("/api/v1/users", new { userName = "bob", password, role = "operator" }, Ct)).EnsureSuccessStatusCode();
        (await Client.PutAsJsonAsync("/api/v1/users/bob", new { role = "viewer" }, Ct)).EnsureSuccessStatusCode();
        using var browser = Factory.CreateClient();
        await (await browser.PostAsJsonAsync("/api/v1/auth/login", new { userName = "bob", password = "wrong-password-1" }, Ct)).ProblemAsync(HttpStatusCode.Unauthorized, Ct);
        await (await browser.PostAsJsonAsync("/api/v1/auth/login", new { userName = "bob", password }, Ct)).ExpectAsync(HttpStatusCode.OK, Ct);
        var antiforgery = await browser.GetFromJsonAsync<JsonElement>("/api/v1/auth/antiforgery", Ct);
        using (var logout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/logout"))
        {
            logout.Headers.Add("X-XSRF-TOKEN", antiforgery.GetProperty("token").GetString());
            await (await browser.SendAsync(logout, Ct)).ExpectAsync(HttpStatusCode.NoContent, Ct);
        }
        var token = await (await root.PostAsJsonAsync("/api/v1/tokens", new { name = "nightly", role = "viewer" }, Ct)).ReadJsonAsync(Ct);
        (await root.DeleteAsync($"/api/v1/tokens/{token.GetProperty("info").GetProperty("id").GetInt32()}", Ct)).EnsureSuccessStatusCode();
        (await Client.DeleteAsync("/api/v1/users/bob", Ct)).EnsureSuccessStatusCode();
        await Client.CreateWanAsync(Api.Wan("dsl", "eth1", gateway: "192.0.2.1"), Ct);
        (await Client.PostAsJsonAsync("/api/v1/config/apply", new { comment = "audit me" }, Ct)).EnsureSuccessStatusCode();

        var entries = (await Client.GetFromJsonAsync<JsonElement>("/api/v1/audit", Ct)).EnumerateArray().ToList();
        var actions = entries.Select(e => e.GetProperty("action").GetString()).ToList();
        foreach (var expected in new[] { "user.create", "user.update", "login.failure", "login.success", "logout", "token.create", "token.revoke", "user.delete", "config.apply" })
        {
            Assert.Contains(expected, actions);
        }
        var login = entries.First(e => e.GetProperty("action").GetString() == "login.success");
        Assert.Equal("bob", login.GetProperty("actor").GetString());
        Assert.False(string.IsNullOrEmpty(login.GetProperty("source").GetString()));
        Assert.True(DateTimeOffset.UtcNow - login.GetProperty("time").GetDateTimeOffset() < TimeSpan.FromMinutes(1));
        var byBob = await Client.GetFromJsonAsync<JsonElement>("/api/v1/audit?actor=bob&action=login", Ct);
        Assert.Equal(2, byBob.GetArrayLength());
        var none = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}", Ct);
        Assert.Equal(0, none.GetArrayLength());
        Assert.DoesNotContain(password, await Client.GetStringAsync("/api/v1/audit", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hub_edge_key_appears_only_in_the_answer_that_created_it()
    {
        var created = await (await Client.PostAsJsonAsync("/api/v1/hub/edges", new { id = "branch-1" }, Ct)).ReadJsonAsync(Ct);
        var key = created.GetProperty("key").GetString()!;

        Assert.DoesNotContain(key, await Client.GetStringAsync("/api/v1/hub/edges", Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(key, await Client.GetStringAsync("/api/v1/hub/edges/branch-1", Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(key, await Client.GetStringAsync("/api/v1/audit", Ct), StringComparison.Ordinal);
    }
}
