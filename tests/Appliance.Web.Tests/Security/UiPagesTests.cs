using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Appliance.Web.Tests.Security;

/// <summary>The UI's user, token and audit pages: rendered for the roles that may see them, refused to the others.</summary>
public sealed class UiPagesTests : ApiTest
{
    private const string Password = "a-long-user-passphrase";

    private async Task<HttpClient> SignedInAsync(string name, string role)
    {
        (await Client.PostAsJsonAsync("/api/v1/users", new { userName = name, password = Password, role }, Ct)).EnsureSuccessStatusCode();
        var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        (await browser.PostAsJsonAsync("/api/v1/auth/login", new { userName = name, password = Password }, Ct)).EnsureSuccessStatusCode();
        return browser;
    }

    [Fact]
    public async Task An_admin_sees_the_users_tokens_and_audit_pages_with_their_content()
    {
        using var admin = await SignedInAsync("root", "admin");

        var users = await admin.GetStringAsync("/users", Ct);
        Assert.Contains(">root</td>", users, StringComparison.Ordinal);
        Assert.DoesNotContain("AQAAAA", users, StringComparison.Ordinal);
        var audit = await admin.GetStringAsync("/audit", Ct);
        Assert.Contains("login.success", audit, StringComparison.Ordinal);
        Assert.Contains("user.create", audit, StringComparison.Ordinal);
        var tokens = await admin.GetStringAsync("/tokens", Ct);
        Assert.Contains("tests-admin", tokens, StringComparison.Ordinal);
        Assert.Contains("Signed in as <b>root</b>", await admin.GetStringAsync("/", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_gets_its_own_tokens_page_but_not_users_or_the_audit()
    {
        using var viewer = await SignedInAsync("vera", "viewer");

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/users", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/audit", Ct)).StatusCode);
        var tokens = await viewer.GetStringAsync("/tokens", Ct);
        // Only the viewer's own tokens: the tests' admin token is not listed.
        Assert.DoesNotContain("tests-admin", tokens, StringComparison.Ordinal);
    }
}
