using System.Net.Sockets;

namespace PipeNet.Resolver.Internal;

/// <summary>A forward lookup's cache key: the name (compared without regard to case, as DNS does) and the family asked for.</summary>
internal readonly record struct HostKey(string Host, AddressFamily Family)
{
    public static readonly IEqualityComparer<HostKey> Comparer = new HostKeyComparer();

    private sealed class HostKeyComparer : IEqualityComparer<HostKey>
    {
        public bool Equals(HostKey x, HostKey y) => x.Family == y.Family && string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode(HostKey key) => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key.Host), key.Family);
    }
}
