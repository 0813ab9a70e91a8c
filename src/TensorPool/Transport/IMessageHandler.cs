namespace TensorPool.Transport;

/// <summary>Receives one message from <see cref="ISubscription.Poll{THandler}"/>.</summary>
public interface IMessageHandler
{
    /// <summary>The message bytes, valid only for the duration of the call.</summary>
    void OnMessage(ReadOnlySpan<byte> message);
}

/// <summary>Delegate form of <see cref="IMessageHandler"/>.</summary>
public delegate void MessageHandler(ReadOnlySpan<byte> message);
