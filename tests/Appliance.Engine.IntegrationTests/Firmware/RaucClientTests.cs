using Appliance.Engine.FirmwareSlots;

namespace Appliance.Engine.IntegrationTests.Firmware;

/// <summary>The RAUC client against the real `rauc service` on a private bus, with file-backed slots.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RaucClientTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private RaucBench _bench = null!;

    public async ValueTask InitializeAsync() => _bench = await RaucBench.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _bench.DisposeAsync();

    [Fact]
    public async Task Status_names_the_compatible_the_booted_slot_and_both_slots()
    {
        var status = await _bench.Client.GetStatusAsync(Ct);

        Assert.Equal(RaucBench.Compatible, status.Compatible);
        Assert.Equal("A", status.BootSlot);
        Assert.Equal("idle", status.Operation);
        Assert.Equal(["rootfs.0", "rootfs.1"], status.Slots.Select(s => s.Name));
        Assert.Equal("booted", status.Slots[0].State);
        Assert.Equal("B", status.Slots[1].BootName);
    }

    [Fact]
    public async Task A_good_bundle_installs_into_the_other_slot_with_progress_to_100()
    {
        var image = await _bench.MakeImageAsync("good", Ct);
        var bundle = await _bench.MakeBundleAsync("good", image, Ct, version: "2.1.0");
        var slotA = RaucBench.Sha256(_bench.SlotA);

        var info = await _bench.Client.InfoAsync(bundle, Ct);
        var steps = new List<RaucProgress>();
        await _bench.Client.InstallAsync(bundle, p => { lock (steps) { steps.Add(p); } }, Ct);

        Assert.Equal(new RaucBundleInfo(RaucBench.Compatible, "2.1.0"), info);
        Assert.NotEmpty(steps);
        Assert.Equal(100, steps[^1].Percent);
        Assert.True(steps.Select(s => s.Percent).SequenceEqual(steps.Select(s => s.Percent).Order()), "progress only goes forward");
        var written = await File.ReadAllBytesAsync(_bench.SlotB, Ct);
        var expected = await File.ReadAllBytesAsync(image, Ct);
        Assert.Equal(expected, written.AsSpan(0, expected.Length).ToArray());
        Assert.Equal(slotA, RaucBench.Sha256(_bench.SlotA));
        var status = await _bench.Client.GetStatusAsync(Ct);
        Assert.Equal("2.1.0", status.Slots.Single(s => s.Name == "rootfs.1").BundleVersion);
        Assert.Equal("rootfs.1", status.Primary);
    }

    [Fact]
    public async Task A_bundle_for_another_product_installs_nothing_and_says_why()
    {
        var image = await _bench.MakeImageAsync("other", Ct);
        var bundle = await _bench.MakeBundleAsync("other", image, Ct, compatible: "some-other-product");
        var before = (RaucBench.Sha256(_bench.SlotA), RaucBench.Sha256(_bench.SlotB));

        var info = await _bench.Client.InfoAsync(bundle, Ct);
        var refused = await Assert.ThrowsAsync<RaucException>(() => _bench.Client.InstallAsync(bundle, _ => { }, Ct));

        Assert.Equal("some-other-product", info.Compatible);
        Assert.Contains("ompatible", refused.Message);
        Assert.Equal(before, (RaucBench.Sha256(_bench.SlotA), RaucBench.Sha256(_bench.SlotB)));
    }

    [Fact]
    public async Task A_bundle_signed_by_an_untrusted_key_is_refused()
    {
        var stranger = await RaucKeys.CreateAsync(_bench.Dir, "stranger", Ct);
        var image = await _bench.MakeImageAsync("stranger", Ct);
        var bundle = await _bench.MakeBundleAsync("stranger", image, Ct, keys: stranger);

        await AssertRefusedAsync(bundle, "not signed by a key this appliance trusts");
    }

    [Fact]
    public async Task A_corrupted_bundle_is_refused()
    {
        var image = await _bench.MakeImageAsync("corrupt", Ct);
        var bundle = await _bench.MakeBundleAsync("corrupt", image, Ct);
        await using (var file = File.OpenWrite(bundle))
        {
            // Inside the payload, well before the signature at the end.
            file.Seek(64 * 1024, SeekOrigin.Begin);
            file.Write([0xde, 0xad, 0xbe, 0xef]);
        }

        await AssertRefusedAsync(bundle, "changed after signing");
    }

    [Fact]
    public async Task A_truncated_bundle_is_refused()
    {
        var image = await _bench.MakeImageAsync("truncated", Ct);
        var bundle = await _bench.MakeBundleAsync("truncated", image, Ct);
        await using (var file = File.OpenWrite(bundle))
        {
            file.SetLength(file.Length / 2);
        }

        await AssertRefusedAsync(bundle, "incomplete");
    }

    [Fact]
    public async Task A_file_that_is_no_bundle_is_refused()
    {
        var bundle = Path.Combine(_bench.Dir, "notes.raucb");
        await File.WriteAllTextAsync(bundle, new string('x', 4096), Ct);

        await AssertRefusedAsync(bundle, "not a firmware bundle");
    }

    [Fact]
    public async Task The_client_survives_a_restart_of_the_service()
    {
        await _bench.Client.GetStatusAsync(Ct);
        await _bench.StopServiceAsync();

        await Assert.ThrowsAsync<RaucUnavailableException>(() => _bench.Client.GetStatusAsync(Ct));
        await _bench.StartServiceAsync(Ct);
        var status = await _bench.Client.GetStatusAsync(Ct);
        var image = await _bench.MakeImageAsync("after-restart", Ct);
        var bundle = await _bench.MakeBundleAsync("after-restart", image, Ct);
        var steps = new List<RaucProgress>();
        await _bench.Client.InstallAsync(bundle, p => { lock (steps) { steps.Add(p); } }, Ct);

        Assert.Equal("A", status.BootSlot);
        Assert.Equal(100, steps[^1].Percent);
    }

    [Fact]
    public async Task Marking_the_booted_slot_bad_and_good_shows_in_the_slot_status()
    {
        await _bench.Client.MarkAsync("bad", "booted", Ct);
        var bad = await _bench.Client.GetStatusAsync(Ct);
        var message = await _bench.Client.MarkAsync("good", "booted", Ct);
        var good = await _bench.Client.GetStatusAsync(Ct);

        Assert.Equal("bad", bad.Slots.Single(s => s.Name == "rootfs.0").BootStatus);
        Assert.Equal("good", good.Slots.Single(s => s.Name == "rootfs.0").BootStatus);
        Assert.Contains("rootfs.0", message);
    }

    private async Task AssertRefusedAsync(string bundle, string reason)
    {
        var before = (RaucBench.Sha256(_bench.SlotA), RaucBench.Sha256(_bench.SlotB));

        var refused = await Assert.ThrowsAsync<RaucException>(() => _bench.Client.InfoAsync(bundle, Ct));
        var installRefused = await Assert.ThrowsAsync<RaucException>(() => _bench.Client.InstallAsync(bundle, _ => { }, Ct));

        Assert.Contains(reason, refused.Message);
        Assert.NotEmpty(installRefused.Message);
        Assert.Equal(before, (RaucBench.Sha256(_bench.SlotA), RaucBench.Sha256(_bench.SlotB)));
    }
}
