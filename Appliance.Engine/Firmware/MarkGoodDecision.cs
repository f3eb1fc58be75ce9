using Appliance.Engine.Status;

namespace Appliance.Engine.Firmware;

/// <summary>What to do after boot at one moment: wait, mark the booted slot good, or give up and leave it to the bootloader.</summary>
public abstract record MarkGoodStep
{
    public sealed record Wait(string Missing) : MarkGoodStep;
    public sealed record Mark : MarkGoodStep;
    public sealed record GiveUp(string Missing) : MarkGoodStep;

    /// <summary>Pure: the time since start and the engine's status decide.</summary>
    public static MarkGoodStep Decide(TimeSpan sinceStart, TimeSpan window, EngineStatus status) =>
        BootHealth.Missing(status) switch
        {
            null => new Mark(),
            var missing when sinceStart >= window => new GiveUp(missing),
            var missing => new Wait(missing),
        };
}
