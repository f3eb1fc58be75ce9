using Appliance.Engine.Status;
using Appliance.Engine.Telemetry;

namespace Appliance.Engine.Tests.Telemetry;

public sealed class MetricsRendererTests
{
    private static readonly DateTimeOffset Applied = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An edge with two WANs (one measured, one down and not measured yet) and a connected bonding relay.</summary>
    internal static EngineStatus Edge() => new EngineStatus(true, "running", 42, Applied,
        [
            new WanStatus("dsl", "wan1", "up", true, "up: rtt 12 ms", 12.5, 1.5, 2, 8000, 1600, 17)
            {
                Sessions = 5, Subflows = 2, RxBytes = 1_000_000, TxBytes = 200_000,
            },
            new WanStatus("lte", "wwan0", "down", false, "down: no carrier", null, null, null, null, null, null),
        ],
        [])
    {
        Applies = new ApplyStats(3, 1, Applied, Applied.AddSeconds(-30.5)),
        Bonding = new BondingStatus("edge", "connected", "203.0.113.20:7443", 1, 4, 0, 3000, 90000, null,
            [new BondPathStatus("dsl", "198.18.11.2", false, 2, 5000, 70000)], [])
        {
            GoodputBitsPerSecond = 16000, Efficiency = 1.25, FallbackSessions = 7, ActiveFallbackSessions = 2,
            BufferBytes = 131072, BufferPeakBytes = 262144, BufferLimitBytes = 67108864,
        },
    };

