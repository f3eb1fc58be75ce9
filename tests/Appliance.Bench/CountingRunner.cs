using System.Diagnostics;
using Appliance.Engine.Kernel;

namespace Appliance.Bench;

/// <summary>Counts the commands (each one process) a runner starts, by kind, and the time spent in them.</summary>
public sealed class CountingRunner(ICommandRunner inner) : ICommandRunner
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Count, double Ms)> _byKind = new(StringComparer.Ordinal);

    public async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, string? stdin = null, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            return await inner.RunAsync(program, arguments, stdin, ct);
        }
        finally
        {
            var kind = Kind(program, arguments);
            lock (_lock)
            {
                var (count, ms) = _byKind.GetValueOrDefault(kind);
                _byKind[kind] = (count + 1, ms + watch.Elapsed.TotalMilliseconds);
            }
        }
    }

    /// <summary>Commands run since the last <see cref="Take"/>, and forgets them.</summary>
    public CommandTally Take()
    {
        lock (_lock)
        {
            var tally = new CommandTally(
                _byKind.Values.Sum(v => v.Count),
                _byKind.Values.Sum(v => v.Ms),
                _byKind.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value.Count, StringComparer.Ordinal));
            _byKind.Clear();
            return tally;
        }
    }

    /// <summary>A short name for what a command does: "nft -c", "nft -f", "sysctl read", "ip route replace", …</summary>
    private static string Kind(string program, IReadOnlyList<string> arguments) => program switch
    {
        "nft" when arguments.Contains("-c") => "nft -c (check)",
        "nft" when arguments.Contains("-f") => "nft -f (load)",
        "nft" => "nft " + string.Join(' ', arguments.Take(2)),
        "sysctl" when arguments.Contains("-n") => "sysctl read",
        "sysctl" => "sysctl write",
        "ip" => "ip " + string.Join(' ', arguments.Where(a => !a.StartsWith('-')).Take(2)),
        _ => program,
    };
}

/// <summary>How many commands (= processes started, each via <c>ip netns exec</c>) and how long they took in sum.</summary>
public sealed record CommandTally(int Processes, double ProcessMs, IReadOnlyDictionary<string, int> ByKind);
