using Appliance.Engine.Configuration;
using Appliance.Engine.Health;

namespace Appliance.Engine.Tests.Health;

/// <summary>The state machine, round by round at the default 250 ms interval.</summary>
public class LinkHealthPolicyTests
{
    private static readonly ProbeSettings Defaults = new();
    private static readonly ProbeRound Good = new(1, 1, 20, null);
    private static readonly ProbeRound Lost = new(0, 1, null, "timeout");
    private DateTimeOffset _now = DateTimeOffset.UnixEpoch;

    private bool Feed(LinkHealthPolicy policy, ProbeRound round)
    {
        _now += TimeSpan.FromMilliseconds(Defaults.IntervalMs);
        return policy.Evaluate(round, _now);
    }

    private LinkHealthPolicy UpPolicy(ProbeSettings? settings = null)
    {
        var policy = new LinkHealthPolicy(settings ?? Defaults);
        for (var i = 0; i < 8; i++)
        {
            Feed(policy, Good);
        }
        Assert.Equal(LinkState.Up, policy.State);
        return policy;
    }

    [Fact]
    public void A_new_link_is_up_after_its_first_good_round()
    {
        var policy = new LinkHealthPolicy(Defaults);
        Assert.Equal(LinkState.Unknown, policy.State);
        Assert.True(Feed(policy, Good));
        Assert.Equal(LinkState.Up, policy.State);
    }

    [Fact]
    public void Down_after_three_failed_rounds_with_a_reason_saying_how_long()
    {
        var policy = UpPolicy();
        Assert.False(Feed(policy, Lost));
        Assert.False(Feed(policy, Lost));
        Assert.True(Feed(policy, Lost));
        Assert.Equal(LinkState.Down, policy.State);
        Assert.Equal("down: 3 rounds in a row without an answer for 0.5 s (timeout)", policy.Reason);
    }

    [Fact]
    public void Up_again_only_after_the_up_count_of_good_rounds()
    {
        var policy = UpPolicy();
        for (var i = 0; i < 3; i++)
        {
            Feed(policy, Lost);
        }
        for (var i = 1; i < Defaults.UpCount; i++)
        {
            Assert.False(Feed(policy, Good));
            Assert.Equal(LinkState.Down, policy.State);
            Assert.Equal($"down: recovering, {i} of {Defaults.UpCount} good rounds", policy.Reason);
        }
        Assert.True(Feed(policy, Good));
        Assert.Equal(LinkState.Up, policy.State);
    }

