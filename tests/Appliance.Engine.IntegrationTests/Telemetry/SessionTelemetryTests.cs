using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Telemetry;

/// <summary>Sessions per WAN counted from the real conntrack table while LAN clients open connections through the appliance.</summary>
public sealed class SessionTelemetryTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private NetnsLab _lab = null!;
    private ApplianceUnderTest _appliance = null!;
    private CountingTcpServer _tcp = null!;

    public async ValueTask InitializeAsync()
    {
        _lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2)]);
        _appliance = new ApplianceUnderTest(_lab);
        _tcp = new CountingTcpServer(_lab.Thread(_lab.Inet), new IPEndPoint(LabAddresses.Server, 8080));
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await _appliance.DisposeAsync();
        _appliance.DeleteData();
        await _lab.DisposeAsync();
    }

    [Fact]
    public async Task Sessions_per_wan_count_the_conntrack_entries_of_its_mark_during_traffic()
    {
        await _appliance.ConfigureAsync([ApplianceUnderTest.Wan(_lab.Wans[0]), ApplianceUnderTest.Wan(_lab.Wans[1])]);

        var result = await LanClient.TcpBurstAsync(_lab.Thread(_lab.Lan), _tcp.Endpoint, 200, Limit);

        Assert.Equal(200, result.Succeeded);
        // Closed connections stay in conntrack (TIME_WAIT) for minutes: each WAN's count reaches what it carried.
        var wan1 = await _appliance.WaitForWanAsync("wan1", w => Sessions(w) >= _tcp.CountFrom(_lab.Wans[0].ApplianceAddress), Limit);
        var wan2 = await _appliance.WaitForWanAsync("wan2", w => Sessions(w) >= _tcp.CountFrom(_lab.Wans[1].ApplianceAddress), Limit);
        Assert.True(Sessions(wan1) > 0 && Sessions(wan2) > 0, $"sessions: wan1 {Sessions(wan1)}, wan2 {Sessions(wan2)}");
        // Sessions to the appliance itself carry no mark: the counts stay within what the LAN opened (and the probes, none here).
        Assert.InRange(Sessions(wan1) + Sessions(wan2), 200, 210);

        var metrics = await _appliance.Api.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains($"appliance_wan_sessions{{wan=\"wan1\"}} {Sessions(await _appliance.WanStatusAsync("wan1"))}", metrics, StringComparison.Ordinal);
        var history = await WaitForHistoryAsync("wan1", s => s.GetProperty("sessions").ValueKind == JsonValueKind.Number && s.GetProperty("sessions").GetInt64() > 0);
        Assert.Equal("up", history.GetProperty("state").GetString());
    }

    private async Task<JsonElement> WaitForHistoryAsync(string wan, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var samples = await _appliance.Api.GetFromJsonAsync<JsonElement>($"/api/v1/telemetry/history?wan={wan}&hours=1", TestContext.Current.CancellationToken);
            if (samples.EnumerateArray().LastOrDefault(condition) is { ValueKind: JsonValueKind.Object } found)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no history sample of {wan} matched within {Limit}: {samples}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static long Sessions(JsonElement wan) =>
        wan.GetProperty("sessions") is { ValueKind: JsonValueKind.Number } sessions ? sessions.GetInt64() : -1;
}
