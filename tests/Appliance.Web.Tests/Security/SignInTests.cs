using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Data;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Security;

/// <summary>First-run setup, sign-in with the session cookie, lockout, rate limits and antiforgery.</summary>
public sealed partial class SignInTests : ApiTest
{
    private const string Password = "a-long-admin-passphrase";

    private HttpClient Browser() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task There_is_no_default_password_the_first_visit_creates_the_admin_and_only_once()
    {
        using var browser = Browser();
        Assert.True((await browser.GetFromJsonAsync<JsonElement>("/api/v1/auth/status", Ct)).GetProperty("setupRequired").GetBoolean());
        using var loginFirst = await browser.GetAsync("/login", Ct);
        Assert.Equal("/setup", loginFirst.Headers.Location?.ToString());

        using var weak = await browser.PostAsJsonAsync("/api/v1/auth/setup", new { userName = "admin", password = "short" }, Ct);
        Assert.True((await weak.ProblemAsync(HttpStatusCode.BadRequest, Ct)).GetProperty("errors").TryGetProperty("password", out _));
        using var setup = await browser.PostAsJsonAsync("/api/v1/auth/setup", new { userName = "Admin", password = Password }, Ct);
        await setup.ExpectAsync(HttpStatusCode.OK, Ct);

        var me = await browser.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Ct);
        Assert.Equal(("admin", "admin", "user"), (me.GetProperty("name").GetString(), me.GetProperty("role").GetString(), me.GetProperty("kind").GetString()));
        using var again = await Browser().PostAsJsonAsync("/api/v1/auth/setup", new { userName = "intruder", password = "another-long-password" }, Ct);
        await again.ProblemAsync(HttpStatusCode.Conflict, Ct);
        Assert.False((await browser.GetFromJsonAsync<JsonElement>("/api/v1/auth/status", Ct)).GetProperty("setupRequired").GetBoolean());
    }

    [Fact]
    public async Task The_setup_and_sign_in_pages_work_as_forms_with_antiforgery()
    {
        using var browser = Browser();
        var setupPage = await browser.GetStringAsync("/setup", Ct);
        using var created = await browser.PostAsync("/setup", Form(setupPage, ("userName", "admin"), ("password", Password)), Ct);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Contains("Signed in as <b>admin</b>", await browser.GetStringAsync("/", Ct), StringComparison.Ordinal);

        var home = await browser.GetStringAsync("/", Ct);
        using var signedOut = await browser.PostAsync("/logout", Form(home), Ct);
        Assert.Equal("/login", signedOut.Headers.Location?.ToString());
        using var afterLogout = await browser.GetAsync("/", Ct);
        Assert.StartsWith("/login", afterLogout.Headers.Location?.PathAndQuery, StringComparison.Ordinal);

        // A form posted without the antiforgery token (what a foreign page would send) is refused.
        using var forged = await Browser().PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = "admin", ["password"] = Password }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var loginPage = await browser.GetStringAsync("/login?returnUrl=/api/docs/", Ct);
        using var wrong = await browser.PostAsync("/login", Form(loginPage, ("userName", "admin"), ("password", "not-the-password"), ("returnUrl", "/api/docs/")), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Wrong user name or password", await wrong.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        loginPage = await browser.GetStringAsync("/login", Ct);
        using var right = await browser.PostAsync("/login", Form(loginPage, ("userName", "admin"), ("password", Password), ("returnUrl", "https://evil.example/")), Ct);
        Assert.Equal("/", right.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_even_against_the_right_password()
    {
        await CreateUserAsync("alice", "operator");
        using var browser = Browser();
        for (var i = 1; i < 5; i++)
        {
            await (await Login(browser, "alice", "wrong-password-" + i)).ProblemAsync(HttpStatusCode.Unauthorized, Ct);
        }
        var locked = await (await Login(browser, "alice", "wrong-password-5")).ProblemAsync(HttpStatusCode.Locked, Ct);
        Assert.Contains("try again after", locked.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await (await Login(browser, "alice", Password)).ProblemAsync(HttpStatusCode.Locked, Ct);

        var user = await Client.GetFromJsonAsync<JsonElement>("/api/v1/users/alice", Ct);
        Assert.NotEqual(JsonValueKind.Null, user.GetProperty("lockedUntil").ValueKind);
        // Six failures from one client for one name: one entry that counts them, saying how it ended.
        var failures = await Client.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=login.failure", Ct);
        var failure = Assert.Single(failures.EnumerateArray());
        Assert.Equal(6, failure.GetProperty("count").GetInt32());
        Assert.Contains("locked until", failure.GetProperty("details").GetString(), StringComparison.Ordinal);
        // An admin setting a new password unlocks the account.
        (await Client.PutAsJsonAsync("/api/v1/users/alice", new { password = "a-new-long-password" }, Ct)).EnsureSuccessStatusCode();
        await (await Login(browser, "alice", "a-new-long-password")).ExpectAsync(HttpStatusCode.OK, Ct);
    }

    [Fact]
    public async Task Sign_in_attempts_are_rate_limited_per_client()
    {
        using var browser = Browser();
        for (var i = 0; i < 10; i++)
        {
            await (await Login(browser, $"nobody{i}", "some-password-123")).ProblemAsync(HttpStatusCode.Unauthorized, Ct);
        }
        using var limited = await Login(browser, "nobody", "some-password-123");
        await limited.ProblemAsync(HttpStatusCode.TooManyRequests, Ct);
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_cookie_session_needs_the_antiforgery_header_to_change_anything()
    {
        await CreateUserAsync("olga", "operator");
        using var browser = Browser();
        await (await Login(browser, "olga", Password)).ExpectAsync(HttpStatusCode.OK, Ct);
        var wan = new { name = "dsl", @interface = "eth1", gateway = "192.0.2.1" };

        using var forged = await browser.PostAsJsonAsync("/api/v1/wans", wan, Ct);
        await forged.ProblemAsync(HttpStatusCode.BadRequest, Ct);

        var antiforgery = await browser.GetFromJsonAsync<JsonElement>("/api/v1/auth/antiforgery", Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/wans") { Content = JsonContent.Create(wan) };
        request.Headers.Add(antiforgery.GetProperty("headerName").GetString()!, antiforgery.GetProperty("token").GetString());
        await (await browser.SendAsync(request, Ct)).ExpectAsync(HttpStatusCode.Created, Ct);
        var audit = await Client.GetFromJsonAsync<JsonElement>("/api/v1/audit?actor=olga&action=wan", Ct);
        Assert.Equal("wan.create", Assert.Single(audit.EnumerateArray()).GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_password_or_role_change_ends_the_sessions_signed_in_before_it()
    {
        await CreateUserAsync("victor", "viewer");
        using var browser = Browser();
        await (await Login(browser, "victor", Password)).ExpectAsync(HttpStatusCode.OK, Ct);
        (await browser.GetAsync("/api/v1/status", Ct)).EnsureSuccessStatusCode();

        (await Client.PutAsJsonAsync("/api/v1/users/victor", new { role = "operator" }, Ct)).EnsureSuccessStatusCode();

        await (await browser.GetAsync("/api/v1/status", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, Ct);
    }

    [Fact]
    public async Task Password_hashes_never_leave_the_store_and_the_last_admin_stays()
    {
        await CreateUserAsync("admin2", "admin");
        var users = await Client.GetStringAsync("/api/v1/users", Ct);
        Assert.DoesNotContain("hash", users, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Password, users, StringComparison.Ordinal);
        await using (var db = await Factory.Services.GetRequiredService<IDbContextFactory<ApplianceDbContext>>().CreateDbContextAsync(Ct))
        {
            var stored = await db.Users.SingleAsync(u => u.UserName == "admin2", Ct);
            Assert.DoesNotContain(Password, stored.PasswordHash, StringComparison.Ordinal);
            Assert.StartsWith("AQAAAA", stored.PasswordHash, StringComparison.Ordinal); // Identity v3: PBKDF2 with a salt
        }
        var audit = await Client.GetStringAsync("/api/v1/audit", Ct);
        Assert.DoesNotContain(Password, audit, StringComparison.Ordinal);

        await CreateUserAsync("admin3", "admin");
        await (await Client.DeleteAsync("/api/v1/users/admin2", Ct)).ExpectAsync(HttpStatusCode.NoContent, Ct);
        // admin3 is the last admin now: it can neither lose the role nor be deleted.
        await (await Client.PutAsJsonAsync("/api/v1/users/admin3", new { role = "viewer" }, Ct)).ProblemAsync(HttpStatusCode.Conflict, Ct);
        await (await Client.DeleteAsync("/api/v1/users/admin3", Ct)).ProblemAsync(HttpStatusCode.Conflict, Ct);
    }

    private async Task CreateUserAsync(string name, string role)
    {
        using var created = await Client.PostAsJsonAsync("/api/v1/users", new { userName = name, password = Password, role }, Ct);
        await created.ExpectAsync(HttpStatusCode.Created, Ct);
    }

    private static Task<HttpResponseMessage> Login(HttpClient client, string user, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new { userName = user, password }, Ct);

    /// <summary>A form post that carries the antiforgery field of the page it came from.</summary>
    private static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields)
    {
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "the page has no antiforgery field");
        var values = fields.ToDictionary(f => f.Name, f => f.Value);
        values[WebUtility.HtmlDecode(token.Groups[1].Value)] = WebUtility.HtmlDecode(token.Groups[2].Value);
        return new FormUrlEncodedContent(values);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\"\\s*/?>")]
    private static partial Regex AntiforgeryField();
}
