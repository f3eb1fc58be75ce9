using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Data;
using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Web.Tests.Security;

/// <summary>API tokens: shown once, stored hashed, refused once revoked or expired, last use recorded.</summary>
public sealed class TokenTests : ApiTest
{
    [Fact]
    public async Task A_token_is_shown_once_stored_only_as_a_hash_and_records_its_last_use()
    {
        // Tokens are made by signed-in users (a token cannot make tokens).
        using var admin = await Sessions.SignedInAsync(Factory, Client, "root", "admin", Ct);
        using var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "backup-script", role = "viewer" }, Ct);
        await created.ExpectAsync(HttpStatusCode.Created, Ct);
        var body = await created.ReadJsonAsync(Ct);
        var secret = body.GetProperty("token").GetString()!;
        var id = body.GetProperty("info").GetProperty("id").GetInt32();
        Assert.StartsWith("apl_", secret, StringComparison.Ordinal);

        using var script = Factory.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        (await script.GetAsync("/api/v1/status", Ct)).EnsureSuccessStatusCode();

        var listed = await Client.GetStringAsync("/api/v1/tokens", Ct);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[4..], listed, StringComparison.Ordinal);
        var token = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/tokens/{id}", Ct);
        Assert.False(token.TryGetProperty("token", out _));
        Assert.False(token.TryGetProperty("hash", out _));
        Assert.NotEqual(JsonValueKind.Null, token.GetProperty("lastUsedAt").ValueKind);
        Assert.Equal(secret[..8], token.GetProperty("prefix").GetString());

        await using var db = await Factory.Services.GetRequiredService<IDbContextFactory<ApplianceDbContext>>().CreateDbContextAsync(Ct);
        var stored = await db.ApiTokens.SingleAsync(t => t.Id == id, Ct);
        Assert.NotEqual(secret, stored.Hash);
        Assert.Equal(64, stored.Hash.Length);
        var audit = await Client.GetStringAsync("/api/v1/audit", Ct);
        Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_from_the_next_request_on()
    {
        using var admin = await Sessions.SignedInAsync(Factory, Client, "root", "admin", Ct);
        using var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "leaked", role = "operator" }, Ct);
        var body = await created.ReadJsonAsync(Ct);
        using var leaked = Factory.CreateClient();
        leaked.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        (await leaked.GetAsync("/api/v1/wans", Ct)).EnsureSuccessStatusCode();

        using var revoked = await Client.DeleteAsync($"/api/v1/tokens/{body.GetProperty("info").GetProperty("id").GetInt32()}", Ct);
        await revoked.ExpectAsync(HttpStatusCode.OK, Ct);

        using var refused = await leaked.GetAsync("/api/v1/wans", Ct);
        await refused.ProblemAsync(HttpStatusCode.Unauthorized, Ct);
        Assert.Contains(refused.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        // The app's clock is virtual here: the token expires when the test says, however slow the machine is.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ApplianceFactory { TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        var soon = app.CreateToken(UserRole.Viewer, "short-lived", clock.GetUtcNow().AddMinutes(10));
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", soon);
        (await client.GetAsync("/api/v1/status", Ct)).EnsureSuccessStatusCode();

        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        (await client.GetAsync("/api/v1/status", Ct)).EnsureSuccessStatusCode();
        clock.Advance(TimeSpan.FromMilliseconds(1));

        await (await client.GetAsync("/api/v1/status", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, Ct);
    }

    [Fact]
    public async Task A_token_with_an_expiry_in_the_past_is_not_created()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ApplianceFactory { TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        using var admin = app.CreateClient(UserRole.Admin);

        using var past = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "old", role = "viewer", expiresAt = clock.GetUtcNow().AddDays(-1) }, Ct);
        var problem = await past.ProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("expiresAt", out _));
    }

    [Fact]
    public async Task Garbage_and_unknown_tokens_get_401_without_saying_why()
    {
        foreach (var value in new[] { "apl_not-a-real-token", "something-else", "" })
        {
            using var client = Factory.CreateClient();
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + value);
            using var response = await client.GetAsync("/api/v1/status", Ct);
            var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized, Ct);
            Assert.DoesNotContain("unknown", problem.ToString(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
