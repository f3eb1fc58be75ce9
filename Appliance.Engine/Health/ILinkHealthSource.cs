namespace Appliance.Engine.Health;

/// <summary>Publishes the health of every WAN and tells subscribers when any of it changes.</summary>
public interface ILinkHealthSource
{
    IReadOnlyDictionary<string, LinkHealth> Current { get; }

    IDisposable Subscribe(Action onChanged);
}
