using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tcp;
using PipeNet.Transport.Tls;

namespace PipeNet.Cli;

/// <summary>
/// <c>pipenet connect</c>: netcat over PipeNet. Stdin goes to the socket (its end half-closes the socket,
/// sending close_notify first under TLS); the socket goes to stdout until the peer ends.
/// </summary>
internal static class ConnectCommand
{
    private const int StdinChunk = 16 * 1024;

    public static async Task<int> RunAsync(ConnectOptions options, Stream stdin, Stream stdout, TextWriter stderr)
    {
        string target = NetAddress.Format(options.Target);
        ConnectionContext connection;
        using var connector = new TcpConnector();
        try
        {
            connection = await connector.ConnectAsync(options.Target).ConfigureAwait(false);
            if (options.Tls)
            {
                var tls = new TlsClientOptions { Insecure = options.Insecure, CaFile = options.CaFile, HostName = options.ServerName };
                string? host = options.Target is DnsEndPoint dns ? dns.Host : null;
                connection = await TlsClient.AuthenticateAsync(connection, tls, host).ConfigureAwait(false);
            }
        }
        catch (NetException ex)
        {
            await stderr.WriteLineAsync($"pipenet: connect {target}: {ex.Code}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await using (connection.ConfigureAwait(false))
        {
            if (connection.Features.Get<IConnectionTlsFeature>() is { } feature)
            {
                await stderr.WriteLineAsync($"pipenet: connected to {target} ({feature.ProtocolName}, {feature.CipherSuiteName}{(feature.RemoteCertificateVerified ? "" : ", NOT VERIFIED: " + feature.VerificationError)})").ConfigureAwait(false);
            }

            Task sending = SendAsync(stdin, connection.Transport.Output);
            try
            {
                await ReceiveAsync(connection.Transport.Input, stdout).ConfigureAwait(false);
            }
            catch (Exception ex) when (NetException.GetCode(ex) is not null || ex is IOException)
            {
                await stderr.WriteLineAsync($"pipenet: {target}: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            // The peer ended: whatever stdin still holds has nowhere to go. Stop waiting for it.
            _ = sending;
        }

        return ExitCodes.Success;
    }

    private static async Task SendAsync(Stream stdin, PipeWriter output)
    {
        try
        {
            while (true)
            {
                Memory<byte> buffer = output.GetMemory(StdinChunk);
                int read = await stdin.ReadAsync(buffer).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                FlushResult flush = await output.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    return;
                }
            }

            await output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection closed under us; the receive side reports why.
        }
    }

    private static async Task ReceiveAsync(PipeReader input, Stream stdout)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                await stdout.WriteAsync(segment).ConfigureAwait(false);
            }

            await stdout.FlushAsync().ConfigureAwait(false);
            input.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
