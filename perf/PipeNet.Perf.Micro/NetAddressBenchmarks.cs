using System.Net;
using BenchmarkDotNet.Attributes;

namespace PipeNet.Perf.Micro;

/// <summary><see cref="NetAddress"/> parsing: it runs for every configured address, and for every <c>Net.IsIP</c> call.</summary>
[MemoryDiagnoser]
public class NetAddressBenchmarks
{
    [Params("127.0.0.1:8080", "[::1]:443", "fe80::1%1", "example.com:443", "unix:/run/app.sock", "8080")]
    public string Address { get; set; } = "";

    [Benchmark]
    public EndPoint Parse() => NetAddress.Parse(Address);

    [Benchmark]
    public int IsIP() => NetAddress.IsIP(Address);
}
