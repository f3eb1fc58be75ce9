using Appliance.Engine.Health;

namespace Appliance.Engine.Tests.Fakes;

/// <summary>Link health that never changes.</summary>
internal sealed class FixedHealth(IReadOnlyDictionary<string, LinkHealth> health) : ILinkHealthSource
{
    public IReadOnlyDictionary<string, LinkHealth> Current => health;

    public IDisposable Subscribe(Action onChanged) => new ListenerSet().Add(onChanged);
}
