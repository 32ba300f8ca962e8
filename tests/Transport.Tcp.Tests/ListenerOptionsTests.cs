using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.AspNetCore.Connections;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

public sealed class ListenerOptionsTests
{
    [Fact]
    public async Task BindingABusyPortFailsWithEaddrinuse()
    {
        await using ListenerHarness first = await ListenerHarness.StartLoopbackAsync();
        var error = await Assert.ThrowsAsync<NetException>(() => ListenerHarness.StartAsync(first.EndPoint));
        Assert.Equal(NetErrorCode.AddressInUse, error.Code);
        Assert.Contains(first.EndPoint.ToString()!, error.Message);
    }

    [Fact]
    public async Task TwoReusePortListenersOnOnePortBothReceiveConnections()
    {
        var options = new TcpTransportOptions { ReusePort = true };
        await using ListenerHarness first = await ListenerHarness.StartLoopbackAsync(options);
        await using ListenerHarness second = await ListenerHarness.StartAsync(first.EndPoint, options);

        // The kernel spreads connections by a hash of the peer's address and port; with 64 of them the
        // chance that one listener gets none is 2^-63.
        var clients = new List<Socket>();
        for (int i = 0; i < 64; i++)
        {
            clients.Add(await SocketTestExtensions.ConnectAsync(first.EndPoint));
        }

        int firstCount = await DrainAsync(first), secondCount = await DrainAsync(second);
        Assert.Equal(64, firstCount + secondCount);
        Assert.True(firstCount > 0 && secondCount > 0, $"first {firstCount}, second {secondCount}");
        clients.ForEach(c => c.Dispose());

        static async Task<int> DrainAsync(ListenerHarness harness)
        {
            int count = 0;
            while (true)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    await using var connection = await harness.AcceptWithTokenAsync(cts.Token);
                    count++;
                }
                catch (OperationCanceledException)
                {
                    return count;
                }
            }
        }
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task ReuseAddressIsWhatTheListeningSocketReports(bool reuseAddress, int expected)
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { ReuseAddress = reuseAddress });

        // Read it back from the kernel through the listening socket's descriptor (SOL_SOCKET, SO_REUSEADDR).
        int fd = FindListeningDescriptor(((IPEndPoint)server.EndPoint).Port);
        Assert.Equal(expected, GetSocketOptionInt(fd, 1, 2));
    }

    [Fact]
    public async Task WithoutReusePortASecondListenerIsRefused()
    {
        await using ListenerHarness first = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { ReusePort = true });
        var error = await Assert.ThrowsAsync<NetException>(() => ListenerHarness.StartAsync(first.EndPoint));
        Assert.Equal(NetErrorCode.AddressInUse, error.Code);
    }

    [Fact]
    public async Task StaleUnixSocketFileIsReportedClearly()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pipenet-stale-{Guid.NewGuid():N}.sock");
        CreateStaleSocketFile(path);
        try
        {
            var error = await Assert.ThrowsAsync<NetException>(() => ListenerHarness.StartAsync(new UnixDomainSocketEndPoint(path)));
            Assert.Equal(NetErrorCode.AddressInUse, error.Code);
            Assert.Contains("stale", error.Message);
            Assert.True(File.Exists(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task StaleUnixSocketFileIsRemovedWhenAsked()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pipenet-stale-{Guid.NewGuid():N}.sock");
        CreateStaleSocketFile(path);
        await using (ListenerHarness server = await ListenerHarness.StartAsync(new UnixDomainSocketEndPoint(path), new TcpTransportOptions { UnlinkStaleUnixSocket = true }))
        {
            using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
            await using var connection = await server.AcceptAsync();
            Assert.NotNull(connection);
        }

        Assert.False(File.Exists(path), "Unbinding removes the socket file the server created.");
    }

    [Fact]
    public async Task LiveUnixSocketIsNeverRemoved()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pipenet-live-{Guid.NewGuid():N}.sock");
        await using ListenerHarness first = await ListenerHarness.StartAsync(new UnixDomainSocketEndPoint(path));
        var error = await Assert.ThrowsAsync<NetException>(() =>
            ListenerHarness.StartAsync(new UnixDomainSocketEndPoint(path), new TcpTransportOptions { UnlinkStaleUnixSocket = true }));
        Assert.Equal(NetErrorCode.AddressInUse, error.Code);
        Assert.Contains("another server", error.Message);
    }

    [Fact]
    public async Task AFileThatIsNotASocketIsNeverRemoved()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pipenet-file-{Guid.NewGuid():N}.sock");
        await File.WriteAllTextAsync(path, "precious");
        try
        {
            var error = await Assert.ThrowsAsync<NetException>(() =>
                ListenerHarness.StartAsync(new UnixDomainSocketEndPoint(path), new TcpTransportOptions { UnlinkStaleUnixSocket = true }));
            Assert.Contains("not a socket", error.Message);
            Assert.Equal("precious", await File.ReadAllTextAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ListensOnAnExistingSocketHandle()
    {
        // What systemd socket activation hands a service: its own descriptor of a listening socket.
        using var original = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        original.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        original.Listen();
        int inherited = DuplicateDescriptor((int)original.SafeHandle.DangerousGetHandle());
        Assert.True(inherited > 0);

        IConnectionListener listener = await new TcpListenerFactory().BindAsync(new FileHandleEndPoint((ulong)inherited, FileHandleType.Tcp));
        await using (listener)
        {
            Assert.Equal(original.LocalEndPoint, listener.EndPoint);
            using Socket client = await SocketTestExtensions.ConnectAsync(listener.EndPoint);
            await using var connection = (await listener.AcceptAsync().AsTask().WithTimeout())!;
            await connection.Transport.Output.WriteAsync("via fd"u8.ToArray()).AsTask().WithTimeout();
            Assert.Equal("via fd", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(6)));
        }
    }

    [Fact]
    public async Task RejectsEndPointsItCannotListenOn()
    {
        var factory = new TcpListenerFactory();
        Assert.False(factory.CanBind(new DnsEndPoint("localhost", 80)));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => factory.BindAsync(new DnsEndPoint("localhost", 80)).AsTask());
        Assert.Equal("endPoint", error.ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(() => factory.BindAsync(null!).AsTask());
    }

    private static void CreateStaleSocketFile(string path)
    {
        // A server that crashed leaves its socket file behind. .NET unlinks the file when a Socket that
        // bound it is disposed, so close the descriptor behind its back, as a crash would.
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        Assert.Equal(0, CloseDescriptor((int)socket.SafeHandle.DangerousGetHandle()));
        socket.SafeHandle.SetHandleAsInvalid();

        // The Socket's finalizer would unlink the file whenever the GC runs it (CI saw the file vanish mid-test).
        GC.SuppressFinalize(socket);
        Assert.True(File.Exists(path));
    }

#pragma warning disable SYSLIB1054 // A single int-only call; the source generator would need unsafe code in tests.
    [DllImport("libc", EntryPoint = "close")]
    private static extern int CloseDescriptor(int fd);

    [DllImport("libc", EntryPoint = "dup")]
    private static extern int DuplicateDescriptor(int fd);

    [DllImport("libc", EntryPoint = "getsockopt")]
    private static extern int GetSockOpt(int fd, int level, int name, ref int value, ref int length);

    [DllImport("libc", EntryPoint = "getsockname")]
    private static extern int GetSockName(int fd, byte[] address, ref int length);

    private static int GetSocketOptionInt(int fd, int level, int name)
    {
        int value = -1, length = sizeof(int);
        Assert.Equal(0, GetSockOpt(fd, level, name, ref value, ref length));
        return value;
    }

    private static int FindListeningDescriptor(int port)
    {
        // Walk this process's descriptors for the socket bound to the port (sockaddr_in: port big-endian at offset 2).
        foreach (string entry in Directory.GetFiles("/proc/self/fd"))
        {
            int fd = int.Parse(Path.GetFileName(entry), System.Globalization.CultureInfo.InvariantCulture);
            byte[] address = new byte[128];
            int length = address.Length;
            if (GetSockName(fd, address, ref length) == 0 && BitConverter.ToUInt16(address, 0) == (ushort)AddressFamily.InterNetwork
                && (address[2] << 8 | address[3]) == port && GetSocketOptionInt(fd, 1, 30) == 1) // SO_ACCEPTCONN
            {
                return fd;
            }
        }

        throw new InvalidOperationException($"No listening socket on port {port}.");
    }
#pragma warning restore SYSLIB1054
}
