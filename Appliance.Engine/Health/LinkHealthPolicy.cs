using System.Globalization;
using Appliance.Engine.Configuration;

namespace Appliance.Engine.Health;

/// <summary>What one probe round of a WAN found: how many targets answered, and how fast.</summary>
public sealed record ProbeRound(int Answered, int Sent, double? MeanRttMs, string? FirstError);

/// <summary>
/// Decides a WAN's state from its probe rounds, with hysteresis: down after <see cref="ProbeSettings.DownCount"/>
/// failed rounds in a row or loss/latency above the down thresholds; back up only after
/// <see cref="ProbeSettings.UpCount"/> good rounds in a row and below the (lower) recovery thresholds.
/// Pure: the caller passes the time of each round, so it runs on any clock.
/// </summary>
public sealed class LinkHealthPolicy(ProbeSettings settings)
{
    /// <summary>Rounds kept for the loss figure: 20 rounds is 5 s at the default interval.</summary>
    public const int WindowRounds = 20;

    /// <summary>Loss is judged only once this many rounds are in the window; one lost probe is not 100 % loss.</summary>
    public const int MinRoundsForLoss = 4;

    private readonly Queue<(int Answered, int Sent)> _window = new();
    private int _failedInRow;
    private int _goodInRow;
    private DateTimeOffset _firstFailure;
    private double? _srtt;
    private double? _jitter;
    private double? _lastRtt;
    private string? _lastError;

    public LinkState State { get; private set; } = LinkState.Unknown;
    public string Reason { get; private set; } = "waiting for the first probe round";

    public LinkMetrics Metrics => new(_srtt, _jitter, _window.Count == 0 ? null : LossPercent, _lastError);

    private double LossPercent
    {
        get
        {
            var sent = _window.Sum(r => r.Sent);
            return sent == 0 ? 0 : 100.0 * (sent - _window.Sum(r => r.Answered)) / sent;
        }
    }

    /// <summary>Takes one round; returns true when the state changed.</summary>
    public bool Evaluate(ProbeRound round, DateTimeOffset at)
    {
        Record(round, at);
        var (state, reason) = Judge(round, at);
        Reason = reason;
        if (state == State)
        {
            return false;
        }
        if (state == LinkState.Down)
        {
            // Recovery is judged on rounds after the failure only, not on a window full of it.
            _window.Clear();
            _srtt = null;
            _jitter = null;
        }
        State = state;
        return true;
    }

    /// <summary>The interface lost carrier: down at once, and recovery starts from scratch.</summary>
    public void CarrierLost(string reason)
    {
        State = LinkState.Down;
        Reason = reason;
        _window.Clear();
        _failedInRow = _goodInRow = 0;
        _srtt = _jitter = _lastRtt = null;
    }

    /// <summary>
    /// The WAN has a new address or gateway (a DHCP renumbering, a new PPP session): what was measured on the old one
    /// says nothing about the new one. The state stays; the loss window and the rounds in a row start again, so probes
    /// lost while the kernel moved over neither take a working link down nor hold a recovering one back.
    /// </summary>
    public void Readdressed()
    {
        _window.Clear();
        _failedInRow = _goodInRow = 0;
    }

    private void Record(ProbeRound round, DateTimeOffset at)
    {
        _window.Enqueue((round.Answered, round.Sent));
        while (_window.Count > WindowRounds)
        {
            _window.Dequeue();
        }
        var good = round.Answered >= Math.Min(settings.Quorum, Math.Max(1, round.Sent));
        if (good)
        {
            _goodInRow++;
            _failedInRow = 0;
        }
        else
        {
            if (_failedInRow == 0)
            {
                _firstFailure = at;
            }
            _failedInRow++;
            _goodInRow = 0;
            _lastError = round.FirstError ?? _lastError;
        }
        if (round.MeanRttMs is { } rtt)
        {
            // RFC 6298 smoothing for RTT, RFC 3550 for jitter: steady figures that still follow a real change.
            _srtt = _srtt is { } s ? s + (rtt - s) / 8 : rtt;
            _jitter = _lastRtt is { } last ? (_jitter ?? 0) + (Math.Abs(rtt - last) - (_jitter ?? 0)) / 16 : _jitter;
            _lastRtt = rtt;
        }
    }

    private (LinkState, string) Judge(ProbeRound round, DateTimeOffset at)
    {
        var loss = LossPercent;
        var lossKnown = _window.Count >= MinRoundsForLoss;
        var rtt = _srtt ?? 0;
        if (_failedInRow >= settings.DownCount)
        {
            var seconds = (at - _firstFailure).TotalSeconds;
            return (LinkState.Down, $"down: {_failedInRow} rounds in a row without {Quorum(round)} for {F(seconds, "0.0")} s" + (_lastError is null ? "" : $" ({_lastError})"));
        }
        if (State is LinkState.Down or LinkState.Unknown)
        {
            // Unknown becomes usable on its first good round, so a starting appliance carries traffic at once.
            var needed = State == LinkState.Unknown ? 1 : settings.UpCount;
            if (_goodInRow < needed)
            {
                return (State, State == LinkState.Unknown ? Reason : $"down: recovering, {_goodInRow} of {needed} good rounds");
            }
            if (loss > settings.RecoverLossPercent || rtt > settings.RecoverLatencyMs)
            {
                return (State, $"down: recovering, but {(loss > settings.RecoverLossPercent ? $"loss {F(loss)} % > {F(settings.RecoverLossPercent)} %" : $"rtt {F(rtt)} ms > {settings.RecoverLatencyMs} ms")}");
            }
            return (LinkState.Up, UpReason(loss, rtt));
        }
        if (lossKnown && loss > settings.DownLossPercent)
        {
            return (LinkState.Down, $"down: loss {F(loss)} % > {F(settings.DownLossPercent)} %");
        }
        if (rtt > settings.DownLatencyMs)
        {
            return (LinkState.Down, $"down: rtt {F(rtt)} ms > {settings.DownLatencyMs} ms");
        }
        var degradedByLoss = lossKnown && loss > (State == LinkState.Degraded ? settings.RecoverLossPercent : settings.DegradedLossPercent);
        var degradedByRtt = rtt > (State == LinkState.Degraded ? settings.RecoverLatencyMs : settings.DegradedLatencyMs);
        if (degradedByLoss || degradedByRtt)
        {
            // Entering names the threshold crossed; staying names the one it must get below (hysteresis).
            var crossed = degradedByLoss ? loss > settings.DegradedLossPercent : rtt > settings.DegradedLatencyMs;
            return (LinkState.Degraded, (degradedByLoss, crossed) switch
            {
                (true, true) => $"degraded: loss {F(loss)} % > {F(settings.DegradedLossPercent)} %",
                (true, false) => $"degraded: loss {F(loss)} %, recovers below {F(settings.RecoverLossPercent)} %",
                (false, true) => $"degraded: rtt {F(rtt)} ms > {settings.DegradedLatencyMs} ms",
                _ => $"degraded: rtt {F(rtt)} ms, recovers below {settings.RecoverLatencyMs} ms",
            });
        }
        return (LinkState.Up, UpReason(loss, rtt));
    }

    private string Quorum(ProbeRound round) =>
        round.Sent <= 1 ? "an answer" : $"{Math.Min(settings.Quorum, round.Sent)} of {round.Sent} targets answering";

    private string UpReason(double loss, double rtt) => $"up: rtt {F(rtt)} ms, jitter {F(_jitter ?? 0)} ms, loss {F(loss)} %";

    private static string F(double value, string format = "0.#") => value.ToString(format, CultureInfo.InvariantCulture);
}
