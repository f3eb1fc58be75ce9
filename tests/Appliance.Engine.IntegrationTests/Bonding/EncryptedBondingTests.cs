using System.Text.Json;
using Appliance.Testing;

namespace Appliance.Engine.IntegrationTests.Bonding;

/// <summary>An edge registered with encryption: its sessions run TLS over the MPTCP connection, pinned to the hub's key.</summary>
public sealed class EncryptedBondingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private BondedLab _lab = null!;

    public async ValueTask InitializeAsync() => _lab = await BondedLab.CreateAsync([20, 10], encrypt: true);

    public async ValueTask DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task An_encrypted_bonded_download_completes_over_both_links()
    {
        var (rx1, rx2) = (await _lab.WanRxBytesAsync(1), await _lab.WanRxBytesAsync(2));

        var log = await BulkClient.DownloadAsync(_lab.Lab.Thread(_lab.Lab.Lan), BondedLab.BulkEndpoint, TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);

        var (wan1, wan2) = (await _lab.WanRxBytesAsync(1) - rx1, await _lab.WanRxBytesAsync(2) - rx2);
        output.WriteLine($"encrypted download: {log.RateMbit(0, log.Seconds):0.0} Mbit/s over {log.Seconds:0.0} s; wan1 {wan1 / 1e6:0.0} MB, wan2 {wan2 / 1e6:0.0} MB");
        Assert.True(log.Completed, log.Error);
        Assert.True(log.Bytes > 10_000_000, $"only {log.Bytes} bytes");
        Assert.True(wan1 > 2_000_000 && wan2 > 2_000_000, $"wan1 {wan1} and wan2 {wan2} bytes: both links should carry the session");
        var hub = await _lab.Hub.WaitForBondingAsync(b => b.GetProperty("bytesDown").GetInt64() >= log.Bytes, TimeSpan.FromSeconds(5));
        Assert.Equal(0, hub.GetProperty("failedSessions").GetInt64());
    }
}
