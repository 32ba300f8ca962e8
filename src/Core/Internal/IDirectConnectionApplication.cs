using Microsoft.AspNetCore.Connections;

namespace PipeNet.Internal;

/// <summary>
/// A connection application that tells the dispatcher itself when its work on a connection is done, instead of
/// through a task the dispatcher would hang a continuation on (a 64-byte delegate for every open connection). The
/// dispatcher uses it when its <see cref="ConnectionDelegate"/> is a method of an object implementing this interface
/// (the event facade's server); wrapped in middleware, the same application is awaited through its task as usual.
/// </summary>
/// <remarks>
/// An implementing type has no other method a <see cref="ConnectionDelegate"/> could be made of: the dispatcher
/// recognizes the application by the delegate's target alone.
/// </remarks>
internal interface IDirectConnectionApplication
{
    /// <summary>
    /// Serves <paramref name="connection"/>. Unless it throws, calls <see cref="IApplicationCompletion.Complete"/> on
    /// <paramref name="completion"/> exactly once, when done with the connection (possibly before it returns).
    /// </summary>
    /// <param name="connection">The admitted connection.</param>
    /// <param name="completion">Where the end of the application's work is reported.</param>
    /// <exception cref="Exception">The application could not start; <paramref name="completion"/> is not called.</exception>
    void Start(ConnectionContext connection, IApplicationCompletion completion);
}

/// <summary>The dispatcher's side of <see cref="IDirectConnectionApplication"/>: one per connection.</summary>
internal interface IApplicationCompletion
{
    /// <summary>The application is done with the connection; the dispatcher tears it down.</summary>
    /// <param name="error">What the application failed with, logged as its error; <c>null</c> when it did not.</param>
    void Complete(Exception? error);
}