    [Fact]
    public void A_round_fails_when_fewer_targets_than_the_quorum_answer()
    {
        var policy = UpPolicy(Defaults with { Targets = ["198.51.100.1", "198.51.100.2", "198.51.100.3"], Quorum = 2 });
        var oneOfThree = new ProbeRound(1, 3, 20, "timeout");
        Feed(policy, oneOfThree);
        Feed(policy, oneOfThree);
        Feed(policy, oneOfThree);
        Assert.Equal(LinkState.Down, policy.State);
        Assert.StartsWith("down: 3 rounds in a row without 2 of 3 targets answering", policy.Reason, StringComparison.Ordinal);
        var twoOfThree = new ProbeRound(2, 3, 20, null);
        for (var i = 0; i < Defaults.UpCount; i++)
        {
            Feed(policy, twoOfThree);
        }
        // Two of three answering is a good round, but a third of the probes lost is above the recovery threshold.
        Assert.Equal(LinkState.Down, policy.State);
        Assert.Contains("loss 33.3 % > 10 %", policy.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Loss_above_the_degraded_threshold_degrades_and_recovers_only_below_the_recovery_threshold()
    {
        var policy = UpPolicy();
        // 20-round window: 5 lost of 20 is 25 %; losses spread out so no three fail in a row.
        for (var i = 0; i < 20; i++)
        {
            Feed(policy, i % 4 == 0 ? Lost : Good);
        }
        Assert.Equal(LinkState.Degraded, policy.State);
        Assert.Equal("degraded: loss 25 % > 20 %", policy.Reason);
        // 3 of 20 lost is 15 %: below the degraded threshold but above recovery, so it stays degraded (hysteresis).
        for (var i = 0; i < 20; i++)
        {
            Feed(policy, i % 7 == 0 ? Lost : Good);
        }
        Assert.Equal(LinkState.Degraded, policy.State);
        Assert.Equal("degraded: loss 15 %, recovers below 10 %", policy.Reason);
        for (var i = 0; i < 20; i++)
        {
            Feed(policy, Good);
        }
        Assert.Equal(LinkState.Up, policy.State);
    }

    [Fact]
    public void Latency_above_thresholds_degrades_then_downs()
    {
        var policy = UpPolicy();
        for (var i = 0; i < 30; i++)
        {
            Feed(policy, new ProbeRound(1, 1, 800, null));
        }
        Assert.Equal(LinkState.Degraded, policy.State);
        Assert.StartsWith("degraded: rtt", policy.Reason, StringComparison.Ordinal);
        for (var i = 0; i < 40; i++)
        {
            Feed(policy, new ProbeRound(1, 1, 2500, null));
        }
        // Down on latency; answered rounds alone do not bring it back while the rtt stays above recovery.
        Assert.Equal(LinkState.Down, policy.State);
        Assert.Equal("down: recovering, but rtt 2500 ms > 300 ms", policy.Reason);
    }

    [Fact]
    public void A_link_alternating_good_and_bad_every_700_ms_for_20_s_changes_state_a_bounded_number_of_times()
    {
        var policy = UpPolicy();
        var transitions = 0;
        var start = _now;
        while (_now - start < TimeSpan.FromSeconds(20))
        {
            var bad = (int)((_now - start).TotalMilliseconds / 700) % 2 == 1;
            transitions += Feed(policy, bad ? Lost : Good) ? 1 : 0;
        }
        // Down once; 700 ms of good rounds never reaches the 5 needed to come back while it flaps.
        Assert.InRange(transitions, 1, 2);
        Assert.Equal(LinkState.Down, policy.State);
    }

    [Fact]
    public void Carrier_loss_is_an_immediate_down_and_recovery_starts_from_scratch()
    {
        var policy = UpPolicy();
        policy.CarrierLost("down: no carrier on wan1");
        Assert.Equal(LinkState.Down, policy.State);
        Assert.Equal("down: no carrier on wan1", policy.Reason);
        Assert.Null(policy.Metrics.RttMs);
        for (var i = 0; i < Defaults.UpCount; i++)
        {
            Feed(policy, Good);
        }
        Assert.Equal(LinkState.Up, policy.State);
    }

    [Fact]
    public void Metrics_report_smoothed_rtt_jitter_and_window_loss()
    {
        var policy = new LinkHealthPolicy(Defaults);
        Feed(policy, new ProbeRound(1, 1, 20, null));
        Feed(policy, new ProbeRound(1, 1, 28, null));
        Feed(policy, Lost);
        Feed(policy, new ProbeRound(1, 1, 20, null));
        var m = policy.Metrics;
        Assert.Equal(25.0, m.LossPercent);
        Assert.Equal(20.875, m.RttMs!.Value, 3); // 20, then 20 + (28-20)/8 = 21, then 21 + (20-21)/8
        Assert.True(m.JitterMs > 0);
        Assert.Equal("timeout", m.LastError);
    }

    [Fact]
    public void Probes_lost_before_a_new_address_do_not_count_against_it()
    {
        var policy = UpPolicy();
        // Two rounds lost while the kernel moved to the new lease.
        Feed(policy, Lost);
        Feed(policy, Lost);

        policy.Readdressed();

        Assert.Equal(LinkState.Up, policy.State);
        for (var i = 0; i < 6; i++)
        {
            Feed(policy, Good);
        }
        Assert.Equal(LinkState.Up, policy.State);
        Assert.Equal(0, policy.Metrics.LossPercent);
    }

    [Theory]
    [InlineData(true, LinkState.Up)]
    [InlineData(false, LinkState.Degraded)]
    public void A_link_degraded_by_the_move_to_a_new_address_recovers_on_the_new_one(bool readdressed, LinkState after)
    {
        var policy = UpPolicy();
        // Rounds lost while the kernel moved over, never three in a row: 3 of 13 is 23 % loss, degraded.
        foreach (var round in new[] { Lost, Good, Lost, Good, Lost })
        {
            Feed(policy, round);
        }
        Assert.Equal(LinkState.Degraded, policy.State);

        if (readdressed)
        {
            policy.Readdressed();
        }
        for (var i = 0; i < LinkHealthPolicy.MinRoundsForLoss; i++)
        {
            Feed(policy, Good);
        }

        Assert.Equal(after, policy.State);
    }
}
