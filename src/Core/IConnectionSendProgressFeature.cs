namespace PipeNet;

/// <summary>
/// Lets a layer above the transport learn when bytes it wrote have been handed to the kernel (not just
/// to the transport's write buffer), for write callbacks that promise "the data reached the socket".
/// </summary>
public interface IConnectionSendProgressFeature
{
    /// <summary>
    /// Completes with <c>true</c> once <see cref="IConnectionBytesFeature.BytesWritten"/> reaches
    /// <paramref name="totalBytes"/>, or with <c>false</c> when the connection can send no more first.
    /// </summary>
    /// <param name="totalBytes">The running total of bytes sent to wait for.</param>
    /// <returns>Whether the bytes were sent.</returns>
    Task<bool> WaitForBytesWrittenAsync(long totalBytes);
}
