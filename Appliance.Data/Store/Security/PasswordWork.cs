using System.Security.Cryptography;

namespace Appliance.Data.Store.Security;

/// <summary>
/// Password hashing (PBKDF2: tens of milliseconds of one core each) with at most one hash per core at a time, so a
/// flood of sign-ins queues instead of taking every core and thread from the rest of the appliance. It also keeps an
/// estimate of how long a check takes, so an unknown user name can be answered as slowly as a wrong password without
/// spending a hash on it.
/// </summary>
internal sealed class PasswordWork(IPasswordHashing hashing, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, Environment.ProcessorCount));
    private readonly Lock _lock = new();
    private TimeSpan? _checkTime;

    public async Task<string> HashAsync(string password, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            return hashing.Hash(password);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Whether the password matches the hash, and whether the hash should be upgraded.</summary>
    public async Task<(bool Matches, bool Rehash)> VerifyAsync(string hash, string password, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            var started = time.GetTimestamp();
            var matches = hashing.Verify(hash, password, out var rehash);
            Learn(time.GetElapsedTime(started));
            return (matches, rehash);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Takes as long as a check would, from the caller's side: the same wait for a slot, then about the time a check
    /// takes, without the CPU. The first time, before anything was measured, it checks against a throwaway hash.
    /// </summary>
    public async Task ImitateVerifyAsync(CancellationToken ct)
    {
        TimeSpan? estimate;
        lock (_lock)
        {
            estimate = _checkTime;
        }
        if (estimate is null)
        {
            var throwaway = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await VerifyAsync(await HashAsync(throwaway, ct), throwaway + "-", ct);
            return;
        }
        await _slots.WaitAsync(ct);
        _slots.Release();
        if (estimate.Value >= TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(estimate.Value, time, ct);
        }
    }

    public void Dispose() => _slots.Dispose();

    // A moving average: it follows the machine's load without one slow check setting the pace.
    private void Learn(TimeSpan took)
    {
        lock (_lock)
        {
            _checkTime = _checkTime is { } average ? average + (took - average) / 8 : took;
        }
    }
}
