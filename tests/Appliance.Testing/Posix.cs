using System.Runtime.InteropServices;

namespace Appliance.Testing;

/// <summary>The few libc calls the lab and the benchmarks need.</summary>
public static partial class Posix
{
    private const int SigTerm = 15;

    public static bool IsRoot => GetEuid() == 0;

    /// <summary>Asks one process, by PID, to shut down cleanly.</summary>
    public static bool Terminate(int pid) => Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
