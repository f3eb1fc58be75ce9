namespace Appliance.Engine.Planning;

/// <summary>
/// The links and addresses the engine manages: the LAN bridge and its members, the ports it brings up or down, and
/// the addresses of the devices whose addressing it owns. Interfaces it does not name are never touched.
/// </summary>
/// <param name="ManagedAddresses">
/// Devices whose global IPv4 addresses are exactly the planned ones (others are removed). A static WAN without an
/// address, a PPP interface (pppd sets its own) and unnamed interfaces are not listed.
/// </param>
public sealed record InterfacePlan(IReadOnlyList<LinkSpec> Links, IReadOnlyList<AddressSpec> Addresses, IReadOnlyList<string> ManagedAddresses)
{
    public static InterfacePlan Empty { get; } = new([], [], []);

    public bool IsEmpty => Links.Count == 0 && Addresses.Count == 0 && ManagedAddresses.Count == 0;

    /// <summary>Text form for golden files and logs.</summary>
    public IEnumerable<string> Describe() =>
        Links.Select(l => l.ToString())
            .Concat(Addresses.Select(a => a.ToString()))
            .Concat(ManagedAddresses.Count == 0 ? [] : [$"addresses managed on {string.Join(", ", ManagedAddresses)}"]);
}

/// <summary>A link the engine manages: a bridge it creates, or a port it brings up or down and puts into the bridge or takes out.</summary>
/// <param name="Master">The bridge the link belongs to; null means in none.</param>
public sealed record LinkSpec(string Name, bool Up, string? Master = null, bool Bridge = false)
{
    public override string ToString() => $"link {Name}{(Bridge ? " bridge" : "")} {(Up ? "up" : "down")}{(Master is null ? "" : " master " + Master)}";
}

/// <summary>An address (with prefix length) on a device.</summary>
public sealed record AddressSpec(string Device, string Address)
{
    public override string ToString() => $"address {Device} {Address}";
}
