using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Appliance.Engine.Kernel;

/// <summary>Starts real processes, optionally inside a named network namespace (the lab and the tests use one).</summary>
public sealed partial class ProcessCommandRunner : ICommandRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string? _namespace;

    public ProcessCommandRunner(string? networkNamespace = null)
    {
        if (networkNamespace is not null && !NamespacePattern().IsMatch(networkNamespace))
        {
            throw new ArgumentException($"'{networkNamespace}' is not a valid network namespace name.", nameof(networkNamespace));
        }
        _namespace = networkNamespace;
    }

    /// <summary>The namespace commands run in, or null for the process's own.</summary>
    public string? Namespace => _namespace;

    public async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, string? stdin = null, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo
        {
            FileName = _namespace is null ? program : "ip",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        if (_namespace is not null)
        {
            foreach (var prefix in new[] { "netns", "exec", _namespace, program })
            {
                start.ArgumentList.Add(prefix);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), timeout.Token);
            process.StandardInput.Close();
        }
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\z")]
    private static partial Regex NamespacePattern();
}
