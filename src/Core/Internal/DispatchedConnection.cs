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
/// The teardown hangs on the application's task as a delegate, with the task in <see cref="_application"/>,
/// instead of awaiting it in an async method whose state machine box (136 bytes) would live as long as the
/// connection; and the list of open connections is the dispatcher's idle monitor's list, which links this object
/// itself, instead of a dictionary node per connection. An <see cref="IDirectConnectionApplication"/> reports its
/// end through <see cref="Complete"/> instead, and needs no delegate.
/// </remarks>
internal sealed class DispatchedConnection(ConnectionDispatcher dispatcher, ConnectionContext connection, IConnectionBytesFeature bytes, TimeSpan? idleTimeout, long startTimestamp)
    : IdleClock(connection, bytes, idleTimeout, dispatcher.IdleMonitor.TimeProvider.GetTimestamp()), IApplicationCompletion
{
    private Task? _application;

    public override ConnectionIdleMonitor Monitor => dispatcher.IdleMonitor;

    /// <summary>When the connection was admitted, on the dispatcher's clock.</summary>
    public long StartTimestamp => startTimestamp;

    /// <summary>
    /// Runs the dispatcher's teardown once <paramref name="application"/> completes. With <paramref name="flowContext"/>
    /// it runs in the caller's execution context; without, in the dispatcher's accept context (which the caller is in).
    /// </summary>
    public void WhenCompleted(Task application, bool flowContext)
    {
        _application = application;
        ConfiguredTaskAwaitable.ConfiguredTaskAwaiter awaiter = application.ConfigureAwait(false).GetAwaiter();
        if (flowContext)
        {
            awaiter.OnCompleted(OnApplicationCompleted);
        }
        else
        {
            awaiter.UnsafeOnCompleted(OnApplicationCompletedInAcceptContext);
        }
    }

    /// <summary>A direct application is done: the teardown runs in the accept context, as after a task.</summary>
    public void Complete(Exception? error)
    {
        if (dispatcher.AcceptContext is { } context && ExecutionContext.Capture() != context)
        {
            ExecutionContext.Run(context, static state =>
            {
                (DispatchedConnection tracked, Exception? error) = ((DispatchedConnection, Exception?))state!;
                tracked.TearDown(error);
            }, (this, error));
        }
        else
        {
            TearDown(error);
        }
    }

    private void OnApplicationCompletedInAcceptContext()
    {
        if (dispatcher.AcceptContext is { } context)
        {
            ExecutionContext.Run(context, static state => ((DispatchedConnection)state!).OnApplicationCompleted(), this);
        }
        else
        {
            OnApplicationCompleted();
        }
    }

    private void OnApplicationCompleted()
    {
        Task application = _application!;
        _application = null;
        TearDown(ConnectionDispatcher.FailureOf(application));
    }

    private void TearDown(Exception? error) => dispatcher.OnApplicationCompleted(this, error);
}
