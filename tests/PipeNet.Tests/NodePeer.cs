namespace PipeNet.Tests;

/// <summary>Runs a Node.js script as the real peer of a test (a <see cref="ChildPeer"/> running <c>node -e</c>).</summary>
internal static class NodePeer
{
    public static ChildPeer Start(string script, params string[] args) => ChildPeer.Start("node", ["-e", script, "--", .. args]);
}
