using Appliance.Engine.Firmware;
using Appliance.Engine.FirmwareSlots;
using Appliance.Engine.Status;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Firmware;

/// <summary>After boot the slot is marked good only once the appliance is healthy, and never after the window.</summary>
public sealed class MarkGoodTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WanStatus Wan(bool usable) => new("dsl", "eth1", usable ? "up" : "down", usable, "", null, null, null, null, null, null);

    private static EngineStatus Applied(params WanStatus[] wans) => new(true, "running", 3, Epoch, wans, []);

    private static BondingStatus Bonding(string role, string state) => new(role, state, "198.51.100.1:7443", 0, 0, 0, 0, 0, null, [], []);

    [Fact]
    public void Not_applied_yet_waits()
    {
        var step = MarkGoodStep.Decide(TimeSpan.FromSeconds(10), Window, EngineStatus.NotRunning("starting"));

        Assert.IsType<MarkGoodStep.Wait>(step);
    }

    [Fact]
    public void Applied_with_a_usable_wan_marks()
    {
        Assert.IsType<MarkGoodStep.Mark>(MarkGoodStep.Decide(TimeSpan.FromSeconds(10), Window, Applied(Wan(false), Wan(true))));
    }

    [Fact]
    public void Applied_with_every_wan_down_waits_then_gives_up_saying_why()
    {
        var early = MarkGoodStep.Decide(TimeSpan.FromMinutes(1), Window, Applied(Wan(false)));
        var late = MarkGoodStep.Decide(Window, Window, Applied(Wan(false)));

        Assert.IsType<MarkGoodStep.Wait>(early);
        Assert.Equal("no WAN is usable", Assert.IsType<MarkGoodStep.GiveUp>(late).Missing);
    }

    [Fact]
    public void A_hub_listening_or_an_edge_connected_to_its_hub_is_healthy_without_a_usable_wan()
    {
        var hub = Applied() with { Bonding = Bonding("hub", "listening") };
        var edge = Applied(Wan(false)) with { Bonding = Bonding("edge", "connected") };
        var unreachable = Applied(Wan(false)) with { Bonding = Bonding("edge", "unreachable") };

        Assert.IsType<MarkGoodStep.Mark>(MarkGoodStep.Decide(TimeSpan.Zero, Window, hub));
        Assert.IsType<MarkGoodStep.Mark>(MarkGoodStep.Decide(TimeSpan.Zero, Window, edge));
        Assert.Contains("unreachable", Assert.IsType<MarkGoodStep.Wait>(MarkGoodStep.Decide(TimeSpan.Zero, Window, unreachable)).Missing);
    }

    [Fact]
    public async Task The_service_marks_once_when_the_engine_becomes_healthy()
    {
        var time = new FakeTimeProvider(Epoch);
        var installer = new RecordingInstaller();
        var mark = new BootMark();
        var engine = new MutableStatus { Current = EngineStatus.NotRunning("starting") };
        using var service = new MarkGoodService(installer, engine, mark, Options.Create(new RaucOptions { MarkGoodWindow = Window }), time, NullLogger<MarkGoodService>.Instance);

        await service.StartAsync(Ct);
        await Until(() => installer.StatusReads > 0);
        await Until(() => mark.Current is not null);
        Assert.Equal("waiting", mark.Current?.State);
        time.Advance(TimeSpan.FromSeconds(5));
        engine.Current = Applied(Wan(true));
        for (var i = 0; i < 5 && installer.Marked.Count == 0; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Until(() => installer.Marked.Count > 0, tries: 40);
        }
        time.Advance(TimeSpan.FromSeconds(30));
        await service.ExecuteTask!;

        Assert.Equal(["good booted"], installer.Marked);
        Assert.Equal("marked", mark.Current?.State);
    }

    [Fact]
    public async Task The_service_never_marks_when_the_window_passes_unhealthy()
    {
        var time = new FakeTimeProvider(Epoch);
        var installer = new RecordingInstaller();
        var mark = new BootMark();
        var engine = new MutableStatus { Current = Applied(Wan(false)) };
        using var service = new MarkGoodService(installer, engine, mark, Options.Create(new RaucOptions { MarkGoodWindow = Window }), time, NullLogger<MarkGoodService>.Instance);

        await service.StartAsync(Ct);
        await Until(() => installer.StatusReads > 0);
        for (var i = 0; i < 70 && !service.ExecuteTask!.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Until(() => service.ExecuteTask!.IsCompleted, tries: 2);
        }

        Assert.True(service.ExecuteTask!.IsCompleted);
        Assert.Empty(installer.Marked);
        Assert.Equal("gave-up", mark.Current?.State);
        Assert.Contains("no WAN is usable", mark.Current?.Detail);
    }

    [Fact]
    public async Task Without_an_installer_the_service_stays_idle()
    {
        var installer = new RecordingInstaller { Available = false };
        var mark = new BootMark();
        using var service = new MarkGoodService(installer, new MutableStatus { Current = Applied(Wan(true)) }, mark,
            Options.Create(new RaucOptions()), new FakeTimeProvider(Epoch), NullLogger<MarkGoodService>.Instance);

        await service.StartAsync(Ct);
        await service.ExecuteTask!;

        Assert.Empty(installer.Marked);
        Assert.Equal("unavailable", mark.Current?.State);
    }

    // Lets the service's continuation run; bounded, and no wall-clock sleep stands in for the fake clock.
    private static async Task Until(Func<bool> condition, int tries = 200)
    {
        for (var i = 0; i < tries && !condition(); i++)
        {
            await Task.Yield();
            await Task.Delay(1, Ct);
        }
    }

    private sealed class MutableStatus : IEngineStatusSource
    {
        public EngineStatus Current { get; set; } = EngineStatus.NotRunning("");
    }

    private sealed class RecordingInstaller : IRaucInstaller
    {
        public bool Available { get; init; } = true;
        public int StatusReads;
        public List<string> Marked { get; } = [];

        public Task<RaucStatus> GetStatusAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref StatusReads);
            return Available
                ? Task.FromResult(new RaucStatus("multiwan-appliance-x86_64", "A", "rootfs.0", "idle", new RaucProgress(0, "", 0), "", []))
                : Task.FromException<RaucStatus>(new RaucUnavailableException("no bus"));
        }

        public Task<RaucBundleInfo> InfoAsync(string bundlePath, CancellationToken ct) => throw new NotSupportedException();

        public Task InstallAsync(string bundlePath, Action<RaucProgress> progress, CancellationToken ct) => throw new NotSupportedException();

        public Task<string> MarkAsync(string state, string slotIdentifier, CancellationToken ct)
        {
            lock (Marked)
            {
                Marked.Add($"{state} {slotIdentifier}");
            }
            return Task.FromResult("marked");
        }
    }
}
