using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Engine.Supervision;

/// <summary>
/// Faults the process cannot carry on from. The first one stops the host and sets <see cref="ExitCode"/>, which the
/// program returns: systemd sees the failure and starts the appliance again.
/// </summary>
public sealed partial class FatalErrors(ILogger<FatalErrors> logger, IHostApplicationLifetime? lifetime = null)
{
    /// <summary>The exit code after a fatal fault while running.</summary>
    public const int Failed = 1;

    private int _exitCode;

    /// <summary>0 unless a fatal fault was reported.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    /// <summary>Records the fault and stops the host (the process then exits with <see cref="Failed"/>).</summary>
    public void Stop(string source, Exception error)
    {
        Interlocked.CompareExchange(ref _exitCode, Failed, 0);
        LogFatal(logger, source, error);
        lifetime?.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Source} failed and cannot carry on; the appliance stops with a non-zero exit code so that systemd restarts it")]
    private static partial void LogFatal(ILogger logger, string source, Exception exception);
}
