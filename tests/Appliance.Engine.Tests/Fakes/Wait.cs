using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Fakes;

/// <summary>Bounded waits for work that runs on other threads.</summary>
internal static class Wait
{
    /// <summary>Generous: the machines that run the tests are small and busy.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Polls until <paramref name="condition"/> holds, failing after <see cref="Limit"/> of real time. With a virtual
    /// clock, moves it on by <paramref name="step"/> before each look, so whatever is due on it (a backoff, a period) comes.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, string what, FakeTimeProvider? time = null, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            if (condition())
            {
                return;
            }
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Timed out after {Limit.TotalSeconds:0} s waiting for {what}.");
            }
            time?.Advance(step ?? TimeSpan.FromMilliseconds(100));
            // Real time only lets the other threads run; what they wait for is on the virtual clock.
            await Task.Delay(10, CancellationToken.None);
        }
    }
}
