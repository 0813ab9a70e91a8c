namespace TensorPool.Cli.Shm;

/// <summary>A header slot's state in the slot lifecycle of wire spec §15.21.</summary>
internal enum SlotState
{
    /// <summary>S0, never written: seq_commit and every other byte of the slot are 0.</summary>
    Empty,

    /// <summary>S1: the commit bit is 0, or the slot kept changing while it was read.</summary>
    Writing,

    /// <summary>S2: the commit bit is 1 and seq_commit was stable across the copy (§8.3).</summary>
    Committed,
}
