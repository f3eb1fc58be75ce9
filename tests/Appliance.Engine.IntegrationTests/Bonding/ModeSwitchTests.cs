using System.Net;
using System.Text.Json;
using Appliance.Engine.Configuration;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Bonding;

/// <summary>Turning bonding on under live traffic: sessions already balanced finish where they are, new ones are bonded.</summary>
public sealed class ModeSwitchTests(ITestOutputHelper output) : IAsyncLifetime
{
    private BondedLab _lab = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _lab = await BondedLab.CreateAsync([20, 10], mode: WanMode.Balance);

    public async ValueTask DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task A_balanced_download_survives_its_wans_switching_to_bond_and_the_next_session_is_bonded()
    {
        var lan = _lab.Lab.Thread(_lab.Lab.Lan);
        var download = BulkClient.DownloadAsync(lan, BondedLab.BulkEndpoint, TimeSpan.FromSeconds(10), Ct);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        await _lab.Edge.ConfigureAsync(BondedLab.EdgeWans(_lab.Lab, WanMode.Bond), settings: BondedLab.EdgeSettings(encrypt: false));
        await _lab.Edge.WaitForBondingAsync(b => b.GetProperty("paths").GetArrayLength() == 2, TimeSpan.FromSeconds(15));

        var log = await download;
        output.WriteLine($"balanced download: {log.Bytes / 1e6:0.0} MB in {log.Seconds:0.0} s, completed={log.Completed} {log.Error}; longest stall {log.LongestStallSeconds(0, log.Seconds) * 1000:0} ms");
        Assert.True(log.Completed, $"the balanced download did not survive the switch: {log.Error}");

        var bonded = await BulkClient.DownloadAsync(lan, BondedLab.BulkEndpoint, TimeSpan.FromSeconds(2), Ct);
        Assert.True(bonded.Completed, bonded.Error);
        var bonding = await _lab.Edge.WaitForBondingAsync(b => b.GetProperty("totalSessions").GetInt64() >= 1, TimeSpan.FromSeconds(5));
        Assert.Equal(0, bonding.GetProperty("failedSessions").GetInt64());
    }
}
