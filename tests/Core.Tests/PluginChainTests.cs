namespace PipeNet.Tests;

public sealed class PluginChainTests
{
    private static Action<List<string>, PluginContext> Record(string name) => (log, _) => log.Add(name);

    private static List<string> RunOnce(PluginChain<List<string>> chain)
    {
        var log = new List<string>();
        chain.Run(log);
        return log;
    }

    [Fact]
    public void RunsPluginsInTheOrderTheyWereAdded()
    {
        var chain = new PluginChain<List<string>>().Add("a", Record("a")).Add("b", Record("b")).Add(Record("c"));

        Assert.Equal(["a", "b", "c"], RunOnce(chain));
        Assert.Equal(["a", "b", "plugin-1"], chain.Ids);
    }

    [Fact]
    public void BeforeAndAfterConstraintsWinOverAdditionOrder()
    {
        var chain = new PluginChain<List<string>>()
            .Add("log", Record("log"))
            .Add("auth", Record("auth"), new PluginOrder { Before = ["log"] })
            .Add("tls", Record("tls"), new PluginOrder { Before = ["auth"] })
            .Add("metrics", Record("metrics"), new PluginOrder { After = ["log"] });

        Assert.Equal(["tls", "auth", "log", "metrics"], RunOnce(chain));
    }

    [Fact]
    public void NumericOrderPlacesUnconstrainedPluginsAndTiesKeepAdditionOrder()
    {
        var chain = new PluginChain<List<string>>()
            .Add("late", Record("late"), new PluginOrder { Order = 10 })
            .Add("first", Record("first"), new PluginOrder { Order = -5 })
            .Add("plain-1", Record("plain-1"))
            .Add("plain-2", Record("plain-2"));

        Assert.Equal(["first", "plain-1", "plain-2", "late"], RunOnce(chain));
    }

    [Fact]
    public void AConstraintOnAMissingPluginIsIgnoredUntilItArrives()
    {
        var chain = new PluginChain<List<string>>().Add("b", Record("b"), new PluginOrder { After = ["a"] }).Add("c", Record("c"));
        Assert.Equal(["b", "c"], RunOnce(chain));

        chain.Add("a", Record("a"), new PluginOrder { Order = 100 });
        Assert.Equal(["c", "a", "b"], RunOnce(chain));
    }

    [Fact]
    public void ACycleIsRefusedNamingItAndLeavesTheChainAsItWas()
    {
        var chain = new PluginChain<List<string>>()
            .Add("a", Record("a"), new PluginOrder { Before = ["b"] })
            .Add("b", Record("b"), new PluginOrder { Before = ["c"] });

        var error = Assert.Throws<InvalidOperationException>(() => chain.Add("c", Record("c"), new PluginOrder { Before = ["a"] }));

        Assert.Contains("'c'", error.Message, StringComparison.Ordinal);
        Assert.Contains("c → a → b → c", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], chain.Ids);
        Assert.Equal(["a", "b"], RunOnce(chain));
    }

    [Fact]
    public void StopSkipsTheRestOfThisRunOnly()
    {
        int runs = 0;
        var chain = new PluginChain<List<string>>()
            .Add("gate", (log, context) =>
            {
                log.Add("gate");
                if (runs++ == 0)
                {
                    context.Stop();
                }
            })
            .Add("after", Record("after"));

        Assert.Equal(["gate"], RunOnce(chain));
        Assert.Equal(["gate", "after"], RunOnce(chain));
    }

    [Fact]
    public void PluginsShareOptionsAndItemsAndSeeTheirOwnId()
    {
        var seen = new List<string>();
        var chain = new PluginChain<List<string>>()
            .Add("first", (_, context) => { seen.Add(context.Id); context.Items["user"] = "alice"; })
            .Add("second", (_, context) => seen.Add($"{context.Id}:{context.Items["user"]}:{context.Options}"));

        PluginContext result = chain.Run([], options: "opts");

        Assert.Equal(["first", "second:alice:opts"], seen);
        Assert.False(result.IsStopped);
    }

    [Fact]
    public void RemovedPluginsNoLongerRun()
    {
        var chain = new PluginChain<List<string>>().Add("a", Record("a")).Add("b", Record("b"));

        Assert.True(chain.Remove("a"));
        Assert.False(chain.Remove("a"));
        Assert.Equal(["b"], RunOnce(chain));
        Assert.Equal(1, chain.Count);
    }

    [Fact]
    public void RejectsBadArgumentsWithTheirNames()
    {
        var chain = new PluginChain<List<string>>().Add("a", Record("a"));

        Assert.Equal("id", Assert.Throws<ArgumentException>(() => chain.Add("a", Record("again"))).ParamName);
        Assert.Equal("id", Assert.Throws<ArgumentException>(() => chain.Add(" ", Record("x"))).ParamName);
        Assert.Equal("plugin", Assert.Throws<ArgumentNullException>(() => chain.Add("x", null!)).ParamName);
        Assert.Equal("order", Assert.Throws<ArgumentException>(() => chain.Add("x", Record("x"), new PluginOrder { After = ["x"] })).ParamName);
    }

    [Fact]
    public void APluginsExceptionReachesTheCaller()
    {
        var chain = new PluginChain<List<string>>().Add("boom", (_, _) => throw new InvalidDataException("bad")).Add("b", Record("b"));

        Assert.Throws<InvalidDataException>(() => chain.Run([]));
    }
}
