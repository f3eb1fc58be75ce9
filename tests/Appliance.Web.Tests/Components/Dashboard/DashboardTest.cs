using Appliance.Data;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Status;
using Appliance.Engine.Telemetry;
using Appliance.Web.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Web.Tests.Components.Dashboard;

/// <summary>
/// The dashboard's and history page's services: a virtual clock, the live feed, a running config, a real
/// health event store on a throwaway SQLite file, and a fake link history, empty unless a test fills one.
/// </summary>
public abstract class DashboardTest : ComponentTest
{
    public static readonly DateTimeOffset Epoch = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "appliance-dashboard-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _data;

    protected DashboardTest()
    {
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(Feed);
        Services.AddSingleton<IRunningConfigSource>(Config);
        Services.AddSingleton<Appliance.Engine.Network.IPortInventory>(Inventory);
        Services.AddSingleton<Appliance.Engine.Network.IWanAddressSource>(Addresses);
        // An empty history unless a test adds its own (the later registration wins).
        Services.AddSingleton<ILinkHistory>(new FakeLinkHistory());
        _data = new ServiceCollection().AddApplianceData(_directory).BuildServiceProvider();
        var factory = _data.GetRequiredService<IDbContextFactory<ApplianceDbContext>>();
        using (var db = factory.CreateDbContext())
        {
            db.Database.Migrate();
        }
        Events = new HealthEventStore(factory);
        Services.AddSingleton(Events);
    }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected FakeTimeProvider Clock { get; } = new(Epoch);

    protected LiveStatusFeed Feed { get; } = new();

    internal FakeRunningConfig Config { get; } = new();

    internal FakePortInventory Inventory { get; } = new();
    internal FakeWanAddressSource Addresses { get; } = new();

    protected HealthEventStore Events { get; }

    internal FakeLinkHistory UseHistory(FakeLinkHistory history)
    {
        Services.AddSingleton<ILinkHistory>(history);
        return history;
    }

    /// <summary>A second passes and the broadcaster publishes its snapshot, as it does once a second.</summary>
    protected void Tick(params WanStatus[] wans) => Tick(Running(wans));

    protected void Tick(EngineStatus status)
    {
        Clock.Advance(TimeSpan.FromSeconds(1));
        Feed.Publish(new SnapshotUpdate(status));
    }

    protected static EngineStatus Running(params WanStatus[] wans) => new(true, "running", 7, Epoch, wans, []);

    protected static WanStatus Wan(string name, string state = "up", long? rx = 12_500_000, long? tx = 2_000_000, double? rtt = 18.4, long? sessions = 42, string? reason = null) =>
        new(name, "eth-" + name, state, state != "down", reason ?? $"{state}: rtt {rtt} ms", rtt, 1.2, 0.5, rx, tx, 100) { Sessions = sessions };

    // The test framework disposes asynchronously, and bUnit's async path calls Dispose(false): clean up here.
    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await _data.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
