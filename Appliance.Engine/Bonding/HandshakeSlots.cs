using System.Net;
using System.Net.Sockets;

namespace Appliance.Engine.Bonding;

/// <summary>
/// Hub: room for connections still in their handshake, capped in total and per source (one IPv4 address, or one IPv6
/// /64, which is what a single host can easily hold), so one host opening idle connections cannot take every slot.
/// A source from which an edge proved its key lately is held to the total only: a real edge opens many sessions at
/// once from its one WAN address (a browser opens dozens), and an attacker cannot earn that without the key.
/// </summary>
public sealed class HandshakeSlots
{
    /// <summary>How long an authenticated source stays trusted after its last proof.</summary>
    public static readonly TimeSpan TrustFor = TimeSpan.FromMinutes(10);

    /// <summary>Trusted sources remembered at most; past it the oldest proofs are forgotten (the cap per source applies to them again).</summary>
    public const int MaxTrustedSources = 4096;

    private readonly Lock _lock = new();
    private readonly Dictionary<UInt128, int> _bySource = [];
    private readonly Dictionary<UInt128, long> _trusted = [];
    private readonly int _total;
    private readonly int _perSource;
    private readonly TimeProvider _time;
    private int _inUse;

    public HandshakeSlots(int total, int perSource, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perSource, 1);
        (_total, _perSource, _time) = (total, perSource, time ?? TimeProvider.System);
    }

    public int InUse
    {
        get
        {
            lock (_lock)
            {
                return _inUse;
            }
        }
    }

    /// <summary>A slot for a handshake from <paramref name="source"/>, or null when the hub or that source is at its limit.</summary>
    public Slot? TryTake(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var key = SourceKey(source);
        lock (_lock)
        {
            var held = _bySource.GetValueOrDefault(key);
            if (_inUse >= _total || (held >= _perSource && !IsTrusted(key)))
            {
                return null;
            }
            _bySource[key] = held + 1;
            _inUse++;
        }
        return new Slot(this, key);
    }

    /// <summary>An edge proved its key from <paramref name="source"/>: its handshakes are held to the total only, for a while.</summary>
    public void Trust(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var key = SourceKey(source);
        lock (_lock)
        {
            if (!_trusted.ContainsKey(key) && _trusted.Count >= MaxTrustedSources)
            {
                var expired = _trusted.Where(t => _time.GetElapsedTime(t.Value) >= TrustFor).Select(t => t.Key).ToList();
                expired.ForEach(k => _trusted.Remove(k));
                if (_trusted.Count >= MaxTrustedSources)
                {
                    _trusted.Remove(_trusted.MinBy(t => t.Value).Key);
                }
            }
            _trusted[key] = _time.GetTimestamp();
        }
    }

    private bool IsTrusted(UInt128 key) => _trusted.TryGetValue(key, out var since) && _time.GetElapsedTime(since) < TrustFor;

    /// <summary>IPv4 addresses whole (IPv4-mapped ones too); IPv6 by their /64 (the upper half; v4 keys keep it zero).</summary>
    internal static UInt128 SourceKey(IPAddress source)
    {
        if (source.IsIPv4MappedToIPv6)
        {
            source = source.MapToIPv4();
        }
        Span<byte> bytes = stackalloc byte[16];
        if (source.AddressFamily == AddressFamily.InterNetwork)
        {
            source.TryWriteBytes(bytes[12..], out _);
            // ::ffff:0:0/96 never collides with a /64 key, whose lower half is zero.
            bytes[10] = bytes[11] = 0xff;
        }
        else
        {
            source.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
        }
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private void Release(UInt128 key)
    {
        lock (_lock)
        {
            _inUse--;
            var held = _bySource[key] - 1;
            if (held == 0)
            {
                _bySource.Remove(key);
            }
            else
            {
                _bySource[key] = held;
            }
        }
    }

    /// <summary>One taken slot; disposing gives it back (once).</summary>
    public sealed class Slot : IDisposable
    {
        private HandshakeSlots? _owner;
        private readonly UInt128 _key;

        internal Slot(HandshakeSlots owner, UInt128 key) => (_owner, _key) = (owner, key);

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release(_key);
    }
}
