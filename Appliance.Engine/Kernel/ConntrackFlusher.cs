using System.Globalization;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Kernel;

/// <summary>Deletes the connection-tracking entries of one WAN's sessions, so they re-establish on a usable WAN.</summary>
public sealed class ConntrackFlusher(ICommandRunner runner)
{
    /// <summary>Returns how many entries were deleted.</summary>
    public async Task<int> FlushAsync(uint mark, CancellationToken ct = default)
    {
        var result = await runner.RunAsync("conntrack", ["-D", "--mark", $"0x{mark:x}/0x{KernelIds.MarkMask:x}"], null, ct);
        // conntrack exits 1 when nothing matched; that is success here.
        var summary = result.Stderr.Trim();
        var count = ParseCount(summary);
        if (!result.Succeeded && count != 0)
        {
            throw new KernelCommandException("conntrack -D", result);
        }
        return count ?? 0;
    }

    private static int? ParseCount(string stderr)
    {
        var marker = stderr.IndexOf(" flow entries", StringComparison.Ordinal);
        if (marker < 0)
        {
            return null;
        }
        var start = stderr.LastIndexOf(' ', marker - 1) + 1;
        return int.TryParse(stderr[start..marker], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
