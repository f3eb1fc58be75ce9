using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Appliance.Engine.Status;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests;

public sealed class MetricsTests : ApiTest
{
    /// <summary>What a running edge with a balanced and a bonded WAN reports.</summary>
    private static readonly EngineStatus Running = new EngineStatus(true, "running", 12, DateTimeOffset.UtcNow,
        [
            new WanStatus("dsl", "wan1", "up", true, "up: rtt 12 ms", 12.5, 1.5, 2, 8_000_000, 1_600_000, 170) { Sessions = 42, RxBytes = 10_000_000, TxBytes = 2_000_000 },
            new WanStatus("cable", "wan2", "degraded", true, "degraded: loss 12 %", 30, 5, 12, 16_000_000, 800_000, 90) { Sessions = 7, Subflows = 2 },
            new WanStatus("lte", "wwan0", "down", false, "down: no carrier", null, null, null, null, null, null),
        ],
        ["lte is down"])
    {
        Applies = new ApplyStats(5, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(-3)),
        Bonding = new BondingStatus("edge", "connected", "203.0.113.20:7443", 2, 9, 1, 4_000_000, 80_000_000, "198.51.100.9:443: refused",
            [new BondPathStatus("cable", "198.18.12.2", false, 2, 5_000_000, 90_000_000)], [])
        {
            GoodputBitsPerSecond = 20_000_000, Efficiency = 1.18,
        },
    };

    private WebApplicationFactory<Program> RunningEngine() =>
        Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IEngineStatusSource>(new FixedStatus(Running))));

    private static HttpClient ClientOf(WebApplicationFactory<Program> factory, UserRole role)
    {
        var token = factory.Services.GetRequiredService<ApiTokenStore>()
            .CreateAsync(new NewApiToken($"prometheus-{Guid.NewGuid():N}"[..30], role, null), new ChangeContext(TokenCreators.System, "tests"))
            .GetAwaiter().GetResult().Token;
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task A_viewer_token_scrapes_text_that_promtool_accepts_without_lint_problems()
    {
        await using var app = RunningEngine();
        using var prometheus = ClientOf(app, UserRole.Viewer);

        using var response = await prometheus.GetAsync("/metrics", Ct);

        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("version=0.0.4", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("appliance_wan_state{wan=\"cable\",state=\"degraded\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("appliance_wan_sessions{wan=\"dsl\"} 42\n", text, StringComparison.Ordinal);
        Assert.Contains("appliance_bonding_efficiency_ratio 1.18\n", text, StringComparison.Ordinal);
        var (exitCode, output) = await PromtoolCheckAsync(text);
        Assert.True(exitCode == 0 && output.Length == 0, $"promtool check metrics exited {exitCode}: {output}");
    }

    [Fact]
    public async Task Without_credentials_metrics_answer_401_not_a_sign_in_redirect()
    {
        using var anonymous = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await anonymous.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_refused_bearer_token_gets_401()
    {
        using var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "apl_not-a-token");

        using var response = await client.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_stopped_engine_still_exposes_that_it_is_not_running()
    {
        using var response = await Client.GetAsync("/metrics", Ct);

        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Contains("appliance_engine_running 0\n", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    /// <summary>Runs <c>promtool check metrics</c> on the text; returns its exit code and whatever it printed.</summary>
    private static async Task<(int ExitCode, string Output)> PromtoolCheckAsync(string text)
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }

    private sealed class FixedStatus(EngineStatus current) : IEngineStatusSource
    {
        public EngineStatus Current => current;
    }
}
