using Appliance.Engine.Configuration;

namespace Appliance.Web.Tests.Components.Dashboard;

/// <summary>A running config the test sets directly.</summary>
internal sealed class FakeRunningConfig : IRunningConfigSource
{
    public Task Ready => Task.CompletedTask;

    public ConfigSnapshot Current { get; set; } = ConfigSnapshot.None;

    public FakeRunningConfig WithWans(params WanLink[] wans)
    {
        Current = new ConfigSnapshot(1, new ApplianceConfig { Wans = wans }, DashboardTest.Epoch);
        return this;
    }

    public IDisposable Subscribe(Action<ConfigSnapshot> onChanged) => new Nothing();

    public Task MarkFailedAsync(long revisionId, string error, CancellationToken ct = default) => Task.CompletedTask;

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
