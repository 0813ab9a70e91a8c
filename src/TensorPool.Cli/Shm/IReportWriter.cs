namespace TensorPool.Cli.Shm;

/// <summary>Writes a report as it is produced: the region, then each slot, then the summary (memory stays flat).</summary>
internal interface IReportWriter
{
    void Begin(RegionReport region);

    void Slot(SlotReport slot);

    void End(SlotSummary summary);
}
