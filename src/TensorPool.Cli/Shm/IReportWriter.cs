namespace TensorPool.Cli.Shm;

/// <summary>Writes a report as it is produced: the region, then each slot, then the summary (memory stays flat).</summary>
internal interface IReportWriter
{
    void Begin(RegionReport region);

    void Slot(SlotReport slot);

    /// <summary><paramref name="count"/> empty slots from <paramref name="first"/> on, known without reading each (a hole).</summary>
    void EmptySlots(uint first, uint count);

    void End(SlotSummary summary);
}
