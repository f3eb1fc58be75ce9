using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Appliance.Web.Tests;

/// <summary>Browser sessions for the API tests: a user signed in with the cookie, sending the antiforgery header as the UI does.</summary>
internal static class Sessions
{
    public const string Password = "a-long-user-passphrase";

    /// <summary>Creates the user (with <paramref name="admin"/>) and signs them in; every request then carries the X-XSRF-TOKEN header.</summary>
    public static async Task<HttpClient> SignedInAsync(ApplianceFactory factory, HttpClient admin, string name, string role, CancellationToken ct)
    {
        (await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, password = Password, role }, ct)).EnsureSuccessStatusCode();
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        (await browser.PostAsJsonAsync("/api/v1/auth/login", new { userName = name, password = Password }, ct)).EnsureSuccessStatusCode();
        var antiforgery = await browser.GetFromJsonAsync<JsonElement>("/api/v1/auth/antiforgery", ct);
        browser.DefaultRequestHeaders.Add(antiforgery.GetProperty("headerName").GetString()!, antiforgery.GetProperty("token").GetString());
        return browser;
    }
}
