namespace PipeNet.Transport.Tcp.Internal.Epoll;

/// <summary>What an <see cref="EpollLoop"/> delivers a registered descriptor's events to.</summary>
internal interface IEpollHandler
{
    /// <summary>The loop's token for the registration (slot and generation; never 0 once registered).</summary>
    ulong Token { get; set; }

    /// <summary>On the loop's thread: one event's flags (edge-triggered, both directions).</summary>
    void OnEvents(uint flags);
}
