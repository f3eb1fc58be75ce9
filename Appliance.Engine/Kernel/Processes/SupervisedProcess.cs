using Appliance.Engine.Supervision;
using Microsoft.Extensions.Logging;

namespace Appliance.Engine.Kernel.Processes;

/// <summary>
/// Keeps one daemon running: starts it, hands its stdout lines to a callback, logs its stderr, and starts it again
/// after it exits with a pause that grows while it keeps failing (<see cref="Backoff"/>) and resets once it ran for
/// <see cref="StableAfter"/>. Stopping it ends the child it started, by its own id.
/// </summary>
public sealed partial class SupervisedProcess : IAsyncDisposable
{
    /// <summary>How long a run must last to count as good: the next exit then restarts it after the shortest pause.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    /// <summary>How long a daemon has after SIGTERM before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly IProcessLauncher _launcher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<string> _onStdout;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly Task _loop;
    private IChildProcess? _child;
    private TaskCompletionSource _restartNow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _starts;

    public SupervisedProcess(ProcessSpec spec, IProcessLauncher launcher, TimeProvider time, ILogger logger, Action<string>? onStdout = null, Backoff? backoff = null)
    {
        Spec = spec;
        _launcher = launcher;
        _time = time;
        _logger = logger;
        _onStdout = onStdout ?? (_ => { });
        Backoff = backoff ?? Backoff.Default;
        _loop = Task.Run(RunAsync);
    }

    public ProcessSpec Spec { get; }
    public Backoff Backoff { get; }

    /// <summary>How many times the program was started.</summary>
    public int Starts => Volatile.Read(ref _starts);

    /// <summary>The running child's id, or null between runs.</summary>
    public int? ProcessId
    {
        get { lock (_lock) { return _child?.Id; } }
    }

    /// <summary>Sends a signal to the running child; false when none is running.</summary>
    public async Task<bool> SignalAsync(ChildSignal signal, CancellationToken ct = default)
    {
        IChildProcess? child;
        lock (_lock)
        {
            child = _child;
        }
        if (child is null)
        {
            return false;
        }
        await child.SignalAsync(signal, ct);
        return true;
    }

    /// <summary>Stops the running child and starts it again at once, without a backoff pause (a reconnect the admin asked for).</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        IChildProcess? child;
        lock (_lock)
        {
            child = _child;
            _restartNow.TrySetResult();
        }
        if (child is not null)
        {
            await child.StopAsync(StopGrace, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            int? exitCode = null;
            try
            {
                exitCode = await RunOnceAsync(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // The program is missing or could not start: the same pause as for an exit.
                LogStartFailed(_logger, Spec.Name, ex);
            }
            if (ct.IsCancellationRequested)
            {
                return;
            }
            Task restartNow;
            lock (_lock)
            {
                restartNow = _restartNow.Task;
                if (restartNow.IsCompleted)
                {
                    _restartNow = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    failures = 0;
                    continue;
                }
            }
            failures = _time.GetElapsedTime(started) >= StableAfter ? 1 : failures + 1;
            var pause = Backoff.After(failures);
            LogExited(_logger, Spec.Name, exitCode, pause);
            try
            {
                await Task.WhenAny(Task.Delay(pause, _time, ct), restartNow);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            lock (_lock)
            {
                if (_restartNow.Task.IsCompleted)
                {
                    _restartNow = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
    }

    private async Task<int?> RunOnceAsync(CancellationToken ct)
    {
        var child = _launcher.Start(Spec, _onStdout, line => LogStderr(_logger, Spec.Name, line));
        Interlocked.Increment(ref _starts);
        lock (_lock)
        {
            _child = child;
        }
        LogStarted(_logger, Spec.Name, child.Id, Spec);
        try
        {
            return await child.Exited.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown or a new configuration: the child goes with the supervisor, by its own id.
            await child.StopAsync(StopGrace, CancellationToken.None);
            return null;
        }
        finally
        {
            lock (_lock)
            {
                _child = null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name}: started (pid {Pid}): {Command}")]
    private static partial void LogStarted(ILogger logger, string name, int pid, ProcessSpec command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name}: exited with code {ExitCode}; starting it again in {Pause}")]
    private static partial void LogExited(ILogger logger, string name, int? exitCode, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Name}: could not be started")]
    private static partial void LogStartFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name}: {Line}")]
    private static partial void LogStderr(ILogger logger, string name, string line);
}
