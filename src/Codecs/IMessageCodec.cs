namespace PipeNet.Codecs;

/// <summary>A whole protocol: the two methods that read and write one message (Bedrock's shape).</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public interface IMessageCodec<TMessage> : IMessageReader<TMessage>, IMessageWriter<TMessage>
{
}
