using System.Globalization;

namespace Appliance.Engine.Health.Probing;

/// <summary>Bounds one probe by its timeout while still following the caller's token.</summary>
/// <remarks>
/// The two are kept apart so a prober can tell them apart: its own timeout means "lost", the caller's cancellation
/// (the engine stopping, the WAN removed) must propagate. The timer runs on the <see cref="TimeProvider"/> the RTT
/// is measured with, so both agree on what a millisecond is.
/// </remarks>
internal sealed class ProbeDeadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public ProbeDeadline(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        Timeout = timeout;
        _timer = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _timer.Token);
    }

    public TimeSpan Timeout { get; }

    public CancellationToken Token => _linked.Token;

    /// <summary>"within 500 ms", for loss reasons.</summary>
    public string Within => string.Create(CultureInfo.InvariantCulture, $"within {Timeout.TotalMilliseconds:0} ms");

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
