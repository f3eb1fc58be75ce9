using Appliance.Engine.Kernel.Processes;

namespace Appliance.Engine.Tests.Kernel.Processes;

/// <summary>Children that run until the test ends them, write the lines it gives them and record the signals they get.</summary>
internal sealed class FakeLauncher : IProcessLauncher
{
    private readonly Lock _lock = new();
    private readonly List<FakeChild> _children = [];
    private int _nextId = 1000;

    /// <summary>When set, starting throws this (a missing program).</summary>
    public Exception? StartFails { get; set; }

    public IReadOnlyList<FakeChild> Children
    {
        get { lock (_lock) { return [.. _children]; } }
    }

    public FakeChild? Running
    {
        get { lock (_lock) { return _children.LastOrDefault(c => !c.Exited.IsCompleted); } }
    }

    public IChildProcess Start(ProcessSpec spec, Action<string> onStdout, Action<string> onStderr)
    {
        if (StartFails is { } error)
        {
            throw error;
        }
        lock (_lock)
        {
            var child = new FakeChild(spec, ++_nextId, onStdout);
            _children.Add(child);
            return child;
        }
    }
}

internal sealed class FakeChild(ProcessSpec spec, int id, Action<string> onStdout) : IChildProcess
{
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<ChildSignal> _signals = [];

    public ProcessSpec Spec { get; } = spec;
    public int Id { get; } = id;
    public Task<int> Exited => _exit.Task;
    public bool Stopped { get; private set; }

    public IReadOnlyList<ChildSignal> Signals
    {
        get { lock (_signals) { return [.. _signals]; } }
    }

    public void Write(string line) => onStdout(line);

    public void Exit(int code) => _exit.TrySetResult(code);

    public Task SignalAsync(ChildSignal signal, CancellationToken ct = default)
    {
        lock (_signals)
        {
            _signals.Add(signal);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(TimeSpan grace, CancellationToken ct = default)
    {
        Stopped = true;
        _exit.TrySetResult(143);
        return Task.CompletedTask;
    }
}
