using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Appliance.Engine.Kernel;
using Appliance.Testing;

namespace Appliance.Bench;

/// <summary>iperf3 in the lab's namespaces: a server started once, clients whose JSON report is read.</summary>
public static class Iperf3
{
    /// <summary>Received rate and the sender's retransmits of one client run.</summary>
    public readonly record struct Run(double BitsPerSecond, int Retransmits);

    /// <summary>
    /// Starts <c>iperf3 -s</c> bound to <paramref name="address"/> (behind <paramref name="wrapper"/>, e.g. mptcpize run)
    /// and waits until it listens; the lab ends it on dispose.
    /// </summary>
    public static async Task<Process> StartServerAsync(NetnsLab lab, string ns, string address, int port, IReadOnlyList<string> wrapper, CancellationToken ct)
    {
        var errors = new ConcurrentQueue<string>();
        string[] command = [.. wrapper, "iperf3", "-s", "-B", address, "-p", port.ToString(CultureInfo.InvariantCulture)];
        var server = lab.StartProcess(ns, command[0], command[1..]);
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.Enqueue(e.Data);
            }
        };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the iperf3 server ended at once: {string.Join(" | ", errors)}");
            }
            if ((await lab.ExecAsync(ns, "ss", "-Hltn")).Contains($"{address}:{port}", StringComparison.Ordinal))
            {
                return server;
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"the iperf3 server on {address}:{port} did not listen within 5 s");
    }

    /// <summary>One client run (<c>iperf3 -c … -J</c> plus <paramref name="arguments"/>); a busy or not yet ready server gets two more tries.</summary>
    public static async Task<Run> ClientAsync(string ns, IReadOnlyList<string> wrapper, IReadOnlyList<string> arguments, TextWriter log, CancellationToken ct)
    {
        var runner = new ProcessCommandRunner(ns);
        string[] command = [.. wrapper, "iperf3", "-J", "--connect-timeout", "3000", .. arguments];
        for (var attempt = 1; ; attempt++)
        {
            var result = await runner.RunAsync(command[0], command[1..], null, ct);
            string? error;
            try
            {
                using var doc = JsonDocument.Parse(result.Stdout);
                var root = doc.RootElement;
                if (root.TryGetProperty("error", out var e))
                {
                    error = e.GetString();
                }
                else
                {
                    var end = root.GetProperty("end");
                    var bits = end.GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
                    var retransmits = end.TryGetProperty("sum_sent", out var sent) && sent.TryGetProperty("retransmits", out var r) ? r.GetInt32() : 0;
                    if (result.Succeeded && bits > 0)
                    {
                        return new Run(bits, retransmits);
                    }
                    error = $"exit {result.ExitCode}, {bits} bit/s";
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                error = $"exit {result.ExitCode}: {ex.Message}; stderr: {result.Stderr.Trim()}";
            }
            if (attempt == 3)
            {
                throw new InvalidOperationException($"{string.Join(' ', command)} failed: {error}");
            }
            await log.WriteLineAsync($"  iperf3 failed ({error}); retrying");
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }
}
