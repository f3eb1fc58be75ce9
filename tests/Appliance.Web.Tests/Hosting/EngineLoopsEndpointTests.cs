using System.Net;
using Appliance.Data.Entities;
using Appliance.Engine.Status;
using Appliance.Engine.Supervision;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Hosting;

/// <summary>The supervised loops as the running app shows them: in <c>/api/v1/status</c> and in <c>/healthz</c>.</summary>
public sealed class EngineLoopsEndpointTests : ApiTest
{
    [Fact]
    public async Task A_stalled_critical_loop_makes_healthz_unhealthy_until_it_moves_again()
    {
        var client = Client;
        var loops = Factory.Services.GetRequiredService<LoopMonitor>();
        // A pass limit of zero: stalled as soon as any time passes while busy.
        using var loop = loops.Register("reconciler", new LoopStall(TimeSpan.Zero));

        loop.Busy();
        for (var i = 0; i < 100 && loops.Stalled().Count == 0; i++)
        {
            await Task.Delay(10, Ct);
        }
        using (var stalled = await client.GetAsync("/healthz", Ct))
        {
            await stalled.ExpectAsync(HttpStatusCode.ServiceUnavailable, Ct);
            Assert.Equal("Unhealthy", await stalled.Content.ReadAsStringAsync(Ct));
        }

        loop.Done();
        using var healthy = await client.GetAsync("/healthz", Ct);
        await healthy.ExpectAsync(HttpStatusCode.OK, Ct);
    }

    [Fact]
    public async Task The_status_lists_each_loop_with_its_state_and_why_it_retries()
    {
        using var client = Factory.CreateClient(UserRole.Viewer);
        var loops = Factory.Services.GetRequiredService<LoopMonitor>();
        using var revert = loops.Register("commit-confirm revert");
        revert.Subject = "revert of revision 7 pending";
        revert.Failed(new IOException("database is locked"), TimeSpan.FromSeconds(4));

        using var response = await client.GetAsync("/api/v1/status", Ct);

        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        var listed = (await response.ReadJsonAsync(Ct)).GetProperty("loops").EnumerateArray()
            .Single(l => l.GetProperty("name").GetString() == "commit-confirm revert");
        Assert.Equal(LoopStates.Retrying, listed.GetProperty("state").GetString());
        Assert.StartsWith("revert of revision 7 pending: retrying in ", listed.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("(last error: IOException: database is locked)", listed.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, listed.GetProperty("failures").GetInt32());
    }
}
