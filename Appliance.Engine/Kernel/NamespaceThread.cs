using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Appliance.Engine.Kernel;

/// <summary>A dedicated OS thread that has entered a network namespace; sockets created on it live there.</summary>
/// <remarks>setns affects only the calling thread, and a socket keeps the namespace it was created in: the engine
/// probes from the namespace it manages, and tests act as client and server in several namespaces in one process.</remarks>
public sealed partial class NamespaceThread : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NamespaceThread(string ns)
    {
        Namespace = ns;
        _thread = new Thread(() => Run(ns)) { IsBackground = true, Name = $"netns {ns}" };
        _thread.Start();
        _entered.Task.GetAwaiter().GetResult();
    }

    public string Namespace { get; }

    /// <summary>Runs <paramref name="work"/> on the namespace's thread.</summary>
    public Task<T> InvokeAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        return done.Task;
    }

    public T Invoke<T>(Func<T> work) => InvokeAsync(work).GetAwaiter().GetResult();

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _work.Dispose();
    }

    private void Run(string ns)
    {
        try
        {
            using (var handle = File.OpenHandle($"/run/netns/{ns}"))
            {
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns({ns}) failed: errno {Marshal.GetLastPInvokeError()}");
                }
            }
            _entered.SetResult();
        }
        catch (Exception ex)
        {
            _entered.SetException(ex);
            return;
        }
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
