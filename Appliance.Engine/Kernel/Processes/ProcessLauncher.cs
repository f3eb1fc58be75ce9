using System.Diagnostics;
using System.Globalization;

namespace Appliance.Engine.Kernel.Processes;

/// <summary>
/// Starts real processes, inside the engine's network namespace when it has one (<c>ip netns exec</c> replaces itself
/// with the program, so the child's id is the program's own and signals reach it).
/// </summary>
public sealed class ProcessLauncher(string? networkNamespace = null) : IProcessLauncher
{
    private readonly ProcessCommandRunner _local = new();

    public IChildProcess Start(ProcessSpec spec, Action<string> onStdout, Action<string> onStderr)
    {
        var start = new ProcessStartInfo
        {
            FileName = networkNamespace is null ? spec.Program : "ip",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (networkNamespace is not null)
        {
            foreach (var prefix in new[] { "netns", "exec", networkNamespace, spec.Program })
            {
                start.ArgumentList.Add(prefix);
            }
        }
        foreach (var argument in spec.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {spec.Program}");
        // Nothing is ever written to a daemon's stdin; closing it keeps a program that reads it from waiting.
        process.StandardInput.Close();
        return new Child(process, onStdout, onStderr, _local);
    }

    private sealed class Child : IChildProcess
    {
        private readonly Process _process;
        private readonly ProcessCommandRunner _local;

        public Child(Process process, Action<string> onStdout, Action<string> onStderr, ProcessCommandRunner local)
        {
            _process = process;
            _local = local;
            Id = process.Id;
            Exited = WaitAsync(Pump(process.StandardOutput, onStdout), Pump(process.StandardError, onStderr));
        }

        public int Id { get; }
        public Task<int> Exited { get; }

        private async Task<int> WaitAsync(Task stdout, Task stderr)
        {
            await Task.WhenAll(stdout, stderr);
            await _process.WaitForExitAsync();
            var code = _process.ExitCode;
            _process.Dispose();
            return code;
        }

        private static async Task Pump(StreamReader reader, Action<string> onLine)
        {
            await Task.Yield();
            while (await reader.ReadLineAsync() is { } line)
            {
                onLine(line);
            }
        }

        public async Task SignalAsync(ChildSignal signal, CancellationToken ct = default)
        {
            if (Exited.IsCompleted)
            {
                return;
            }
            var name = signal switch
            {
                ChildSignal.Hangup => "HUP",
                ChildSignal.User1 => "USR1",
                _ => "TERM",
            };
            // .NET sends no signal but SIGKILL; kill(1) sends the rest. The process was ours and is still unreaped,
            // so its id cannot have been reused.
            await _local.RunAsync("kill", ["-s", name, Id.ToString(CultureInfo.InvariantCulture)], null, ct);
        }

        public async Task StopAsync(TimeSpan grace, CancellationToken ct = default)
        {
            if (Exited.IsCompleted)
            {
                return;
            }
            await SignalAsync(ChildSignal.Terminate, ct);
            try
            {
                await Exited.WaitAsync(grace, ct);
            }
            catch (TimeoutException)
            {
                try
                {
                    _process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited between the wait and the kill.
                }
                await Exited;
            }
        }
    }
}
