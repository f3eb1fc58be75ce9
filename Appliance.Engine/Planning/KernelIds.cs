namespace Appliance.Engine.Planning;

/// <summary>The marks, routing tables and rule priorities the appliance owns in the kernel.</summary>
public static class KernelIds
{
    public const string TableFamily = "inet";
    public const string TableName = "appliance";

    /// <summary>Connection and packet marks use bits 16–30; the rest stay free for other software.</summary>
    public const uint MarkMask = 0x7fff_0000;
    public const int MarkShift = 16;
    public const int MaxSlot = 0x7fff;

    /// <summary>Per-WAN routing tables are FirstTable + slot.</summary>
    public const int FirstTable = 1000;

    /// <summary>Reserved ip-rule priority range; nothing outside it is touched.</summary>
    public const int FirstRulePriority = 10000;
    public const int LastRulePriority = 10999;
    public const int MarkRulePriority = 10100;

    /// <summary>
    /// Source-address rules for bonded WANs: the relay's MPTCP subflows are local traffic without a mark,
    /// and each must leave through the WAN whose address it was bound to.
    /// </summary>
    public const int SourceRulePriority = 10050;

    /// <summary>The last slot is no WAN's: its mark names bonded sessions, TPROXY'd to the local relay.</summary>
    public const int BondSlot = MaxSlot;
    public static uint BondMark => MarkOf(BondSlot);
    /// <summary>Holds "local default dev lo", so packets carrying the bond mark are delivered to the relay's socket.</summary>
    public static int ProxyTable => TableOf(BondSlot);
    /// <summary>The relay's transparent listener (127.0.0.1); TPROXY hands it the LAN's bonded TCP sessions.</summary>
    public const int BondProxyPort = 7440;

    /// <summary>MPTCP endpoint ids the appliance owns; endpoints with other ids belong to someone else.</summary>
    public const int FirstEndpointId = 100;
    public const int LastEndpointId = 199;
    /// <summary>The kernel's ceiling for MPTCP subflow and add_addr limits.</summary>
    public const int MaxMptcpLimit = 8;

    public static uint MarkOf(int slot) => (uint)slot << MarkShift;
    public static int TableOf(int slot) => FirstTable + slot;
    public static bool IsApplianceTable(int table) => table > FirstTable && table <= FirstTable + MaxSlot;
}
