using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace PipeNet.Tests;

/// <summary>
/// A real dnsmasq on a loopback port, authoritative for a few test names and NXDOMAIN for everything else; its
/// query log is read so tests can count the queries that reached it. Started once per test class, killed at the end.
/// </summary>
public sealed partial class Dnsmasq : IAsyncDisposable
{
    /// <summary>The TTL dnsmasq gives its configured records.</summary>
    public const int Ttl = 60;

    private readonly Process _process;
    private readonly List<string> _log = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Dnsmasq(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The UDP and TCP port it serves on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as <c>HostResolverOptions.Servers</c> takes it.</summary>
    public string Server => $"127.0.0.1:{Port}";

    /// <summary>The records served, as dnsmasq arguments.</summary>
    private static readonly string[] s_records =
    [
        "--host-record=web.pipenet.test,127.0.0.1,::1",
        "--host-record=v4.pipenet.test,127.0.0.2",
        "--host-record=v6.pipenet.test,::1",
        "--host-record=burst.pipenet.test,127.0.0.5",
        "--host-record=ttl.pipenet.test,127.0.0.6",
        "--cname=alias.pipenet.test,web.pipenet.test",
        "--ptr-record=9.0.0.127.in-addr.arpa,nine.pipenet.test",
    ];

    /// <summary>Starts dnsmasq on a free port (retrying when another process takes the port first).</summary>
    public static async Task<Dnsmasq> StartAsync()
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = FreeUdpAndTcpPort();
            var info = new ProcessStartInfo("dnsmasq")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in (string[])[
                "--no-daemon", $"--port={port}", "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--conf-file=/dev/null", "--pid-file=", "--user=root", "--local=/#/", $"--local-ttl={Ttl}",
                "--log-queries", "--log-facility=-", .. s_records])
            {
                info.ArgumentList.Add(argument);
            }

            Process process = Process.Start(info) ?? throw new InvalidOperationException("dnsmasq did not start.");
            var server = new Dnsmasq(process, port);
            process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            Task exited = process.WaitForExitAsync();
            Task first = await Task.WhenAny(server._started.Task, exited).WaitAsync(TimeSpan.FromSeconds(10));
            if (first == server._started.Task)
            {
                return server;
            }

            string log = server.Log;
            await server.DisposeAsync();
            if (attempt >= 4 || !log.Contains("in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"dnsmasq exited at start: {log}");
            }
        }
    }

    /// <summary>Everything dnsmasq printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>How many queries of <paramref name="type"/> (A, AAAA, PTR) for <paramref name="name"/> reached dnsmasq.</summary>
    public int CountQueries(string name, string type)
    {
        string needle = $"query[{type}] {name} from";
        lock (_lock)
        {
            return _log.Count(line => line.Contains(needle, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>
    /// Waits until every query sent before this call is in the log: dnsmasq logs in order, so once a fresh marker
    /// query shows up, the lines before it have been read too.
    /// </summary>
    public async Task FlushLogAsync()
    {
        string marker = $"marker-{Guid.NewGuid():N}.pipenet.test";
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        byte[] query = TestDnsMessage.Query(0x4242, marker, 1);
        await socket.SendToAsync(query, new IPEndPoint(IPAddress.Loopback, Port));
        await Until.TrueAsync(() => CountQueries(marker, "A") > 0, "dnsmasq logged the marker query");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _log.Add(line);
        }

        if (StartedPattern().IsMatch(line))
        {
            _started.TrySetResult();
        }
    }

    private static int FreeUdpAndTcpPort()
    {
        // The kernel's free TCP port, checked free for UDP as well; dnsmasq binds both right after we let go.
        for (int i = 0; ; i++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (i < 20)
            {
            }
        }
    }

    [GeneratedRegex(@"dnsmasq\[\d+\]: started")]
    private static partial Regex StartedPattern();
}
