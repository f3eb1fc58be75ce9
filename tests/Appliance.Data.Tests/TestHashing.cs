using Appliance.Data.Store.Security;

namespace Appliance.Data.Tests;

/// <summary>Stands in for the host's hasher: the store's logic is under test here, not the hash. Counts the checks.</summary>
internal class PlainHashing : IPasswordHashing
{
    private int _verifications;

    /// <summary>How many passwords were checked against a hash.</summary>
    public int Verifications => Volatile.Read(ref _verifications);

    public string Hash(string password) => "plain:" + password;

    public virtual bool Verify(string hash, string password, out bool rehash)
    {
        Interlocked.Increment(ref _verifications);
        rehash = false;
        return hash == "plain:" + password;
    }
}

/// <summary>A hasher whose check of one password holds its thread until the test lets it go: a slow PBKDF2 under load.</summary>
internal sealed class HoldingHashing(string heldPassword) : PlainHashing
{
    /// <summary>Set once the held check has started.</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManualResetEventSlim Release { get; } = new();

    public override bool Verify(string hash, string password, out bool rehash)
    {
        if (password == heldPassword)
        {
            Entered.TrySetResult();
            // Bounded: a test that forgets to release fails instead of hanging.
            Release.Wait(Eventually.Limit);
        }
        return base.Verify(hash, password, out rehash);
    }
}
