using System.IO.Pipelines;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>One I/O loop with the pipe options of the connections assigned to it, shared rather than built per connection.</summary>
/// <param name="Scheduler">The loop's scheduler.</param>
/// <param name="InputOptions">Options of a connection's input pipe: the socket writes on the loop, the application reads.</param>
/// <param name="OutputOptions">Options of a connection's output pipe: the application writes, the socket reads on the loop.</param>
/// <param name="Senders">The senders the loop's connections rent for each send (portable engine).</param>
/// <param name="Epoll">The epoll loop carrying the connections, or <c>null</c> for the portable engine.</param>
internal sealed record IOLoop(PipeScheduler Scheduler, PipeOptions InputOptions, PipeOptions OutputOptions, SocketSenderPool Senders, EpollLoop? Epoll);
