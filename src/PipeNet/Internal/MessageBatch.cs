namespace PipeNet.Internal;

/// <summary>How a socket's pass over one read's messages ended.</summary>
internal enum MessageBatch
{
    /// <summary>Every whole message was raised; what is left is the start of the next one.</summary>
    Drained = 1,

    /// <summary>Pause or Destroy stopped it between messages; the rest stays in the pipe.</summary>
    Interrupted = 2,

    /// <summary>Bad input or a throwing handler: the socket raised <c>error</c> and is being destroyed.</summary>
    Failed = 3,
}
