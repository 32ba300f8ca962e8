namespace PipeNet;

/// <summary>Exact byte counts of a connection, as seen by its transport.</summary>
public interface IConnectionBytesFeature
{
    /// <summary>Bytes received from the peer so far.</summary>
    long BytesRead { get; }

    /// <summary>Bytes handed to the peer so far (accepted by the kernel, or by the layer below).</summary>
    long BytesWritten { get; }
}
