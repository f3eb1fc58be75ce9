using Appliance.Engine.Configuration;

namespace Appliance.Engine.Health.Probing;

/// <summary>Sends one probe of its method through one WAN. Never throws for network failures: it reports them.</summary>
public interface IProber
{
    ProbeMethod Method { get; }

    Task<ProbeResult> ProbeAsync(ProbeTarget target, WanBinding wan, TimeSpan timeout, CancellationToken ct);
}
