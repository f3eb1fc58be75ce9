using Appliance.Engine.Configuration;

namespace Appliance.Web.Components.Config;

/// <summary>A WAN as the form edits it: mutable fields for binding, probe targets as one line each.</summary>
public sealed class WanDraft
{
    public string Name { get; set; } = "";
    public string Interface { get; set; } = "";
    public WanMode Mode { get; set; } = WanMode.Balance;
    public int Weight { get; set; } = 1;
    public int Tier { get; set; } = 1;
    public string Gateway { get; set; } = WanLink.DhcpGateway;
    public bool Enabled { get; set; } = true;
    public FailbackPolicy Failback { get; set; } = FailbackPolicy.Keep;
    public ProbeMethod Method { get; set; } = ProbeMethod.Icmp;
    public string Targets { get; set; } = "";
    public int IntervalMs { get; set; }
    public int TimeoutMs { get; set; }
    public int DownCount { get; set; }
    public int UpCount { get; set; }
    public int Quorum { get; set; }
    public double DegradedLossPercent { get; set; }
    public int DegradedLatencyMs { get; set; }
    public double DownLossPercent { get; set; }
    public int DownLatencyMs { get; set; }
    public double RecoverLossPercent { get; set; }
    public int RecoverLatencyMs { get; set; }

    /// <summary>The version the draft was loaded at; null for a new WAN.</summary>
    public long? Version { get; set; }

    public bool IsNew => Version is null;

    public static WanDraft From(WanLink wan, long? version) => new()
    {
        Name = wan.Name,
        Interface = wan.Interface,
        Mode = wan.Mode,
        Weight = wan.Weight,
        Tier = wan.Tier,
        Gateway = wan.Gateway,
        Enabled = wan.Enabled,
        Failback = wan.Failback,
        Method = wan.Probes.Method,
        Targets = string.Join('\n', wan.Probes.Targets),
        IntervalMs = wan.Probes.IntervalMs,
        TimeoutMs = wan.Probes.TimeoutMs,
        DownCount = wan.Probes.DownCount,
        UpCount = wan.Probes.UpCount,
        Quorum = wan.Probes.Quorum,
        DegradedLossPercent = wan.Probes.DegradedLossPercent,
        DegradedLatencyMs = wan.Probes.DegradedLatencyMs,
        DownLossPercent = wan.Probes.DownLossPercent,
        DownLatencyMs = wan.Probes.DownLatencyMs,
        RecoverLossPercent = wan.Probes.RecoverLossPercent,
        RecoverLatencyMs = wan.Probes.RecoverLatencyMs,
        Version = version,
    };

    /// <summary>A new WAN starts from the model's defaults, so the form shows the same values the API would use.</summary>
    public static WanDraft New() => From(new WanLink(), null);

    public WanLink ToWan() => new()
    {
        Name = Name.Trim(),
        Interface = Interface.Trim(),
        Mode = Mode,
        Weight = Weight,
        Tier = Tier,
        Gateway = string.IsNullOrWhiteSpace(Gateway) ? WanLink.DhcpGateway : Gateway.Trim(),
        Enabled = Enabled,
        Failback = Failback,
        Probes = new ProbeSettings
        {
            Method = Method,
            Targets = Targets.Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            IntervalMs = IntervalMs,
            TimeoutMs = TimeoutMs,
            DownCount = DownCount,
            UpCount = UpCount,
            Quorum = Quorum,
            DegradedLossPercent = DegradedLossPercent,
            DegradedLatencyMs = DegradedLatencyMs,
            DownLossPercent = DownLossPercent,
            DownLatencyMs = DownLatencyMs,
            RecoverLossPercent = RecoverLossPercent,
            RecoverLatencyMs = RecoverLatencyMs,
        },
    };
}
