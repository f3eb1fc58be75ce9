namespace Appliance.Engine.Kernel.Processes;

/// <summary>A program to run as a long-lived child: a name for logs and status, the program and its arguments (never a shell string).</summary>
public sealed record ProcessSpec(string Name, string Program, IReadOnlyList<string> Arguments)
{
    public override string ToString() => $"{Program} {string.Join(' ', Arguments)}";
}

/// <summary>The signals the engine sends its daemons.</summary>
public enum ChildSignal
{
    /// <summary>SIGHUP: dnsmasq re-reads its servers file and hosts files.</summary>
    Hangup,
    /// <summary>SIGUSR1: udhcpc renews its lease now.</summary>
    User1,
    /// <summary>SIGTERM: stop, letting the program clean up (pppd hangs up the session).</summary>
    Terminate,
}

/// <summary>Starts child processes; tests replace it with a fake.</summary>
public interface IProcessLauncher
{
    /// <summary>Starts <paramref name="spec"/>; each line it writes to stdout goes to <paramref name="onStdout"/>, each to stderr to <paramref name="onStderr"/>.</summary>
    IChildProcess Start(ProcessSpec spec, Action<string> onStdout, Action<string> onStderr);
}

/// <summary>One started child.</summary>
public interface IChildProcess
{
    int Id { get; }

    /// <summary>Completes with the exit code when the process has exited and its output is read to the end.</summary>
    Task<int> Exited { get; }

    Task SignalAsync(ChildSignal signal, CancellationToken ct = default);

    /// <summary>Asks it to terminate, and kills it with everything it started if it is still there after <paramref name="grace"/>.</summary>
    Task StopAsync(TimeSpan grace, CancellationToken ct = default);
}