    [Fact]
    public void A_running_edge_renders_every_family_with_help_and_type()
    {
        const string expected = """
            # HELP appliance_engine_running Whether the engine runs and has applied a revision (1) or not (0).
            # TYPE appliance_engine_running gauge
            appliance_engine_running 1
            # HELP appliance_engine_revision The configuration revision whose state is in the kernel (0 for none).
            # TYPE appliance_engine_revision gauge
            appliance_engine_revision 42
            # HELP appliance_engine_applies_total Reconcile passes since the process started, by whether the kernel took the desired state.
            # TYPE appliance_engine_applies_total counter
            appliance_engine_applies_total{result="ok"} 3
            appliance_engine_applies_total{result="failed"} 1
            # HELP appliance_engine_last_apply_timestamp_seconds When a desired state last reached the kernel (Unix time).
            # TYPE appliance_engine_last_apply_timestamp_seconds gauge
            appliance_engine_last_apply_timestamp_seconds 1772366400
            # HELP appliance_engine_last_failed_apply_timestamp_seconds When the kernel last refused a desired state (Unix time).
            # TYPE appliance_engine_last_failed_apply_timestamp_seconds gauge
            appliance_engine_last_failed_apply_timestamp_seconds 1772366369.5
            # HELP appliance_wan_info The WANs of the running plan, with their interface.
            # TYPE appliance_wan_info gauge
            appliance_wan_info{wan="dsl",interface="wan1"} 1
            appliance_wan_info{wan="lte",interface="wwan0"} 1
            # HELP appliance_wan_up Whether the WAN's health is up (1) or anything else (0).
            # TYPE appliance_wan_up gauge
            appliance_wan_up{wan="dsl"} 1
            appliance_wan_up{wan="lte"} 0
            # HELP appliance_wan_state The WAN's health state, one series per state, 1 for the current one.
            # TYPE appliance_wan_state gauge
            appliance_wan_state{wan="dsl",state="up"} 1
            appliance_wan_state{wan="dsl",state="degraded"} 0
            appliance_wan_state{wan="dsl",state="down"} 0
            appliance_wan_state{wan="dsl",state="unknown"} 0
            appliance_wan_state{wan="lte",state="up"} 0
            appliance_wan_state{wan="lte",state="degraded"} 0
            appliance_wan_state{wan="lte",state="down"} 1
            appliance_wan_state{wan="lte",state="unknown"} 0
            # HELP appliance_wan_usable Whether the WAN takes new sessions now.
            # TYPE appliance_wan_usable gauge
            appliance_wan_usable{wan="dsl"} 1
            appliance_wan_usable{wan="lte"} 0
            # HELP appliance_wan_receive_bytes_per_second Bytes received on the WAN per second, over the last second.
            # TYPE appliance_wan_receive_bytes_per_second gauge
            appliance_wan_receive_bytes_per_second{wan="dsl"} 1000
            # HELP appliance_wan_transmit_bytes_per_second Bytes sent on the WAN per second, over the last second.
            # TYPE appliance_wan_transmit_bytes_per_second gauge
            appliance_wan_transmit_bytes_per_second{wan="dsl"} 200
            # HELP appliance_wan_receive_bytes_total Bytes received on the WAN since its ruleset counter was created.
            # TYPE appliance_wan_receive_bytes_total counter
            appliance_wan_receive_bytes_total{wan="dsl"} 1000000
            # HELP appliance_wan_transmit_bytes_total Bytes sent on the WAN since its ruleset counter was created.
            # TYPE appliance_wan_transmit_bytes_total counter
            appliance_wan_transmit_bytes_total{wan="dsl"} 200000
            # HELP appliance_wan_rtt_seconds Probe round-trip time.
            # TYPE appliance_wan_rtt_seconds gauge
            appliance_wan_rtt_seconds{wan="dsl"} 0.0125
            # HELP appliance_wan_jitter_seconds Probe round-trip time jitter.
            # TYPE appliance_wan_jitter_seconds gauge
            appliance_wan_jitter_seconds{wan="dsl"} 0.0015
            # HELP appliance_wan_loss_ratio Share of probes lost (0 to 1).
            # TYPE appliance_wan_loss_ratio gauge
            appliance_wan_loss_ratio{wan="dsl"} 0.02
            # HELP appliance_wan_sessions Sessions (conntrack entries) on the WAN now.
            # TYPE appliance_wan_sessions gauge
            appliance_wan_sessions{wan="dsl"} 5
            # HELP appliance_wan_new_sessions_total Sessions assigned to the WAN since the ruleset was first loaded.
            # TYPE appliance_wan_new_sessions_total counter
            appliance_wan_new_sessions_total{wan="dsl"} 17
            # HELP appliance_wan_subflows MPTCP subflows to the hub from the WAN now (bonded WANs).
            # TYPE appliance_wan_subflows gauge
            appliance_wan_subflows{wan="dsl"} 2
            # HELP appliance_bonding_state The bonding relay's role and state (edge: connected, unreachable, refused, idle, failed; hub: listening, failed).
            # TYPE appliance_bonding_state gauge
            appliance_bonding_state{role="edge",state="connected"} 1
            # HELP appliance_bonding_active_sessions Bonded sessions open now.
            # TYPE appliance_bonding_active_sessions gauge
            appliance_bonding_active_sessions 1
            # HELP appliance_bonding_sessions_total Bonded sessions opened since the process started.
            # TYPE appliance_bonding_sessions_total counter
            appliance_bonding_sessions_total 4
            # HELP appliance_bonding_failed_sessions_total Bonded sessions that could not be set up.
            # TYPE appliance_bonding_failed_sessions_total counter
            appliance_bonding_failed_sessions_total 0
            # HELP appliance_bonding_relayed_bytes_total Payload bytes the relay moved, by direction (up: towards the destination).
            # TYPE appliance_bonding_relayed_bytes_total counter
            appliance_bonding_relayed_bytes_total{direction="up"} 3000
            appliance_bonding_relayed_bytes_total{direction="down"} 90000
            # HELP appliance_bonding_goodput_bytes_per_second Relayed payload per second, both directions, over the last second.
            # TYPE appliance_bonding_goodput_bytes_per_second gauge
            appliance_bonding_goodput_bytes_per_second 2000
            # HELP appliance_bonding_efficiency_ratio Goodput divided by the busiest single bonded link's rate (above 1: bonding beats one link).
            # TYPE appliance_bonding_efficiency_ratio gauge
            appliance_bonding_efficiency_ratio 1.25
            # HELP appliance_bonding_fallback_sessions_total Sessions the bond could not take (hub busy, unreachable or refusing, the edge's cap) that were balanced over a WAN instead.
            # TYPE appliance_bonding_fallback_sessions_total counter
            appliance_bonding_fallback_sessions_total 7
            # HELP appliance_bonding_fallback_active_sessions Such balanced fallback sessions open now.
            # TYPE appliance_bonding_fallback_active_sessions gauge
            appliance_bonding_fallback_active_sessions 2
            # HELP appliance_bonding_buffer_bytes Relay buffer memory held by sessions now.
            # TYPE appliance_bonding_buffer_bytes gauge
            appliance_bonding_buffer_bytes 131072
            # HELP appliance_bonding_buffer_peak_bytes The most relay buffer memory held at once since start.
            # TYPE appliance_bonding_buffer_peak_bytes gauge
            appliance_bonding_buffer_peak_bytes 262144
            # HELP appliance_bonding_buffer_limit_bytes The cap on relay buffer memory.
            # TYPE appliance_bonding_buffer_limit_bytes gauge
            appliance_bonding_buffer_limit_bytes 67108864
            # HELP appliance_bonding_path_subflows MPTCP subflows to the hub per bonded path.
            # TYPE appliance_bonding_path_subflows gauge
            appliance_bonding_path_subflows{wan="dsl",address="198.18.11.2"} 2
            # HELP appliance_bonding_path_sent_bytes Bytes the open subflows of the path have sent (drops when a subflow closes).
            # TYPE appliance_bonding_path_sent_bytes gauge
            appliance_bonding_path_sent_bytes{wan="dsl",address="198.18.11.2"} 5000
            # HELP appliance_bonding_path_received_bytes Bytes the open subflows of the path have received (drops when a subflow closes).
            # TYPE appliance_bonding_path_received_bytes gauge
            appliance_bonding_path_received_bytes{wan="dsl",address="198.18.11.2"} 70000

            """;

        Assert.Equal(expected, MetricsRenderer.Render(Edge()));
    }

