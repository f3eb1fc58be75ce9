namespace Appliance.Engine.Kernel;

/// <summary>What a finished program said.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs a program with an argument list (never a shell string). Tests replace it with a fake.</summary>
public interface ICommandRunner
{
    Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, string? stdin = null, CancellationToken ct = default);
}

/// <summary>A command failed that the kernel state depends on.</summary>
public sealed class KernelCommandException(string command, CommandResult result)
    : Exception($"{command} failed ({result.ExitCode}): {result.Stderr.Trim()}")
{
    public CommandResult Result { get; } = result;
}

/// <summary>Helpers shared by the kernel components.</summary>
public static class CommandRunnerExtensions
{
    /// <summary>Runs and throws <see cref="KernelCommandException"/> on a non-zero exit.</summary>
    public static async Task<string> RunCheckedAsync(this ICommandRunner runner, string program, IReadOnlyList<string> arguments, string? stdin = null, CancellationToken ct = default)
    {
        var result = await runner.RunAsync(program, arguments, stdin, ct);
        if (!result.Succeeded)
        {
            throw new KernelCommandException($"{program} {string.Join(' ', arguments)}", result);
        }
        return result.Stdout;
    }
}
