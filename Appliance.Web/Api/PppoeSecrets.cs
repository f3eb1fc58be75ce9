using Appliance.Engine.Configuration;

namespace Appliance.Web.Api;

/// <summary>
/// The PPPoE password is write-only like the hub key: shown as <see cref="SettingsApi.SecretMask"/>, and the mask sent
/// back keeps the stored password.
/// </summary>
internal static class PppoeSecrets
{
    public static WanLink Mask(WanLink wan) =>
        wan.Addressing?.Pppoe is { Password: not null } pppoe
            ? wan with { Addressing = wan.Addressing with { Pppoe = pppoe with { Password = SettingsApi.SecretMask } } }
            : wan;

    public static IReadOnlyList<WanLink> Mask(IReadOnlyList<WanLink> wans) => wans.Select(Mask).ToList();

    /// <summary>
    /// The WAN as sent, with a masked password replaced by the stored WAN's (none when it had none: the mask is never
    /// stored as a password, and the validator asks for a real one).
    /// </summary>
    public static WanLink KeepStored(WanLink sent, WanLink? stored) =>
        sent.Addressing?.Pppoe is { Password: SettingsApi.SecretMask } pppoe
            ? sent with { Addressing = sent.Addressing with { Pppoe = pppoe with { Password = stored?.Addressing?.Pppoe?.Password } } }
            : sent;

    /// <summary>Every WAN of an imported document, keeping the stored password of the WAN of the same name.</summary>
    public static IReadOnlyList<WanLink> KeepStored(IReadOnlyList<WanLink> sent, IReadOnlyList<WanLink> stored) =>
        sent.Select(w => w is null ? w! : KeepStored(w, stored.FirstOrDefault(s => s.Name == w.Name))).ToList();
}