    [Fact]
    public void A_stopped_engine_renders_only_the_engine_families()
    {
        const string expected = """
            # HELP appliance_engine_running Whether the engine runs and has applied a revision (1) or not (0).
            # TYPE appliance_engine_running gauge
            appliance_engine_running 0
            # HELP appliance_engine_revision The configuration revision whose state is in the kernel (0 for none).
            # TYPE appliance_engine_revision gauge
            appliance_engine_revision 0
            # HELP appliance_engine_applies_total Reconcile passes since the process started, by whether the kernel took the desired state.
            # TYPE appliance_engine_applies_total counter
            appliance_engine_applies_total{result="ok"} 0
            appliance_engine_applies_total{result="failed"} 0

            """;

        Assert.Equal(expected, MetricsRenderer.Render(EngineStatus.NotRunning("engine not running")));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("two\nlines", "two\\nlines")]
    public void Label_values_escape_quotes_backslashes_and_line_feeds(string value, string escaped)
    {
        Assert.Equal(escaped, MetricsRenderer.EscapeLabel(value));
    }

    [Fact]
    public void A_hub_renders_its_edges_sessions_and_refusals_and_the_handshakes_it_shed()
    {
        var status = EngineStatus.NotRunning("hub") with
        {
            Bonding = new BondingStatus("hub", "listening", "0.0.0.0:7443", 4, 9, 1, 10, 20, null, [],
                [new HubEdgeStatus("branch-1", 4) { Refused = 3 }, new HubEdgeStatus("branch-2", 0) { Refused = 1 }]) { ShedHandshakes = 292 },
        };

        var text = MetricsRenderer.Render(status);

        Assert.Contains("""
            # TYPE appliance_bonding_shed_handshakes_total counter
            appliance_bonding_shed_handshakes_total 292
            # HELP appliance_bonding_edge_active_sessions Sessions relayed for the edge now.
            # TYPE appliance_bonding_edge_active_sessions gauge
            appliance_bonding_edge_active_sessions{edge="branch-1"} 4
            appliance_bonding_edge_active_sessions{edge="branch-2"} 0
            # HELP appliance_bonding_edge_refused_total Destinations refused to the edge by the hub's destination policy, before any connect.
            # TYPE appliance_bonding_edge_refused_total counter
            appliance_bonding_edge_refused_total{edge="branch-1"} 3
            appliance_bonding_edge_refused_total{edge="branch-2"} 1

            """, text, StringComparison.Ordinal);
        Assert.DoesNotContain("fallback", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_peer_with_odd_characters_reaches_the_exposition_escaped()
    {
        var status = Edge() with { Bonding = Edge().Bonding! with { Role = "hub", State = "failed \"bind\"" } };

        Assert.Contains("appliance_bonding_state{role=\"hub\",state=\"failed \\\"bind\\\"\"} 1\n", MetricsRenderer.Render(status), StringComparison.Ordinal);
    }
}
