namespace TensorPool.JoinBarrier;

/// <summary>Why a MergeMap was rejected (JoinBarrier spec §6.2, §6.3, §10). A rejected map is invalid until replaced.</summary>
public enum MergeMapRejectReason
{
    /// <summary>Not rejected.</summary>
    None = 0,

    /// <summary>The bytes are not a well-formed announce of schema 903 (see <see cref="MergeMapRejection.SbeReason"/>).</summary>
    Malformed,

    /// <summary>The map has no rules: an output that requires no input cannot be joined (§6.2: "one or more rules").</summary>
    NoRules,

    /// <summary>More rules than the announce's group can carry (65534).</summary>
    TooManyRules,

    /// <summary>A rule type the schema does not define (§6.2: each rule must identify a rule type).</summary>
    UnknownRuleType,

    /// <summary>A rule carries both its parameters (offset and window) (§6.2, §6.3).</summary>
    BothParameters,

    /// <summary>A rule carries neither its parameter nor the other one, or only the other rule type's (§6.2, §6.3).</summary>
    MissingParameter,

    /// <summary>A WINDOW or WINDOW_NS rule with a zero window (§6.2.2, §6.3.2: windows are positive).</summary>
    ZeroWindow,

    /// <summary>A timestamp source other than FRAME_DESCRIPTOR or SLOT_HEADER (§8.2).</summary>
    UnknownTimestampSource,

    /// <summary>A clock domain the schema does not define (§6.3: timestamps use a declared clock domain).</summary>
    UnknownClockDomain,

    /// <summary>A value given locally that the wire can only carry as null (an offset, window, lateness or stale timeout equal to its null value).</summary>
    NullValueParameter,

    /// <summary>The map names more distinct inputs than the barrier that would apply it tracks (<see cref="JoinBarrierOptions.MaxInputs"/>).</summary>
    TooManyInputs,
}
