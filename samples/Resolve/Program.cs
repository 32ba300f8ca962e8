// rampart's Resolver on PipeNet: dotnet run --project samples/Resolve -- localhost 127.0.0.1 [--server 127.0.0.1:53]
// Names are resolved, addresses reversed; each answer prints as rampart's JSON object.
using PipeNet;
using PipeNet.Resolver;

var options = new HostResolverOptions();
var targets = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--server" && i + 1 < args.Length)
    {
        options.Servers.Add(args[++i]); // query this DNS server directly instead of the system resolver
    }
    else
    {
        targets.Add(args[i]);
    }
}

var resolver = new NetResolver(options)
    .OnLookup(info => Console.WriteLine(info.ToJson(indented: true)))
    .OnError(error => Console.Error.WriteLine($"Resolver error: {error.Message}"));

foreach (string target in targets.DefaultIfEmpty("localhost"))
{
    if (Net.IsIP(target) != 0)
    {
        resolver.Reverse(target);
    }
    else
    {
        resolver.Resolve(target);
    }
}

await resolver.Completion;
