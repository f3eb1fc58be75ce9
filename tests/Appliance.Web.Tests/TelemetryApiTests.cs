using System.Net;
using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Engine.Status;
using Appliance.Engine.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests;

public sealed class TelemetryApiTests : ApiTest
{
    [Theory]
    [InlineData("?wan=dsl&hours=0", "hours")]
    [InlineData("?wan=dsl&hours=25", "hours")]
    [InlineData("?wan=dsl&hours=-3", "hours")]
    [InlineData("?hours=2", "wan")]
    public async Task Bad_history_queries_get_a_validation_problem_naming_the_field(string query, string field)
    {
        using var response = await Client.GetAsync("/api/v1/telemetry/history" + query, Ct);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Contains(field, problem.Errors().Keys);
    }

    [Fact]
    public async Task Hours_that_are_not_a_number_get_a_problem_too()
    {
        using var response = await Client.GetAsync("/api/v1/telemetry/history?wan=dsl&hours=many", Ct);

        await response.ProblemAsync(HttpStatusCode.BadRequest, Ct);
    }

    [Fact]
    public async Task A_wan_without_history_gives_an_empty_list()
    {
        using var response = await Client.GetAsync("/api/v1/telemetry/history?wan=nope", Ct);

        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(0, (await response.ReadJsonAsync(Ct)).GetArrayLength());
    }

    [Fact]
    public async Task A_viewer_reads_the_recorded_samples_oldest_first()
    {
        var store = Factory.Services.GetRequiredService<LinkHistoryStore>();
        var now = DateTimeOffset.UtcNow;
        for (var i = 5; i >= 1; i--)
        {
            store.Record(now.AddSeconds(-i), [new WanStatus("dsl", "wan1", i == 3 ? "degraded" : "up", true, "up", 12, 1, 0, 1000 * i, 10, 2) { Sessions = i }]);
        }
        using var viewer = Factory.CreateClient(UserRole.Viewer);

        using var response = await viewer.GetAsync("/api/v1/telemetry/history?wan=dsl&hours=24", Ct);

        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        var samples = await response.ReadAsync<List<LinkSample>>(Ct);
        Assert.Equal([5000L, 4000L, 3000L, 2000L, 1000L], samples.Select(s => s.RxBitsPerSecond));
        Assert.Equal("degraded", samples[2].State);
        Assert.Equal(1, samples[^1].Sessions);
    }
}
