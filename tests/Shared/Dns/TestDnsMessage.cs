using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace PipeNet.Tests;

/// <summary>Builds and reads the few DNS messages the tests' own servers need (RFC 1035 section 4).</summary>
public static class TestDnsMessage
{
    public const ushort TypeA = 1;
    public const ushort TypePtr = 12;
    public const ushort TypeAaaa = 28;

    /// <summary>A query for <paramref name="name"/>.</summary>
    public static byte[] Query(ushort id, string name, ushort type)
    {
        var message = new List<byte>();
        Header(message, id, flags: 0x0100, questions: 1, answers: 0);
        Question(message, name, type);
        return [.. message];
    }

    /// <summary>The id, name and type of a query.</summary>
    public static (ushort Id, string Name, ushort Type) ReadQuery(ReadOnlySpan<byte> query)
    {
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(query);
        var name = new StringBuilder();
        int offset = 12;
        while (query[offset] != 0)
        {
            int length = query[offset];
            if (name.Length > 0)
            {
                name.Append('.');
            }

            name.Append(Encoding.ASCII.GetString(query.Slice(offset + 1, length)));
            offset += length + 1;
        }

        ushort type = BinaryPrimitives.ReadUInt16BigEndian(query[(offset + 1)..]);
        return (id, name.ToString(), type);
    }

    /// <summary>An answer to <paramref name="query"/> with <paramref name="addresses"/> (of the query's type), a response code and flags.</summary>
    public static byte[] Answer(ReadOnlySpan<byte> query, IEnumerable<IPAddress> addresses, int responseCode = 0, bool truncated = false, uint ttl = 30)
    {
        (ushort id, string name, ushort type) = ReadQuery(query);
        IPAddress[] matching = [.. addresses.Where(a => (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) == (type == TypeA))];
        if (type is not (TypeA or TypeAaaa))
        {
            matching = [];
        }

        var message = new List<byte>();
        Header(message, id, flags: (ushort)(0x8180 | (truncated ? 0x0200 : 0) | responseCode), questions: 1, answers: (ushort)matching.Length);
        Question(message, name, type);
        foreach (IPAddress address in matching)
        {
            message.AddRange([0xC0, 0x0C]); // the question's name
            AddUInt16(message, type);
            AddUInt16(message, 1);
            AddUInt16(message, (ushort)(ttl >> 16));
            AddUInt16(message, (ushort)ttl);
            byte[] data = address.GetAddressBytes();
            AddUInt16(message, (ushort)data.Length);
            message.AddRange(data);
        }

        return [.. message];
    }

    /// <summary>An answer to <paramref name="query"/> holding only a CNAME from the question's name to <paramref name="target"/>.</summary>
    public static byte[] CNameAnswer(ReadOnlySpan<byte> query, string target, uint ttl = 30)
    {
        (ushort id, string name, ushort type) = ReadQuery(query);
        var message = new List<byte>();
        Header(message, id, flags: 0x8180, questions: 1, answers: 1);
        Question(message, name, type);
        message.AddRange([0xC0, 0x0C]);
        AddUInt16(message, 5); // CNAME
        AddUInt16(message, 1);
        AddUInt16(message, (ushort)(ttl >> 16));
        AddUInt16(message, (ushort)ttl);
        var data = new List<byte>();
        foreach (string label in target.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            data.Add((byte)label.Length);
            data.AddRange(Encoding.ASCII.GetBytes(label));
        }

        data.Add(0);
        AddUInt16(message, (ushort)data.Count);
        message.AddRange(data);
        return [.. message];
    }

    private static void Header(List<byte> message, ushort id, ushort flags, ushort questions, ushort answers)
    {
        AddUInt16(message, id);
        AddUInt16(message, flags);
        AddUInt16(message, questions);
        AddUInt16(message, answers);
        AddUInt16(message, 0);
        AddUInt16(message, 0);
    }

    private static void Question(List<byte> message, string name, ushort type)
    {
        foreach (string label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            message.Add((byte)label.Length);
            message.AddRange(Encoding.ASCII.GetBytes(label));
        }

        message.Add(0);
        AddUInt16(message, type);
        AddUInt16(message, 1);
    }

    private static void AddUInt16(List<byte> message, ushort value)
    {
        message.Add((byte)(value >> 8));
        message.Add((byte)value);
    }
}
