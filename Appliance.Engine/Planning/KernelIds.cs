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

    /// <summary>
    /// Per-WAN routing tables are FirstTable + slot (slots start at 1); FirstTable itself is <see cref="OwnTable"/>.
    /// </summary>
    public const int FirstTable = 1000;

    /// <summary>
    /// The appliance's own default route (its unmarked traffic: DNS forwarding, NTP, updates) via the best usable WAN,
    /// moved by the planner as link health changes. Empty when no WAN is usable.
    /// </summary>
    public const int OwnTable = FirstTable;

    /// <summary>The kernel's main table, where connected routes of the LAN and WAN subnets live.</summary>
    public const int MainTable = 254;

    /// <summary>Reserved ip-rule priority range; nothing outside it is touched.</summary>
    public const int FirstRulePriority = 10000;
    public const int LastRulePriority = 10999;

    /// <summary>Bonded sessions to the local relay: before <see cref="MainRulePriority"/>, so a bonded session to a connected subnet is still relayed.</summary>
    public const int ProxyRulePriority = 10010;

    /// <summary>
    /// <c>lookup main suppress_prefixlength 0</c>: main's specific routes (connected LAN and WAN subnets, static routes) win,
    /// its default routes are ignored, so nothing depends on a default route in main that nobody configured.
    /// </summary>
    public const int MainRulePriority = 10020;

    /// <summary>
    /// Source-address rules for every routed WAN: a local socket on a WAN's address (the relay's MPTCP subflows, the
    /// probes, anything bound to it) leaves through that WAN, and replies to it pass the WAN's strict reverse-path check.
    /// </summary>
    public const int SourceRulePriority = 10050;

    /// <summary>Packet mark → the WAN's table: forwarded sessions, and replies during the reverse-path check.</summary>
    public const int MarkRulePriority = 10100;

    /// <summary>The appliance's own unmarked traffic → <see cref="OwnTable"/>; after every other rule of the range, before main (32766).</summary>
    public const int OwnRulePriority = 10900;

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
    public static bool IsApplianceTable(int table) => table >= FirstTable && table <= FirstTable + MaxSlot;
}
