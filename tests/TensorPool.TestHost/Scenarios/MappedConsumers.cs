using System.Collections.Concurrent;
using System.Diagnostics;
using TensorPool.Client;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// The consumers whose QosConsumer says they mapped a producer's epoch (§10.4.1): producer scenarios start publishing
/// once every consumer of the test is there. Hook <see cref="OnQos"/> as the client's QoS handler.
/// </summary>
internal sealed class MappedConsumers(uint streamId)
{
    private readonly ConcurrentDictionary<uint, bool> _mapped = new();
    private long _epoch;

    public int Count => _mapped.Count;

    public void OnQos(ReadOnlySpan<byte> m)
    {
        if (SbeMessageHeader.TryRead(m, out SbeMessageHeader h) && h.SchemaId == 900 && h.TemplateId == QosConsumerDecoder.TemplateId &&
            QosConsumerDecoder.TryWrap(m, out QosConsumerDecoder q) && q.StreamId == streamId && q.Epoch != 0 && (long)q.Epoch == Interlocked.Read(ref _epoch))
        {
            _mapped.TryAdd(q.ConsumerId, true);
        }
    }

    /// <summary>Wait (bounded) for <paramref name="count"/> consumers on <paramref name="epoch"/>; false on the deadline or a stop.</summary>
    public bool Wait(ulong epoch, int count, TimeSpan deadline, Func<bool> stopped)
    {
        Interlocked.Exchange(ref _epoch, (long)epoch);
        var clock = Stopwatch.StartNew();
        while (_mapped.Count < count)
        {
            if (clock.Elapsed > deadline || stopped())
            {
                Console.Error.WriteLine($"only {_mapped.Count} of {count} consumers mapped epoch {epoch}");
                return false;
            }
            Thread.Sleep(10);
        }
        return true;
    }
}
