using System.ComponentModel;
using System.Text.Json;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Tests.Kernel;

/// <summary>
/// Passes every call to the kernel behind it, except that armed faults are thrown, each once, by the next call that
/// matches: the ways the real process runner and what reads its output fail.
/// </summary>
internal sealed class FaultyRunner(ICommandRunner inner) : ICommandRunner
{
    private readonly Lock _lock = new();
    private readonly List<(Func<string, IReadOnlyList<string>, bool> When, Exception Fault)> _armed = [];
    private readonly List<string> _calls = [];
    private readonly List<Exception> _thrown = [];

    /// <summary>One of each: the runner's 30 s timeout, a command that failed, a process that could not start, output that did not parse, a bug.</summary>
    public static IReadOnlyList<Exception> EveryKind() =>
    [
        new TaskCanceledException("A task was canceled (the runner's 30 s timeout)."),
        new KernelCommandException("ip -j link show", new CommandResult(1, "", "Cannot open netlink socket: Too many open files")),
        new Win32Exception(2, "An error occurred trying to start process 'nft': No such file or directory"),
        new IOException("Broken pipe"),
        new JsonException("'<' is an invalid start of a value."),
        new FormatException("The input string 'main' was not in a correct format."),
        new InvalidOperationException("could not start ip"),
    ];

    /// <summary>Throws <paramref name="fault"/> from the next call that <paramref name="when"/> matches (any call if null).</summary>
    public void ThrowOnce(Exception fault, Func<string, IReadOnlyList<string>, bool>? when = null)
    {
        lock (_lock)
        {
            _armed.Add((when ?? ((_, _) => true), fault));
        }
    }

    /// <summary>Faults armed but not thrown yet.</summary>
    public int Armed
    {
        get { lock (_lock) { return _armed.Count; } }
    }

    public IReadOnlyList<Exception> Thrown
    {
        get { lock (_lock) { return [.. _thrown]; } }
    }

    /// <summary>Calls that began with <paramref name="prefix"/> ("nft -j list counters"), thrown or not.</summary>
    public int Count(string prefix)
    {
        lock (_lock)
        {
            return _calls.Count(c => c.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, string? stdin = null, CancellationToken ct = default)
    {
        lock (_lock)
        {
            _calls.Add($"{program} {string.Join(' ', arguments)}");
            var index = _armed.FindIndex(a => a.When(program, arguments));
            if (index >= 0)
            {
                var fault = _armed[index].Fault;
                _armed.RemoveAt(index);
                _thrown.Add(fault);
                // As the real runner fails: a faulted task, not a synchronous throw.
                return Task.FromException<CommandResult>(fault);
            }
        }
        return inner.RunAsync(program, arguments, stdin, ct);
    }
}
