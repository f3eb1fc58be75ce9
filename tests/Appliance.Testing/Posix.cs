using System.Runtime.InteropServices;

namespace Appliance.Testing;

/// <summary>The few libc calls the lab and the benchmarks need.</summary>
public static partial class Posix
{
    private const int SigTerm = 15;

    public static bool IsRoot => GetEuid() == 0;

    /// <summary>Asks one process, by PID, to shut down cleanly.</summary>
    public static bool Terminate(int pid) => Kill(pid, SigTerm) == 0;

    private const int RlimitNofile = 7;

    /// <summary>
    /// Raises this process's open-file limit (soft and hard) to at least <paramref name="files"/>; needs root to go past
    /// the hard limit. Tests that hold thousands of sessions, every part of them in one process, need it.
    /// </summary>
    public static void RaiseOpenFileLimit(ulong files)
    {
        if (GetRlimit(RlimitNofile, out var current) != 0)
        {
            throw new InvalidOperationException($"getrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        }
        if (current.Soft >= files && current.Hard >= files)
        {
            return;
        }
        var wanted = new RLimit { Soft = Math.Max(current.Soft, files), Hard = Math.Max(current.Hard, files) };
        if (SetRlimit(RlimitNofile, in wanted) != 0)
        {
            throw new InvalidOperationException($"setrlimit(RLIMIT_NOFILE, {files}) failed: errno {Marshal.GetLastPInvokeError()} (root needed past the hard limit)");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Soft;
        public ulong Hard;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRlimit(int resource, in RLimit limit);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
