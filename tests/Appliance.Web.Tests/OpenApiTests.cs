using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests;

public sealed partial class OpenApiTests : ApiTest
{
    [GeneratedRegex(@"\{(\*{0,2})([^}:=?]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    /// <summary><c>/api/v1/rules/{id:int}</c> → <c>/api/v1/rules/{id}</c>; a trailing slash is not part of the path.</summary>
    internal static string Normalise(string pattern)
    {
        var path = RouteParameter().Replace(pattern, m => "{" + m.Groups[2].Value + "}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [Fact]
    public async Task OpenApi_document_lists_every_api_route_and_method()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);
        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        var document = await response.ReadJsonAsync(Ct);
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: Normalise(path.Name), Method: op.Name.ToUpperInvariant())))
            .ToHashSet();

        var endpoints = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: Normalise(e.RoutePattern.RawText!), Method: m)))
            .ToList();

        // Every area of the API is there (guards against an empty enumeration passing vacuously).
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found");
        Assert.Contains(("/api/v1/rules/{id}", "PUT"), endpoints);
        Assert.Contains(("/api/v1/config/rollback/{id}", "POST"), endpoints);
        var missing = endpoints.Where(e => !documented.Contains(e)).Select(e => $"{e.Method} {e.Path}").ToList();
        Assert.True(missing.Count == 0, "not in /openapi/v1.json: " + string.Join(", ", missing));
        Assert.Equal("Multi-WAN appliance API", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task OpenApi_document_describes_enums_as_their_json_strings()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);
        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        var schemas = (await response.ReadJsonAsync(Ct)).GetProperty("components").GetProperty("schemas");

        var wanMode = schemas.GetProperty("WanMode").GetProperty("enum").EnumerateArray().Select(v => v.GetString());
        Assert.Equal(["balance", "bond", "backup"], wanMode);
    }

    [Fact]
    public async Task Health_endpoint_returns_200()
    {
        using var response = await Client.GetAsync("/healthz", Ct);

        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Interactive_api_docs_are_served_as_html()
    {
        // With the slash: the redirect from /api/docs would drop the bearer token (HttpClient never forwards it).
        using var response = await Client.GetAsync("/api/docs/", Ct);

        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Multi-WAN appliance API", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_lives_in_the_configured_data_directory()
    {
        using var response = await Client.GetAsync("/api/v1/wans", Ct);
        await response.ExpectAsync(HttpStatusCode.OK, Ct);

        Assert.True(File.Exists(Path.Combine(Factory.DataDirectory, "appliance.db")), $"no database in {Factory.DataDirectory}");
    }
}
