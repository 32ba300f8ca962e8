// PipeNet build script: dotnet tool restore && dotnet cake --target=<Target>
var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");
var solution = "./PipeNet.slnx";
var results = MakeAbsolute(Directory("./artifacts/test-results"));

Task("Build")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

// Real peers the tests talk to (openssl, node, ...): installed with apt-get when missing.
Task("TestDeps")
    .WithCriteria(IsRunningOnLinux())
    .Does(() =>
{
    var exit = StartProcess("bash", new ProcessSettings { Arguments = "./scripts/install-test-deps.sh" });
    if (exit != 0)
    {
        throw new Exception($"scripts/install-test-deps.sh failed with exit code {exit}.");
    }
});

Task("Test")
    .IsDependentOn("TestDeps")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(results);
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        ResultsDirectory = results,
        Loggers = { "trx", "console;verbosity=normal" },
        // A hung test is a failure, not a stalled CI run.
        ArgumentCustomization = args => args.Append("--blame-hang-timeout 5m"),
    });
});

Task("Bench")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetRun("./perf/PipeNet.Perf/PipeNet.Perf.csproj", new ProcessArgumentBuilder().Append("--quick"),
        new DotNetRunSettings { Configuration = configuration, NoBuild = true });
});

Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetPack(solution, new DotNetPackSettings
    {
        Configuration = configuration,
        NoBuild = true,
        OutputDirectory = "./artifacts/packages",
    });
});

Task("Default").IsDependentOn("Test");

RunTarget(target);
