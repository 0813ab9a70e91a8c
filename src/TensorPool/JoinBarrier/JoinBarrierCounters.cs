namespace TensorPool.JoinBarrier;

/// <summary>
/// What a join barrier saw and decided, counted since it was made. Updated by the barrier's thread; read from any
/// (each value is one 64-bit word).
/// </summary>
public sealed class JoinBarrierCounters
{
    internal long _checks;
    internal long _ready;
    internal long _notReady;
    internal long _blocked;
    internal long _rejected;
    internal long _staleAbsences;
    internal long _validationFailures;
    internal long _observations;
    internal long _oldEpochObservations;
    internal long _inputEpochChanges;
    internal long _overCapacity;
    internal long _nonMonotonicTimestamps;
    internal long _clockDomainMismatches;
    internal long _outputTimeRegressions;
    internal long _mapsApplied;
    internal long _mapsRefused;

    /// <summary>Readiness checks made.</summary>
    public long Checks => Volatile.Read(ref _checks);

    /// <summary>Checks that returned <see cref="JoinStatus.Ready"/>.</summary>
    public long Ready => Volatile.Read(ref _ready);

    /// <summary>Checks that returned <see cref="JoinStatus.NotReady"/>.</summary>
    public long NotReady => Volatile.Read(ref _notReady);

    /// <summary>Checks blocked for want of an output epoch or a valid map (§7.3, §6.2).</summary>
    public long Blocked => Volatile.Read(ref _blocked);

    /// <summary>Checks that returned <see cref="JoinStatus.Rejected"/> (§8.2).</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>Inputs treated as absent because they were stale, summed over ready checks (§7.4).</summary>
    public long StaleAbsences => Volatile.Read(ref _staleAbsences);

    /// <summary>Selected frames that failed validation (latest-value barrier, §9.1).</summary>
    public long ValidationFailures => Volatile.Read(ref _validationFailures);

    /// <summary>Observations taken.</summary>
    public long Observations => Volatile.Read(ref _observations);

    /// <summary>Observations of an epoch older than the input's current one: ignored (§9.1, wire spec §15.2).</summary>
    public long OldEpochObservations => Volatile.Read(ref _oldEpochObservations);

    /// <summary>Inputs that moved to a new epoch (their cursors start again).</summary>
    public long InputEpochChanges => Volatile.Read(ref _inputEpochChanges);

    /// <summary>Observations of a stream beyond <see cref="JoinBarrierOptions.MaxInputs"/>: dropped.</summary>
    public long ObservationsOverCapacity => Volatile.Read(ref _overCapacity);

    /// <summary>Timestamps that went backwards within an input's epoch; the source is rejected for timestamp rules (§8.2).</summary>
    public long NonMonotonicTimestamps => Volatile.Read(ref _nonMonotonicTimestamps);

    /// <summary>Checks that found an input's clock domain different from the map's (§8.2).</summary>
    public long ClockDomainMismatches => Volatile.Read(ref _clockDomainMismatches);

    /// <summary>Checks refused because out_time went backwards or was in another clock domain (§8.2).</summary>
    public long OutputTimeRejections => Volatile.Read(ref _outputTimeRegressions);

    /// <summary>Maps applied (a new map, or a new output epoch's map).</summary>
    public long MapsApplied => Volatile.Read(ref _mapsApplied);

    /// <summary>Valid maps this barrier could not apply (<see cref="MergeMapRejectReason.TooManyInputs"/>).</summary>
    public long MapsRefused => Volatile.Read(ref _mapsRefused);
}
