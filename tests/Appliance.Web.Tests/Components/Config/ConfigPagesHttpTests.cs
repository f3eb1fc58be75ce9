using System.Net;
using System.Net.Http.Json;
using Appliance.Engine.Configuration;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Appliance.Web.Tests.Components.Config;

/// <summary>The config pages as the browser first gets them (prerendered): who may see them, what viewers cannot touch, no secrets.</summary>
public sealed class ConfigPagesHttpTests : ApiTest
{
    private const string Password = "a-long-user-passphrase";
    private const string HubKey = "0123456789abcdef-shared-key";
    private static readonly string[] Pages = ["/wans", "/rules", "/settings", "/revisions", "/ports", "/lan"];

    private async Task<HttpClient> SignedInAsync(string name, string role)
    {
        (await Client.PostAsJsonAsync("/api/v1/users", new { userName = name, password = Password, role }, Ct)).EnsureSuccessStatusCode();
        var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        (await browser.PostAsJsonAsync("/api/v1/auth/login", new { userName = name, password = Password }, Ct)).EnsureSuccessStatusCode();
        return browser;
    }

    private async Task SeedAsync()
    {
        var wan = new WanLink { Name = "dsl", Interface = "eth1", Gateway = "198.51.100.254", Probes = new ProbeSettings { Targets = ["198.51.100.1"] } };
        (await Client.PostAsync("/api/v1/wans", Api.Json(wan), Ct)).EnsureSuccessStatusCode();
        var settings = new ApplianceSettings { Hub = new HubPeerSettings { Address = "203.0.113.200", EdgeId = "branch-7", Key = HubKey } };
        (await Client.PutAsync("/api/v1/settings", Api.Json(settings), Ct)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_the_sign_in_page()
    {
        using var anonymous = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var page in Pages)
        {
            var response = await anonymous.GetAsync(page, Ct);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location?.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_viewer_reads_the_config_pages_without_edit_controls_or_the_apply_bar()
    {
        await SeedAsync();
        using var viewer = await SignedInAsync("vera", "viewer");

        var wans = await viewer.GetStringAsync("/wans", Ct);
        Assert.Contains("eth1", wans, StringComparison.Ordinal);
        Assert.DoesNotContain("wan-add", wans, StringComparison.Ordinal);
        Assert.DoesNotContain("wan-delete-dsl", wans, StringComparison.Ordinal);
        Assert.DoesNotContain("apply-bar", wans, StringComparison.Ordinal);
        Assert.DoesNotContain("rule-add", await viewer.GetStringAsync("/rules", Ct), StringComparison.Ordinal);
        var settings = await viewer.GetStringAsync("/settings", Ct);
        Assert.DoesNotContain("settings-save", settings, StringComparison.Ordinal);
        Assert.DoesNotContain(HubKey, settings, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"import\"", await viewer.GetStringAsync("/revisions", Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("ports-save", await viewer.GetStringAsync("/ports", Ct), StringComparison.Ordinal);
        var lan = await viewer.GetStringAsync("/lan", Ct);
        Assert.Contains("lan-form", lan, StringComparison.Ordinal);
        Assert.DoesNotContain("lan-save", lan, StringComparison.Ordinal);
        Assert.DoesNotContain("lan-lease-add", lan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_gets_edit_controls_and_the_apply_bar_but_never_the_hub_key()
    {
        await SeedAsync();
        using var operatorClient = await SignedInAsync("otto", "operator");

        foreach (var page in Pages)
        {
            var html = await operatorClient.GetStringAsync(page, Ct);
            Assert.Contains("apply-bar", html, StringComparison.Ordinal);
            Assert.DoesNotContain(HubKey, html, StringComparison.Ordinal);
        }
        Assert.Contains("wan-add", await operatorClient.GetStringAsync("/wans", Ct), StringComparison.Ordinal);
        Assert.Contains("settings-save", await operatorClient.GetStringAsync("/settings", Ct), StringComparison.Ordinal);
    }
}
