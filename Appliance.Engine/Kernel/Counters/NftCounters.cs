using System.Text.Json;

namespace Appliance.Engine.Kernel.Counters;

/// <summary>The named counters in <c>nft -j list counters</c> output.</summary>
public static class NftCounters
{
    /// <summary>Counters by name; throws <see cref="JsonException"/> or <see cref="KeyNotFoundException"/> on output of another shape.</summary>
    public static IReadOnlyDictionary<string, NftCounter> Parse(string json)
    {
        var result = new Dictionary<string, NftCounter>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("counter", out var counter))
            {
                result[counter.GetProperty("name").GetString()!] = new NftCounter(counter.GetProperty("packets").GetInt64(), counter.GetProperty("bytes").GetInt64());
            }
        }
        return result;
    }
}
