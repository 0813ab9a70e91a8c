namespace TensorPool.Cli.Listen;

/// <summary>How <c>tp listen</c> prints each message it receives.</summary>
internal interface IMessageWriter
{
    /// <summary>Prints message number <paramref name="number"/> (1 for the first received).</summary>
    void Write(long number, ClassifiedMessage message);
}
