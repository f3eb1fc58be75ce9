using Appliance.Engine.FirmwareSlots;
using Appliance.Engine.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Firmware;

/// <summary>
/// After boot, marks the booted slot good once the appliance is healthy (<see cref="BootHealth"/>). If it never gets
/// there within the window the slot stays unmarked, so the bootloader falls back to the previous firmware.
/// Without RAUC (a development machine) it does nothing.
/// </summary>
public sealed partial class MarkGoodService(
    IRaucInstaller installer,
    IEngineStatusSource engine,
    BootMark mark,
    IOptions<RaucOptions> options,
    TimeProvider time,
    ILogger<MarkGoodService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        try
        {
            await installer.GetStatusAsync(stoppingToken);
        }
        catch (RaucUnavailableException ex)
        {
            mark.Set("unavailable", ex.Message, time.GetUtcNow());
            LogNoInstaller(logger, ex.Message);
            return;
        }
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            switch (MarkGoodStep.Decide(time.GetElapsedTime(started), options.Value.MarkGoodWindow, engine.Current))
            {
                case MarkGoodStep.Mark:
                    try
                    {
                        var message = await installer.MarkAsync("good", "booted", stoppingToken);
                        mark.Set("marked", message, time.GetUtcNow());
                        LogMarked(logger, message);
                    }
                    catch (RaucException ex)
                    {
                        mark.Set("failed", ex.Message, time.GetUtcNow());
                        LogMarkFailed(logger, ex.Message);
                    }
                    return;
                case MarkGoodStep.GiveUp giveUp:
                    mark.Set("gave-up", giveUp.Missing, time.GetUtcNow());
                    LogGaveUp(logger, options.Value.MarkGoodWindow, giveUp.Missing);
                    return;
                case MarkGoodStep.Wait wait:
                    mark.Set("waiting", wait.Missing, time.GetUtcNow());
                    break;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No firmware installer on the bus ({Reason}); the booted slot is not marked")]
    private static partial void LogNoInstaller(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The appliance is healthy; booted slot marked good: {Message}")]
    private static partial void LogMarked(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Marking the booted slot good failed: {Reason}")]
    private static partial void LogMarkFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not healthy within {Window} ({Missing}); the booted slot stays unmarked so the bootloader can fall back")]
    private static partial void LogGaveUp(ILogger logger, TimeSpan window, string missing);
}
