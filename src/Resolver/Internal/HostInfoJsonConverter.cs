using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PipeNet.Resolver.Internal;

/// <summary>Writes and reads <see cref="HostInfo"/> in rampart-net's shape; members with no value are left out, as rampart does.</summary>
internal sealed class HostInfoJsonConverter : JsonConverter<HostInfo>
{
    public static string Serialize(HostInfo info, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, info);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public override HostInfo Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A HostInfo is a JSON object.");
        }

        string? host = null;
        string? canonicalName = null;
        List<IPAddress>? all = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString() ?? "";
            reader.Read();
            switch (name)
            {
                case "host":
                    host = reader.GetString();
                    break;
                case "canonName":
                    canonicalName = reader.GetString();
                    break;
                case "ipaddrs":
                    all = ReadAddresses(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new HostInfo(host ?? throw new JsonException("A HostInfo needs 'host'."), all ?? [], canonicalName);
    }

    public override void Write(Utf8JsonWriter writer, HostInfo value, JsonSerializerOptions options) => Write(writer, value);

    private static void Write(Utf8JsonWriter writer, HostInfo value)
    {
        writer.WriteStartObject();
        writer.WriteString("host", value.Host);
        WriteArray(writer, "ip4addrs", value.IPv4Addresses);
        WriteArray(writer, "ip6addrs", value.IPv6Addresses);
        WriteArray(writer, "ipaddrs", value.Addresses);
        WriteAddress(writer, "ip", value.Ip);
        WriteAddress(writer, "ipv4", value.IPv4);
        WriteAddress(writer, "ipv6", value.IPv6);
        if (value.CanonicalName is { } canonicalName)
        {
            writer.WriteString("canonName", canonicalName);
        }

        writer.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<IPAddress> addresses)
    {
        writer.WriteStartArray(name);
        foreach (IPAddress address in addresses)
        {
            writer.WriteStringValue(address.ToString());
        }

        writer.WriteEndArray();
    }

    private static void WriteAddress(Utf8JsonWriter writer, string name, IPAddress? address)
    {
        if (address is not null)
        {
            writer.WriteString(name, address.ToString());
        }
    }

    private static List<IPAddress> ReadAddresses(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("'ipaddrs' is an array of address strings.");
        }

        var addresses = new List<IPAddress>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string text = reader.GetString() ?? "";
            addresses.Add(IPAddress.TryParse(text, out IPAddress? address) ? address : throw new JsonException($"'{text}' is not an IP address."));
        }

        return addresses;
    }
}
