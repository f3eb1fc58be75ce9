using Appliance.Data.Store.Security;
using Microsoft.AspNetCore.Identity;

namespace Appliance.Web.Security;

/// <summary>Passwords hashed by ASP.NET Core Identity's hasher: PBKDF2-HMAC-SHA512, per-password salt, 100,000 iterations.</summary>
internal sealed class IdentityPasswordHashing : IPasswordHashing
{
    private static readonly object User = new();
    private readonly PasswordHasher<object> _hasher = new();

    public string Hash(string password) => _hasher.HashPassword(User, password);

    public bool Verify(string hash, string password, out bool rehash)
    {
        var result = _hasher.VerifyHashedPassword(User, hash, password);
        rehash = result == PasswordVerificationResult.SuccessRehashNeeded;
        return result != PasswordVerificationResult.Failed;
    }
}
