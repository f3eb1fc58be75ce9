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

    public static uint MarkOf(int slot) => (uint)slot << MarkShift;
    public static int TableOf(int slot) => FirstTable + slot;
    public static bool IsApplianceTable(int table) => table > FirstTable && table <= FirstTable + MaxSlot;
}
