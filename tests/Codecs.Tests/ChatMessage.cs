using System.Text.Json.Serialization;

namespace PipeNet.Codecs.Tests;

public sealed record ChatMessage(string User, string Text, int Seq);

[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}
