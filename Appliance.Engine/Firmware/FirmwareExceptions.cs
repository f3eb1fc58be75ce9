namespace Appliance.Engine.Firmware;

/// <summary>Another upload or install is under way; only one at a time.</summary>
public sealed class FirmwareBusyException(string message) : Exception(message);

/// <summary>The upload passed the configured size limit; the partial file is gone.</summary>
public sealed class BundleTooLargeException(long limit) : Exception($"the bundle is larger than the limit of {limit} bytes")
{
    public long Limit { get; } = limit;
}

/// <summary>The request does not fit the firmware's state (e.g. install with no checked bundle).</summary>
public sealed class FirmwareStateException(string message) : Exception(message);
