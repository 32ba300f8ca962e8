using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Internal;

/// <summary>
/// The dispatcher's bookkeeping for one admitted connection: its idle clock (linked into the dispatcher's
/// monitor, whose list is also the dispatcher's list of open connections), when it started, and the
/// continuation that tears it down when the application's task ends.
/// </summary>
/// <remarks>
/// This object (104 bytes) and the continuation delegate (64) are all the dispatcher keeps per open connection.
/// The teardown hangs on the application's task as a delegate, with the task in <see cref="_outcome"/>,
/// instead of awaiting it in an async method whose state machine box (136 bytes) would live as long as the
/// connection; and the list of open connections is the dispatcher's idle monitor's list, which links this object
/// itself, instead of a dictionary node per connection. An <see cref="IDirectConnectionApplication"/> reports its
/// end through <see cref="Complete"/> instead, and needs no delegate.
/// </remarks>
internal sealed class DispatchedConnection(ConnectionDispatcher dispatcher, ConnectionContext connection, IConnectionBytesFeature bytes, TimeSpan? idleTimeout, long startTimestamp)
    : IdleClock(connection, bytes, idleTimeout, dispatcher.IdleMonitor.TimeProvider.GetTimestamp()), IApplicationCompletion
{
    // The application's task while the teardown hangs on it, or what a direct application reported it failed with.
    private object? _outcome;

    public override ConnectionIdleMonitor Monitor => dispatcher.IdleMonitor;

    /// <summary>When the connection was admitted, on the dispatcher's clock.</summary>
    public long StartTimestamp => startTimestamp;

    /// <summary>
    /// Runs the dispatcher's teardown once <paramref name="application"/> completes. With <paramref name="flowContext"/>
    /// it runs in the caller's execution context; without, in the dispatcher's accept context (which the caller is in).
    /// </summary>
    public void WhenCompleted(Task application, bool flowContext)
    {
        _outcome = application;
        ConfiguredTaskAwaitable.ConfiguredTaskAwaiter awaiter = application.ConfigureAwait(false).GetAwaiter();
        if (flowContext)
        {
            awaiter.OnCompleted(TearDown);
        }
        else
        {
            awaiter.UnsafeOnCompleted(TearDownInAcceptContext);
        }
    }

    /// <summary>A direct application is done: the teardown runs in the accept context, as after a task.</summary>
    public void Complete(Exception? error)
    {
        _outcome = error;
        TearDownInAcceptContext();
    }

    private void TearDownInAcceptContext()
    {
        if (dispatcher.AcceptContext is { } context && ExecutionContext.Capture() != context)
        {
            ExecutionContext.Run(context, static state => ((DispatchedConnection)state!).TearDown(), this);
        }
        else
        {
            TearDown();
        }
    }

    private void TearDown()
    {
        object? outcome = _outcome;
        _outcome = null;
        dispatcher.OnApplicationCompleted(this, outcome is Task application ? ConnectionDispatcher.FailureOf(application) : (Exception?)outcome);
    }
}
