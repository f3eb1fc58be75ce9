using System.Globalization;
using Appliance.Testing;

namespace Appliance.Lab;

/// <summary>
/// Keys in the lab's terminal that cut an ISP silently (it drops everything, the cable stays in: only the probes can
/// tell) and heal it again, so a newcomer can watch failover, and a bonded download survive, on the dashboard.
/// </summary>
public sealed class IspSwitches(NetnsLab lab)
{
    private readonly HashSet<int> _cut = [];

    /// <summary>The keys, for the banner.</summary>
    public string Legend =>
        string.Join(", ", lab.Wans.Select(w => $"{w.Index} cuts/heals ISP {w.Index} ({w.Interface})")) + "; Ctrl-C stops";

    /// <summary>Reads keys until cancelled; without a terminal (input redirected) there is nothing to read.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (Console.IsInputRedirected)
        {
            return;
        }
        while (!ct.IsCancellationRequested)
        {
            if (!Console.KeyAvailable)
            {
                // Console has no awaitable key read; a short poll keeps Ctrl-C prompt and costs nothing.
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                continue;
            }
            var key = Console.ReadKey(intercept: true);
            if (int.TryParse(key.KeyChar.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var index) &&
                lab.Wans.Any(w => w.Index == index))
            {
                await ToggleAsync(index);
            }
        }
    }

    private async Task ToggleAsync(int index)
    {
        var cut = _cut.Add(index);
        if (!cut)
        {
            _cut.Remove(index);
        }
        try
        {
            await lab.SetIspSilentAsync(index, cut);
            Console.WriteLine(cut
                ? $"lab: ISP {index} cut silently (drops everything, carrier stays): watch its probes fail and its sessions move"
                : $"lab: ISP {index} healed");
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or Engine.Kernel.KernelCommandException)
        {
            Console.Error.WriteLine($"lab: switching ISP {index} failed: {ex.Message}");
        }
    }
}
