using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Appliance.Web.Tests.Security;

/// <summary>
/// Every endpoint the app maps, found in its endpoint data source, refuses a caller without credentials: 401 for the
/// API and /metrics, a redirect to the sign-in page for the UI. Only the allow-list answers anonymously; a new endpoint that
/// forgets authorization, or opens itself, fails here.
/// </summary>
public sealed class EndpointAuthorizationTests : ApiTest
{
    /// <summary>Method and route pattern of every endpoint that may answer without credentials.</summary>
    private static readonly HashSet<string> Anonymous =
    [
        "GET /healthz",
        "GET /api/v1/auth/status",
        "POST /api/v1/auth/setup",
        "POST /api/v1/auth/login",
        "GET /login",
        "POST /login",
        "GET /setup",
        "POST /setup",
        // Static assets of the API reference page (the page itself needs a sign-in).
        "GET /api/docs/scalar.js",
        "GET /api/docs/scalar.aspnetcore.js",
        "GET /api/docs/favicon.svg",
    ];

    public static IEnumerable<TheoryDataRow<string, string>> Endpoints()
    {
        using var factory = new ApplianceFactory();
        return EndpointCatalog.Of(factory).Select(e => new TheoryDataRow<string, string>(e.Method, e.Pattern)).ToList();
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_credentials_the_endpoint_refuses(string method, string pattern)
    {
        using var anonymous = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(new HttpMethod(method), EndpointCatalog.Concrete(pattern));
        if (method is not ("GET" or "HEAD" or "DELETE"))
        {
            // The API takes JSON, the pages' forms are form posts (another content type would match no endpoint).
            request.Content = pattern.StartsWith("/api", StringComparison.Ordinal)
                ? Api.RawJson("{}")
                : new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = "x" });
        }

        using var response = await anonymous.SendAsync(request, Ct);

        if (Anonymous.Contains($"{method} {pattern}"))
        {
            // Open: it answers for itself (a failed sign-in is a 401 of its own), never with the authentication challenge.
            Assert.False(response.Headers.WwwAuthenticate.Count > 0, $"{method} {pattern} challenged an anonymous caller");
            Assert.DoesNotContain("ReturnUrl=", response.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        }
        else if (pattern.StartsWith("/api", StringComparison.Ordinal) || pattern.StartsWith("/openapi", StringComparison.Ordinal) || pattern.StartsWith("/hubs", StringComparison.Ordinal)
            || pattern == "/metrics")
        {
            await response.ProblemAsync(HttpStatusCode.Unauthorized, Ct);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Only_the_allow_list_is_open_and_every_endpoint_is_covered()
    {
        var endpoints = EndpointCatalog.Of(Factory);
        var open = endpoints.Where(e => e.AllowsAnonymous).Select(e => $"{e.Method} {e.Pattern}").ToHashSet();

        Assert.Equal(Anonymous.Order(), open.Order());
        // The enumeration found the whole API, not an empty list that would pass the theory trivially.
        Assert.True(endpoints.Count > 40, $"only {endpoints.Count} endpoints found");
        Assert.Contains(endpoints, e => e.Pattern == "/api/v1/users/{name}" && e.Method == "DELETE");
        Assert.Contains(endpoints, e => e.Pattern.StartsWith("/hubs/status", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.Pattern == "/api/v1/firmware/bundle" && e.Method == "POST" && !e.AllowsAnonymous);
        Assert.Contains(endpoints, e => e.Pattern == "/api/v1/firmware/reboot" && e.Method == "POST" && !e.AllowsAnonymous);
        // Prometheus scrapes with a bearer token: a redirect to the sign-in page would look like a broken target.
        Assert.Contains(endpoints, e => e.Pattern == "/metrics" && e.Method == "GET" && !e.AllowsAnonymous);
    }
}
