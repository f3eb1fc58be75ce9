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
        Version = version;
    }

    public WanLink Wan { get; set; }

    /// <summary>The probe settings of <see cref="Wan"/>, for the probe fields.</summary>
    public ProbeSettings Probes
    {
        get => Wan.Probes;
        set => Wan = Wan with { Probes = value };
    }

    /// <summary>The probe targets as edited: one per line (commas separate too).</summary>
    public string Targets { get; set; }

    /// <summary>The version the draft was loaded at; null for a new WAN.</summary>
    public long? Version { get; }

    public bool IsNew => Version is null;

    public static WanDraft From(WanLink wan, long? version) => new(wan, version);

    /// <summary>A new WAN starts from the model's defaults, so the form shows the same values the API would use.</summary>
    public static WanDraft New() => From(new WanLink(), null);

    /// <summary>The WAN to store: text trimmed, an empty gateway meaning DHCP, the targets split into the list.</summary>
    public WanLink ToWan() => Wan with
    {
        Name = (Wan.Name ?? "").Trim(),
        Interface = (Wan.Interface ?? "").Trim(),
        Gateway = string.IsNullOrWhiteSpace(Wan.Gateway) ? WanLink.DhcpGateway : Wan.Gateway.Trim(),
        Probes = Wan.Probes with
        {
            Targets = (Targets ?? "").Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        },
    };
}
