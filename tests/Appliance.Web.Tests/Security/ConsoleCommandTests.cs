using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Web.Cli;

namespace Appliance.Web.Tests.Security;

/// <summary>The commands run on the box: a token for automation printed alone, a user with the password from stdin.</summary>
public sealed class ConsoleCommandTests : ApiTest
{
    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await ConsoleCommands.RunAsync([.. args, $"--Appliance:DataDirectory={Factory.DataDirectory}"], new StringReader(stdin), output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    [Fact]
    public async Task Token_create_prints_only_the_token_and_it_works_against_the_running_appliance()
    {
        var (exit, stdout, _) = await RunAsync("", "token", "create", "--name", "ci", "--role", "operator", "--expires-days", "30");

        Assert.Equal(0, exit);
        var token = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Trim();
        Assert.Matches("^apl_[A-Za-z0-9_-]{43}$", token);
        using var ci = Factory.CreateClient();
        ci.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await ci.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Ct);
        Assert.Equal(("token:ci", "operator"), (me.GetProperty("name").GetString(), me.GetProperty("role").GetString()));
        var audit = await Client.GetFromJsonAsync<JsonElement>("/api/v1/audit?actor=console", Ct);
        Assert.Equal("token.create", Assert.Single(audit.EnumerateArray()).GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_second_token_of_one_name_is_refused_unless_it_replaces_the_first()
    {
        var (first, oldToken, _) = await RunAsync("", "token", "create", "--name", "backup", "--role", "viewer");
        var (again, none, taken) = await RunAsync("", "token", "create", "--name", "backup", "--role", "viewer");
        var (replaced, newToken, _) = await RunAsync("", "token", "create", "--name", "backup", "--role", "viewer", "--replace");

        Assert.Equal((0, 2, 0), (first, again, replaced));
        Assert.Equal("", none);
        Assert.Contains("already have a token named 'backup'", taken, StringComparison.Ordinal);
        using var old = Factory.CreateClient();
        old.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", oldToken.Trim());
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/api/v1/status", Ct)).StatusCode);
        using var current = Factory.CreateClient();
        current.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", newToken.Trim());
        (await current.GetAsync("/api/v1/status", Ct)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task User_create_reads_the_password_from_stdin_and_bad_arguments_change_nothing()
    {
        var (exit, stdout, _) = await RunAsync("a-console-set-password\n", "user", "create", "--name", "root-admin", "--role", "admin");
        Assert.Equal(0, exit);
        Assert.Equal("", stdout);
        using var browser = Factory.CreateClient();
        await (await browser.PostAsJsonAsync("/api/v1/auth/login", new { userName = "root-admin", password = "a-console-set-password" }, Ct)).ExpectAsync(HttpStatusCode.OK, Ct);

        var (badRole, _, roleError) = await RunAsync("", "token", "create", "--name", "x", "--role", "root");
        Assert.Equal(2, badRole);
        Assert.Contains("--role must be admin, operator or viewer", roleError, StringComparison.Ordinal);
        var (weak, _, weakError) = await RunAsync("short\n", "user", "create", "--name", "weak", "--role", "viewer");
        Assert.Equal(2, weak);
        Assert.Contains("password", weakError, StringComparison.Ordinal);
        var users = await Client.GetFromJsonAsync<JsonElement>("/api/v1/users", Ct);
        Assert.Equal(["root-admin"], users.EnumerateArray().Select(u => u.GetProperty("userName").GetString()));
    }
}
