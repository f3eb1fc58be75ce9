using Appliance.Engine.Configuration;

namespace Appliance.Web.Components.Config;

/// <summary>
/// A WAN as the form edits it: the model record itself, replaced with each field the form changes, and the probe
/// targets as text, one per line. A field the form does not show keeps its value.
/// </summary>
public sealed class WanDraft
{
    private WanDraft(WanLink wan, long? version)
    {
        Wan = wan;
        Targets = string.Join('\n', wan.Probes.Targets);
        _dnsServers = string.Join('\n', wan.EffectiveAddressing.DnsServers);
        Version = version;
    }

    private string _dnsServers;
    private string? _newPassword;

    public WanLink Wan { get; set; }

    /// <summary>The probe settings of <see cref="Wan"/>, for the probe fields.</summary>
    public ProbeSettings Probes
    {
        get => Wan.Probes;
        set => Wan = Wan with { Probes = value };
    }

    /// <summary>
    /// The addressing in force. Reading a WAN stored without one gives the implied addressing; the first change makes
    /// it explicit, so a WAN whose addressing the user leaves alone is saved as it was.
    /// </summary>
    public WanAddressing Addressing
    {
        get => Wan.EffectiveAddressing;
        set => Wan = Wan with { Addressing = value };
    }

    /// <summary>The PPPoE account as edited; its password is never read from here into the form.</summary>
    public PppoeSettings Pppoe
    {
        get => Addressing.Pppoe ?? new PppoeSettings();
        set => Addressing = Addressing with { Pppoe = value };
    }

    /// <summary>
    /// DHCP and PPPoE chosen in the form learn the gateway. A WAN without explicit addressing keeps the gateway field
    /// as before (an address, or dhcp), which implies its addressing.
    /// </summary>
    public bool GatewayLearned => Wan.Addressing is { Mode: not AddressingMode.Static };

    /// <summary>The addressing's DNS servers as edited, one per line.</summary>
    public string DnsServers
    {
        get => _dnsServers;
        set
        {
            _dnsServers = value;
            MakeExplicit();
        }
    }

    /// <summary>A new PPPoE password typed by the user; empty keeps the stored one (write-only, like the hub key).</summary>
    public string? NewPassword
    {
        get => _newPassword;
        set
        {
            _newPassword = value;
            MakeExplicit();
        }
    }

    // The implied addressing becomes the WAN's own, so edits to it are saved.
    private void MakeExplicit() => Wan = Wan with { Addressing = Wan.EffectiveAddressing };

    /// <summary>The WAN as loaded has a PPPoE password stored.</summary>
    public bool HasStoredPassword { get; private init; }

    /// <summary>The probe targets as edited: one per line (commas separate too).</summary>
    public string Targets { get; set; }

    /// <summary>The version the draft was loaded at; null for a new WAN.</summary>
    public long? Version { get; }

    public bool IsNew => Version is null;

    public static WanDraft From(WanLink wan, long? version) =>
        new(wan, version) { HasStoredPassword = !string.IsNullOrEmpty(wan.Addressing?.Pppoe?.Password) };

    /// <summary>A new WAN starts from the model's defaults, so the form shows the same values the API would use.</summary>
    public static WanDraft New() => From(new WanLink(), null);

    /// <summary>
    /// The WAN to store: text trimmed, an empty or learned gateway meaning DHCP, the targets split into the list, and an
    /// explicit addressing without the fields of the other modes (a static address on a DHCP WAN, a PPPoE account on a
    /// static one).
    /// </summary>
    public WanLink ToWan() => Wan with
    {
        Name = (Wan.Name ?? "").Trim(),
        Interface = (Wan.Interface ?? "").Trim(),
        Gateway = GatewayLearned || string.IsNullOrWhiteSpace(Wan.Gateway) ? WanLink.DhcpGateway : Wan.Gateway.Trim(),
        Addressing = Wan.Addressing is { } addressing ? Tidy(addressing) : null,
        Probes = Wan.Probes with
        {
            Targets = Lines(Targets),
        },
    };

    private WanAddressing Tidy(WanAddressing a) => a with
    {
        Address = a.Mode == AddressingMode.Static && !string.IsNullOrWhiteSpace(a.Address) ? a.Address.Trim() : null,
        DnsServers = Lines(DnsServers),
        Pppoe = a.Mode != AddressingMode.Pppoe ? null : (a.Pppoe ?? new PppoeSettings()) with
        {
            Username = (a.Pppoe?.Username ?? "").Trim(),
            ServiceName = string.IsNullOrWhiteSpace(a.Pppoe?.ServiceName) ? null : a.Pppoe.ServiceName.Trim(),
            Password = string.IsNullOrEmpty(NewPassword) ? a.Pppoe?.Password : NewPassword,
        },
    };

    private static string[] Lines(string? text) =>
        (text ?? "").Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
