namespace PipeNet.Cli;

/// <summary>The help text, printed by <c>pipenet --help</c> and after every command-line error.</summary>
internal static class Usage
{
    public const string Text = """
        Usage:
          pipenet echo [--listen ADDR] [--max-connections N] [--idle-timeout MS] [--api pipe|events]
                       [--tls-cert FILE --tls-key FILE]
          pipenet connect [--tls] [--insecure] [--ca FILE] [--servername NAME] HOST:PORT
          pipenet demo [--seconds N] [--connections N] [--size BYTES]
          pipenet ping HOST [-c COUNT] [-i INTERVAL] [-t TTL] [-s SIZE] [-W TIMEOUT] [-4|-6]
          pipenet resolve NAME [--server IP:PORT]... [--family 4|6] [--timeout MS] [--json]
          pipenet resolve --reverse IP [--server IP:PORT]... [--timeout MS] [--json]
          pipenet bench [--quick] [--scenarios a,b] [--servers a,b] [--reps N] [--out DIR]
          pipenet help | --help | -h

        Commands:
          echo    Serve an echo server until SIGINT or SIGTERM, then stop gracefully (5 s grace).
                  Prints one line "listening ADDR" to stdout once bound; logs go to stderr.
          demo    Start an echo server on 127.0.0.1 (a free port), drive it with closed-loop
                  clients, print live progress once a second and a summary at the end.
          connect Netcat-like client: stdin to the socket, the socket to stdout. Stdin's end half-closes;
                  exits 0 when the peer ends, 1 when the connect or the TLS handshake fails.
          ping    ICMP echo like iputils ping (needs root or CAP_NET_RAW); exit 0 when replies
                  arrived, 1 when none did, 2 for a bad command line.
          resolve Look up a name's addresses (or, with --reverse, an address's name) through the
                  system resolver, or the DNS servers given with --server; --json prints rampart's
                  result object. Exit 0 found, 1 failed (ENOTFOUND, ETIMEDOUT, ...), 2 bad input.
          bench   Run the perf harness of this checkout (PipeNet vs Kestrel's socket transport,
                  interleaved); arguments go to it (see perf/README.md). Needs the sources.

        echo options:
          --listen ADDR          Where to listen (default 127.0.0.1:7007): 127.0.0.1:0, [::1]:8080,
                                 localhost:7007, unix:/run/echo.sock, /var/run/echo.sock, @abstract-name.
          --max-connections N    Serve at most N connections at once (N >= 1); more are closed at once.
                                 Default: no limit.
          --idle-timeout MS      Close a connection that moves no bytes for MS milliseconds (MS >= 1).
                                 Default: none.
          --api pipe|events      The server API: pipe (default, System.IO.Pipelines) or events.
          --tls-cert FILE        Serve TLS with this PEM certificate or full chain (with --tls-key).
          --tls-key FILE         The PEM private key of --tls-cert.

        connect options:
          --tls                  Speak TLS; the server is verified against the system's roots.
          --insecure             With --tls, skip verifying the server's certificate.
          --ca FILE              With --tls, trust the roots in this PEM file instead of the system's.
          --servername NAME      With --tls, the name sent as SNI and verified (default: HOST).

        demo options:
          --seconds N            How long to run (default 3; fractions allowed, at most 3600).
          --connections N        Client connections (default 32; 1..10000).
          --size BYTES           Message size (default 64; 1..1048576).

        Exit codes: 0 done, 1 failed (for example the address is in use), 2 bad command line.
        """;

    /// <summary>Writes the usage text followed by a newline.</summary>
    public static void Write(TextWriter writer)
    {
        writer.WriteLine(Text);
        writer.Flush();
    }
}
