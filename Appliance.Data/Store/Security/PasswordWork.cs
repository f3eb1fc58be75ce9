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
    private Task? _calibration;

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
        // Timed from the caller's side, the wait for a slot included: that is what an unknown name has to match.
        var started = time.GetTimestamp();
        await _slots.WaitAsync(ct);
        try
        {
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
    /// Takes about as long as a check takes its callers lately (slot wait included), without the CPU and without
    /// queueing for a slot ahead of real checks. Until a check has been timed, one caller times a check against a
    /// throwaway hash and the others wait for it: a flood's first wave costs one hash, not one each.
    /// </summary>
    public async Task ImitateVerifyAsync(CancellationToken ct)
    {
        Task? calibration = null;
        lock (_lock)
        {
            if (_checkTime is null)
            {
                // Started on its own, so its clean-up never runs inside this lock, before the task is stored.
                calibration = _calibration ??= Task.Run(CalibrateAsync, CancellationToken.None);
            }
        }
        if (calibration is not null)
        {
            await calibration.WaitAsync(ct);
        }
        TimeSpan estimate;
        lock (_lock)
        {
            estimate = _checkTime ?? TimeSpan.Zero;
        }
        if (estimate >= TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(estimate, time, ct);
        }
    }

    public void Dispose() => _slots.Dispose();

    private async Task CalibrateAsync()
    {
        try
        {
            var throwaway = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await VerifyAsync(await HashAsync(throwaway, CancellationToken.None), throwaway + "-", CancellationToken.None);
        }
        finally
        {
            lock (_lock)
            {
                // Timed now, or failed: either way the next caller decides afresh.
                _calibration = null;
            }
        }
    }

    // A moving average: it follows the machine's load without one slow check setting the pace.
    private void Learn(TimeSpan took)
    {
        lock (_lock)
        {
            _checkTime = _checkTime is { } average ? average + (took - average) / 8 : took;
        }
    }
}
