using System.Globalization;
using System.Text;
using Appliance.Engine.Status;

namespace Appliance.Engine.Telemetry;

/// <summary>
/// Renders the engine's status as Prometheus text exposition (format 0.0.4). Names follow Prometheus' base units:
/// link rates are bytes per second (the status's bits divided by 8), times are seconds, loss is a ratio.
/// </summary>
public static class MetricsRenderer
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The link states that get a one-hot series each, in the order they are written.</summary>
    public static readonly IReadOnlyList<string> States = ["up", "degraded", "down", "unknown"];

    public static string Render(EngineStatus status)
    {
        var text = new MetricsText();
        RenderEngine(text, status);
        RenderWans(text, status.Wans);
        if (status.Bonding is { } bonding)
        {
            RenderBonding(text, bonding);
        }
        return text.ToString();
    }

    private static void RenderEngine(MetricsText text, EngineStatus status)
    {
        text.Gauge("appliance_engine_running", "Whether the engine runs and has applied a revision (1) or not (0).", [([], Bool(status.Running))]);
        text.Gauge("appliance_engine_revision", "The configuration revision whose state is in the kernel (0 for none).", [([], status.RevisionId)]);
        text.Counter("appliance_engine_applies_total", "Reconcile passes since the process started, by whether the kernel took the desired state.",
            [([("result", "ok")], status.Applies.Succeeded), ([("result", "failed")], status.Applies.Failed)]);
        if ((status.Applies.LastSucceeded ?? status.LastApplied) is { } applied)
        {
            text.Gauge("appliance_engine_last_apply_timestamp_seconds", "When a desired state last reached the kernel (Unix time).", [([], Unix(applied))]);
        }
        if (status.Applies.LastFailed is { } failed)
        {
            text.Gauge("appliance_engine_last_failed_apply_timestamp_seconds", "When the kernel last refused a desired state (Unix time).", [([], Unix(failed))]);
        }
    }

    private static void RenderWans(MetricsText text, IReadOnlyList<WanStatus> wans)
    {
        if (wans.Count == 0)
        {
            return;
        }
        text.Gauge("appliance_wan_info", "The WANs of the running plan, with their interface.", wans.Select(w => Series(w, 1, ("interface", w.Interface))));
        text.Gauge("appliance_wan_up", "Whether the WAN's health is up (1) or anything else (0).", wans.Select(w => Series(w, Bool(w.State == "up"))));
        text.Gauge("appliance_wan_state", "The WAN's health state, one series per state, 1 for the current one.",
            wans.SelectMany(w => States.Select(s => Series(w, Bool(w.State == s), ("state", s)))));
        text.Gauge("appliance_wan_usable", "Whether the WAN takes new sessions now.", wans.Select(w => Series(w, Bool(w.Usable))));
        text.Gauge("appliance_wan_receive_bytes_per_second", "Bytes received on the WAN per second, over the last second.",
            wans.Where(w => w.RxBitsPerSecond is not null).Select(w => Series(w, w.RxBitsPerSecond!.Value / 8.0)));
        text.Gauge("appliance_wan_transmit_bytes_per_second", "Bytes sent on the WAN per second, over the last second.",
            wans.Where(w => w.TxBitsPerSecond is not null).Select(w => Series(w, w.TxBitsPerSecond!.Value / 8.0)));
        text.Counter("appliance_wan_receive_bytes_total", "Bytes received on the WAN since its ruleset counter was created.",
            wans.Where(w => w.RxBytes is not null).Select(w => Series(w, w.RxBytes!.Value)));
        text.Counter("appliance_wan_transmit_bytes_total", "Bytes sent on the WAN since its ruleset counter was created.",
            wans.Where(w => w.TxBytes is not null).Select(w => Series(w, w.TxBytes!.Value)));
        text.Gauge("appliance_wan_rtt_seconds", "Probe round-trip time.", wans.Where(w => w.RttMs is not null).Select(w => Series(w, w.RttMs!.Value / 1000)));
        text.Gauge("appliance_wan_jitter_seconds", "Probe round-trip time jitter.", wans.Where(w => w.JitterMs is not null).Select(w => Series(w, w.JitterMs!.Value / 1000)));
        text.Gauge("appliance_wan_loss_ratio", "Share of probes lost (0 to 1).", wans.Where(w => w.LossPercent is not null).Select(w => Series(w, w.LossPercent!.Value / 100)));
        text.Gauge("appliance_wan_sessions", "Sessions (conntrack entries) on the WAN now.", wans.Where(w => w.Sessions is not null).Select(w => Series(w, w.Sessions!.Value)));
        text.Counter("appliance_wan_new_sessions_total", "Sessions assigned to the WAN since the ruleset was first loaded.",
            wans.Where(w => w.NewSessions is not null).Select(w => Series(w, w.NewSessions!.Value)));
        text.Gauge("appliance_wan_subflows", "MPTCP subflows to the hub from the WAN now (bonded WANs).", wans.Where(w => w.Subflows is not null).Select(w => Series(w, w.Subflows!.Value)));
    }

    private static void RenderBonding(MetricsText text, BondingStatus bonding)
    {
        text.Gauge("appliance_bonding_state", "The bonding relay's role and state (edge: connected, unreachable, refused, idle, failed; hub: listening, failed).",
            [([("role", bonding.Role), ("state", bonding.State)], 1)]);
        text.Gauge("appliance_bonding_active_sessions", "Bonded sessions open now.", [([], bonding.ActiveSessions)]);
        text.Counter("appliance_bonding_sessions_total", "Bonded sessions opened since the process started.", [([], bonding.TotalSessions)]);
        text.Counter("appliance_bonding_failed_sessions_total", "Bonded sessions that could not be set up.", [([], bonding.FailedSessions)]);
        text.Counter("appliance_bonding_relayed_bytes_total", "Payload bytes the relay moved, by direction (up: towards the destination).",
            [([("direction", "up")], bonding.BytesUp), ([("direction", "down")], bonding.BytesDown)]);
        if (bonding.GoodputBitsPerSecond is { } goodput)
        {
            text.Gauge("appliance_bonding_goodput_bytes_per_second", "Relayed payload per second, both directions, over the last second.", [([], goodput / 8.0)]);
        }
        if (bonding.Efficiency is { } efficiency)
        {
            text.Gauge("appliance_bonding_efficiency_ratio", "Goodput divided by the busiest single bonded link's rate (above 1: bonding beats one link).", [([], efficiency)]);
        }
        if (bonding.Role == "edge")
        {
            text.Counter("appliance_bonding_fallback_sessions_total", "Sessions the bond could not take (hub busy, unreachable or refusing, the edge's cap) that were balanced over a WAN instead.",
                [([], bonding.FallbackSessions)]);
            text.Gauge("appliance_bonding_fallback_active_sessions", "Such balanced fallback sessions open now.", [([], bonding.ActiveFallbackSessions)]);
        }
        if (bonding.Role == "hub")
        {
            text.Counter("appliance_bonding_shed_handshakes_total", "Connections closed at once because too many handshakes were in progress, in all or from their source.",
                [([], bonding.ShedHandshakes)]);
            text.Gauge("appliance_bonding_edge_active_sessions", "Sessions relayed for the edge now.", bonding.Edges.Select(e => Edge(e, e.ActiveSessions)));
            text.Counter("appliance_bonding_edge_refused_total", "Destinations refused to the edge by the hub's destination policy, before any connect.",
                bonding.Edges.Select(e => Edge(e, e.Refused)));
        }
        if (bonding.BufferBytes is { } buffers)
        {
            text.Gauge("appliance_bonding_buffer_bytes", "Relay buffer memory held by sessions now.", [([], buffers)]);
        }
        if (bonding.BufferPeakBytes is { } peak)
        {
            text.Gauge("appliance_bonding_buffer_peak_bytes", "The most relay buffer memory held at once since start.", [([], peak)]);
        }
        if (bonding.BufferLimitBytes is { } limit)
        {
            text.Gauge("appliance_bonding_buffer_limit_bytes", "The cap on relay buffer memory.", [([], limit)]);
        }
        var paths = bonding.Paths;
        text.Gauge("appliance_bonding_path_subflows", "MPTCP subflows to the hub per bonded path.",
            paths.Where(p => p.Subflows is not null).Select(p => Path(p, p.Subflows!.Value)));
        text.Gauge("appliance_bonding_path_sent_bytes", "Bytes the open subflows of the path have sent (drops when a subflow closes).",
            paths.Where(p => p.BytesSent is not null).Select(p => Path(p, p.BytesSent!.Value)));
        text.Gauge("appliance_bonding_path_received_bytes", "Bytes the open subflows of the path have received (drops when a subflow closes).",
            paths.Where(p => p.BytesReceived is not null).Select(p => Path(p, p.BytesReceived!.Value)));
    }

    private static (IReadOnlyList<(string, string)>, double) Series(WanStatus wan, double value, params (string, string)[] more) =>
        ([("wan", wan.Name), .. more], value);

    private static (IReadOnlyList<(string, string)>, double) Path(BondPathStatus path, double value) =>
        ([("wan", path.Wan), ("address", path.Address)], value);

    private static (IReadOnlyList<(string, string)>, double) Edge(HubEdgeStatus edge, double value) => ([("edge", edge.Id)], value);

    private static double Bool(bool value) => value ? 1 : 0;

    private static double Unix(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Writes metric families; a family without samples is left out.</summary>
    private sealed class MetricsText
    {
        private readonly StringBuilder _text = new();

        public void Gauge(string name, string help, IEnumerable<(IReadOnlyList<(string Name, string Value)> Labels, double Value)> samples) =>
            Family(name, "gauge", help, samples);

        public void Counter(string name, string help, IEnumerable<(IReadOnlyList<(string Name, string Value)> Labels, double Value)> samples) =>
            Family(name, "counter", help, samples);

        private void Family(string name, string type, string help, IEnumerable<(IReadOnlyList<(string Name, string Value)> Labels, double Value)> samples)
        {
            var list = samples.ToList();
            if (list.Count == 0)
            {
                return;
            }
            _text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
            _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (labels, value) in list)
            {
                _text.Append(name);
                if (labels.Count > 0)
                {
                    _text.Append('{').AppendJoin(',', labels.Select(l => $"{l.Name}=\"{EscapeLabel(l.Value)}\"")).Append('}');
                }
                _text.Append(' ').Append(Format(value)).Append('\n');
            }
        }

        public override string ToString() => _text.ToString();
    }

    /// <summary>Label values escape backslash, double quote and line feed (the exposition format's three).</summary>
    public static string EscapeLabel(string value) => value.Replace("\\", @"\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) => value.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
