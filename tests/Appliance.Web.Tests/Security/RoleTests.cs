using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Data.Entities;

namespace Appliance.Web.Tests.Security;

/// <summary>What each role may do: viewers read, operators configure, admins also manage users, keys and certificates.</summary>
public sealed class RoleTests : ApiTest
{
    /// <summary>Endpoints any signed-in caller may use whatever the method: their own session and their own tokens.</summary>
    private static bool Personal(string pattern) =>
        pattern.StartsWith("/api/v1/auth/", StringComparison.Ordinal) || pattern.StartsWith("/api/v1/tokens", StringComparison.Ordinal);

    private static bool AdminOnly(string method, string pattern) =>
        pattern.StartsWith("/api/v1/users", StringComparison.Ordinal)
        || pattern.StartsWith("/api/v1/system", StringComparison.Ordinal)
        || pattern.StartsWith("/api/v1/firmware", StringComparison.Ordinal)
        || (pattern.StartsWith("/api/v1/hub/edges", StringComparison.Ordinal) && method != "GET");

    [Fact]
    public async Task A_viewer_token_reads_but_every_change_is_forbidden()
    {
        using var viewer = Factory.CreateClient(UserRole.Viewer);
        var changes = EndpointCatalog.Of(Factory)
            .Where(e => e.Pattern.StartsWith("/api/v1/", StringComparison.Ordinal) && e.Method != "GET" && !e.AllowsAnonymous && !Personal(e.Pattern))
            .ToList();
        Assert.True(changes.Count > 15, $"only {changes.Count} changing endpoints found");

        foreach (var (method, pattern, _) in changes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), EndpointCatalog.Concrete(pattern)) { Content = Api.RawJson("{}") };
            using var response = await viewer.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"viewer {method} {pattern}: {(int)response.StatusCode}");
        }
        (await viewer.GetAsync("/api/v1/wans", Ct)).EnsureSuccessStatusCode();
        (await viewer.GetAsync("/api/v1/status", Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/v1/audit", Ct)).StatusCode);
        Assert.Equal(0, (await Client.GetFromJsonAsync<JsonElement>("/api/v1/wans", Ct)).GetArrayLength());
    }

    [Fact]
    public async Task An_operator_configures_but_cannot_manage_users_keys_or_certificates()
    {
        using var operatorClient = Factory.CreateClient(UserRole.Operator);
        var adminOnly = EndpointCatalog.Of(Factory).Where(e => AdminOnly(e.Method, e.Pattern)).ToList();
        Assert.Contains(adminOnly, e => e.Pattern == "/api/v1/users/" && e.Method == "POST");

        foreach (var (method, pattern, _) in adminOnly)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), EndpointCatalog.Concrete(pattern));
            if (method != "GET" && method != "DELETE")
            {
                request.Content = Api.RawJson("{}");
            }
            using var response = await operatorClient.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"operator {method} {pattern}: {(int)response.StatusCode}");
        }

        using var created = await operatorClient.PostAsJsonAsync("/api/v1/wans", new { name = "dsl", @interface = "eth1", gateway = "192.0.2.1" }, Ct);
        await created.ExpectAsync(HttpStatusCode.Created, Ct);
        using var export = await operatorClient.GetAsync("/api/v1/config/export?includeSecrets=true", Ct);
        await export.ProblemAsync(HttpStatusCode.Forbidden, Ct);
        (await operatorClient.GetAsync("/api/v1/audit", Ct)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Nobody_creates_a_token_with_more_rights_than_their_own()
    {
        using var operatorClient = await Sessions.SignedInAsync(Factory, Client, "olga", "operator", Ct);

        using var escalate = await operatorClient.PostAsJsonAsync("/api/v1/tokens", new { name = "sneaky", role = "admin" }, Ct);
        await escalate.ProblemAsync(HttpStatusCode.Forbidden, Ct);
        using var same = await operatorClient.PostAsJsonAsync("/api/v1/tokens", new { name = "ci", role = "operator" }, Ct);
        await same.ExpectAsync(HttpStatusCode.Created, Ct);
    }
}
