using System.Globalization;
using System.Text.RegularExpressions;

namespace Appliance.Bench;

/// <summary>Command-line options; every count and duration is bounded.</summary>
public sealed partial record BenchOptions
{
    public string OutputDirectory { get; init; } = DefaultOutputDirectory();
    public IReadOnlyList<int> WanCounts { get; init; } = [2, 8, 16];
    public int Rules { get; init; } = 200;
    public int Repeats { get; init; } = 20;
    public int ColdSamples { get; init; } = 5;
    public int Seconds { get; init; } = 5;
    public int Rounds { get; init; } = 3;
    public IReadOnlyList<int> Streams { get; init; } = [1, 4];
    public string Prefix { get; init; } = "bn" + Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()))[..6];
    public int TimeoutSeconds { get; init; } = 900;
    public bool RunApply { get; init; } = true;
    public bool RunThroughput { get; init; } = true;
    public bool RunFailover { get; init; } = true;
    public bool RunBonding { get; init; } = true;
    public bool RunLive { get; init; } = true;
    public bool RunRenewal { get; init; } = true;
    public int RenewalTrials { get; init; } = 10;
    public int LiveClients { get; init; } = 50;
    public int LiveSeconds { get; init; } = 30;
    public int Trials { get; init; } = 20;
    public int BondSeconds { get; init; } = 12;
    public int BondWarmUp { get; init; } = 4;
    public int HandoverTrials { get; init; } = 3;
    public bool BondShaped { get; init; } = true;
    public bool BondUnshaped { get; init; } = true;

    public const string Usage = """
        usage: Appliance.Bench [options]   (root: builds network namespaces, loads nftables rules)
          --out DIR          where bench.json and bench.txt go (default: <repo>/bench-results)
          --only apply|throughput|failover|bonding|live|renewal   run one of the six benchmarks
          --clients 50       live status: concurrent SignalR clients (1-200)
          --live-seconds 30  live status: measured window in seconds (5-120)
          --trials 20        failover trials per failure kind (1-50)
          --renewals 10      DHCP renumbering trials (1-30)
          --bond-seconds 12  bonded iperf3 duration after the warm-up (3-30)
          --bond-warmup 4    bonded iperf3 warm-up left out of the figures (0-10)
          --handover 3       bonded handover trials (1-10)
          --bond-part shaped|unshaped   bonding: only the shaped links (and handover) or only unshaped veth
          --wans 2,8,16      WAN counts for the apply benchmark (each 1-32)
          --rules 200        rules in every configuration (0-1000)
          --repeats 20       change and no-op applies per WAN count (1-100)
          --cold 5           cold applies per WAN count (1-20)
          --seconds 5        iperf3 duration (1-20)
          --rounds 3         plain/engine rounds, order alternating (1-5)
          --streams 1,4      iperf3 parallel streams to measure (each 1-16)
          --prefix NAME      namespace name prefix (letters/digits, 2-10; default random bnXXXXXX)
          --timeout 900      whole-run limit in seconds (10-1800); namespaces are removed either way
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                throw new ArgumentException(Usage);
            }
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value\n{Usage}");
            }
            var value = args[++i];
            options = name switch
            {
                "--out" => options with { OutputDirectory = Path.GetFullPath(value) },
                "--only" => Only(value),
                "--wans" => options with { WanCounts = IntList(name, value, 1, 32) },
                "--rules" => options with { Rules = Int(name, value, 0, 1000) },
                "--repeats" => options with { Repeats = Int(name, value, 1, 100) },
                "--cold" => options with { ColdSamples = Int(name, value, 1, 20) },
                "--seconds" => options with { Seconds = Int(name, value, 1, 20) },
                "--rounds" => options with { Rounds = Int(name, value, 1, 5) },
                "--streams" => options with { Streams = IntList(name, value, 1, 16) },
                "--prefix" => PrefixPattern().IsMatch(value) ? options with { Prefix = value } : throw new ArgumentException("--prefix: 2-10 letters or digits, starting with a letter"),
                "--trials" => options with { Trials = Int(name, value, 1, 50) },
                "--renewals" => options with { RenewalTrials = Int(name, value, 1, 30) },
                "--bond-seconds" => options with { BondSeconds = Int(name, value, 3, 30) },
                "--bond-warmup" => options with { BondWarmUp = Int(name, value, 0, 10) },
                "--handover" => options with { HandoverTrials = Int(name, value, 1, 10) },
                "--bond-part" => value switch
                {
                    "shaped" => options with { BondUnshaped = false },
                    "unshaped" => options with { BondShaped = false },
                    _ => throw new ArgumentException("--bond-part takes shaped or unshaped"),
                },
                "--clients" => options with { LiveClients = Int(name, value, 1, 200) },
                "--live-seconds" => options with { LiveSeconds = Int(name, value, 5, 120) },
                "--timeout" => options with { TimeoutSeconds = Int(name, value, 10, 1800) },
                _ => throw new ArgumentException($"unknown option {name}\n{Usage}"),
            };
        }
        return options;

        BenchOptions Only(string value)
        {
            var none = options with { RunApply = false, RunThroughput = false, RunFailover = false, RunBonding = false, RunLive = false, RunRenewal = false };
            return value switch
            {
                "apply" => none with { RunApply = true },
                "throughput" => none with { RunThroughput = true },
                "failover" => none with { RunFailover = true },
                "bonding" => none with { RunBonding = true },
                "live" => none with { RunLive = true },
                "renewal" => none with { RunRenewal = true },
                _ => throw new ArgumentException("--only takes apply, throughput, failover, bonding, live or renewal"),
            };
        }
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name}: '{value}' is not a number from {min} to {max}");

    private static IReadOnlyList<int> IntList(string name, string value, int min, int max)
    {
        var list = value.Split(',').Select(v => Int(name, v.Trim(), min, max)).Distinct().ToList();
        return list.Count is > 0 and <= 8 ? list : throw new ArgumentException($"{name}: 1 to 8 values");
    }

    /// <summary>The repository root (where Appliance.sln is), above the working directory; the live benchmark starts the built appliance from there.</summary>
    public static string? RepoRoot() => Appliance.Testing.RunningAppliance.FindRepoRoot(Environment.CurrentDirectory);

    /// <summary>bench-results at the repository root (found by Appliance.sln above the working directory), else in the working directory.</summary>
    private static string DefaultOutputDirectory() => Path.Combine(RepoRoot() ?? Environment.CurrentDirectory, "bench-results");

    [GeneratedRegex(@"^[a-z][a-z0-9]{1,9}\z")]
    private static partial Regex PrefixPattern();
}
