using System.Globalization;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Appliance.Engine.Health;
using Appliance.Testing;

namespace Appliance.Bench;

/// <summary>The configurations the benchmarks run: N WANs and a realistic, deterministic mix of rules.</summary>
/// <remarks>
/// Every address comes from 198.18.0.0/15 or the documentation ranges. No rule matches the throughput
/// benchmark's flow (198.18.0.2 → 203.0.113.10, TCP 5201): its first packet walks every rule and ends in
/// the default balance chain, the most expensive path for a new session.
/// </remarks>
public static class BenchConfig
{
    public const string LanInterface = "lan0";

    public static WanLink Wan(int index, int? weight = null) => new()
    {
        Name = WanName(index),
        Interface = WanName(index),
        Gateway = Gateway(index),
        Weight = weight ?? 1 + index % 3,
        Probes = new ProbeSettings { Targets = ["198.51.100.1"] },
    };

    public static string WanName(int index) => "wan" + index.ToString(CultureInfo.InvariantCulture);
    public static string Gateway(int index) => Inv($"198.18.{10 + index}.1");
    public static string WanAddress(int index) => Inv($"198.18.{10 + index}.2");

    public static ApplianceSettings Settings => new()
    {
        Lan = new LanSettings { Interfaces = [LanInterface], Addresses = [LabAddresses.ApplianceLan + "/24"] },
    };

    /// <summary>A configuration with <paramref name="wanCount"/> WANs and <paramref name="ruleCount"/> rules; valid for apply (checked).</summary>
    public static ApplianceConfig Create(int wanCount, int ruleCount, Func<int, int?>? weightOf = null)
    {
        var config = new ApplianceConfig
        {
            Wans = Enumerable.Range(1, wanCount).Select(i => Wan(i, weightOf?.Invoke(i))).ToList(),
            Rules = Enumerable.Range(0, ruleCount).Select(i => RuleAt(i, wanCount)).ToList(),
            Settings = Settings,
        };
        var errors = ConfigValidator.Default.Validate(config, ValidationPurpose.Apply);
        if (!errors.IsEmpty)
        {
            throw new InvalidOperationException("the benchmark configuration does not validate: " +
                string.Join("; ", errors.Entries.Take(10).Select(e => $"{e.Path}: {e.Message}")));
        }
        return config;
    }

    /// <summary>Every WAN up with its configured gateway.</summary>
    public static IReadOnlyDictionary<string, LinkHealth> AllUp(ApplianceConfig config) =>
        config.Wans.ToDictionary(w => w.Name, w => new LinkHealth(LinkState.Up, "up", w.Gateway), StringComparer.Ordinal);

    public static ConfigSnapshot Snapshot(long revision, ApplianceConfig config) => new(revision, config, DateTimeOffset.UtcNow);

    private static Rule RuleAt(int i, int wanCount)
    {
        var id = i + 1;
        var wan = WanName(1 + i / 8 % wanCount);
        return (i % 8) switch
        {
            // Web to a /28 of a content network, pinned.
            0 => new Rule { Id = id, Description = "web to cdn", Protocol = RuleProtocol.Tcp, Destination = Inv($"203.0.113.{16 * (i / 8 % 16)}/28"), DestinationPorts = "80,443", Action = RuleAction.Pin, Wan = wan },
            // VoIP/RTP to a provider, pinned; every third one strict.
            1 => new Rule { Id = id, Description = "voip", Protocol = RuleProtocol.Udp, Destination = Inv($"198.51.100.{4 * (i / 8 % 64)}/30"), DestinationPorts = "5060,10000-10100", Action = RuleAction.Pin, Wan = wan, Strict = i % 3 == 0 },
            // A LAN host kept on one WAN by source hash.
            2 => new Rule { Id = id, Description = "host sticky", Source = Inv($"198.18.0.{128 + i / 8 % 64}/32"), Action = RuleAction.Balance, Sticky = StickyMode.Source },
            // Session-sensitive TCP service, sticky per source and destination.
            3 => new Rule { Id = id, Description = "banking", Protocol = RuleProtocol.Tcp, Destination = Inv($"192.0.2.{8 * (i / 8 % 32)}/29"), DestinationPorts = "8000-8100", Action = RuleAction.Balance, Sticky = StickyMode.SourceDestination },
            // Monitoring pings, pinned.
            4 => new Rule { Id = id, Description = "ping monitor", Protocol = RuleProtocol.Icmp, Destination = Inv($"192.0.2.{i / 8 % 256}/32"), Action = RuleAction.Pin, Wan = wan },
            // A LAN host's traffic to a partner network, any protocol, pinned.
            5 => new Rule { Id = id, Description = "partner vpn", Source = Inv($"198.18.0.{192 + i / 8 % 32}/32"), Destination = "198.51.100.0/24", Action = RuleAction.Pin, Wan = wan },
            // STUN/TURN, balanced per session.
            6 => new Rule { Id = id, Description = "stun", Protocol = RuleProtocol.Udp, DestinationPorts = "3478-3497,19302", Action = RuleAction.Balance },
            // Mail and SSH to a host, pinned.
            _ => new Rule { Id = id, Description = "mail ssh", Protocol = RuleProtocol.Tcp, Destination = Inv($"203.0.113.{i / 8 % 256}/32"), DestinationPorts = "22,25,587", Action = RuleAction.Pin, Wan = wan },
        };
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
