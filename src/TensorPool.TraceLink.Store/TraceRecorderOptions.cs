using TensorPool.Client;
using TensorPool.Time;

namespace TensorPool.TraceLink.Store;

/// <summary>What a <see cref="TraceRecorder"/> follows and how long it waits to match a TraceLinkSet with its frame.</summary>
public sealed class TraceRecorderOptions
{
    public const int DefaultRecentFrames = 1 << 17;
    public const int DefaultMaxPendingLinkSets = 4096;
    public static readonly TimeSpan DefaultMatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The channel of both streams.</summary>
    public string Channel { get; set; } = ClientOptions.DefaultChannel;

    /// <summary>Where FrameDescriptors arrive (STREAM_ID_CONVENTIONS: 1100).</summary>
    public int DescriptorStreamId { get; set; } = ClientOptions.DefaultDescriptorStreamId;

    /// <summary>Where producers publish TraceLinkSets, with their other control traffic (1000).</summary>
    public int ControlStreamId { get; set; } = ClientOptions.DefaultControlStreamId;

    /// <summary>The data sources (pool stream ids) to record; empty records every stream seen.</summary>
    public IList<uint> StreamIds { get; set; } = [];

    /// <summary>The stage_id written with every frame (§10.1; 0: not said).</summary>
    public int StageId { get; set; }

    /// <summary>
    /// How long a TraceLinkSet waits for the FrameDescriptor it must match (§9.2) when it arrives first (the two come on
    /// different streams); after that it is rejected as unmatched.
    /// </summary>
    public TimeSpan MatchTimeout { get; set; } = DefaultMatchTimeout;

    /// <summary>Traced frames remembered for matching TraceLinkSets that arrive after their descriptor.</summary>
    public int RecentFrames { get; set; } = DefaultRecentFrames;

    /// <summary>TraceLinkSets waiting for their descriptor at most; the oldest is rejected as unmatched when more come.</summary>
    public int MaxPendingLinkSets { get; set; } = DefaultMaxPendingLinkSets;

    /// <summary>Sets with more parents are rejected (bounds the work a hostile message costs).</summary>
    public int MaxParents { get; set; } = TraceLinkSetReader.DefaultMaxParents;

    /// <summary>CLOCK_MONOTONIC: the time of a frame whose descriptor has no timestamp, and of match timeouts.</summary>
    public IClock Clock { get; set; } = MonotonicClock.Instance;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Channel))
        {
            throw new ArgumentException("TraceRecorderOptions.Channel must name a channel", nameof(Channel));
        }
        if (DescriptorStreamId <= 0 || ControlStreamId <= 0)
        {
            throw new ArgumentException(
                $"TraceRecorderOptions stream ids must be positive (DescriptorStreamId {DescriptorStreamId}, ControlStreamId {ControlStreamId})", nameof(DescriptorStreamId));
        }
        if (MatchTimeout <= TimeSpan.Zero || MatchTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"TraceRecorderOptions.MatchTimeout = {MatchTimeout} must be positive and at most 10 minutes", nameof(MatchTimeout));
        }
        if (RecentFrames < 16 || RecentFrames > (1 << 24))
        {
            throw new ArgumentException($"TraceRecorderOptions.RecentFrames = {RecentFrames} must be from 16 to {1 << 24}", nameof(RecentFrames));
        }
        if (MaxPendingLinkSets < 1 || MaxPendingLinkSets > (1 << 20))
        {
            throw new ArgumentException($"TraceRecorderOptions.MaxPendingLinkSets = {MaxPendingLinkSets} must be from 1 to {1 << 20}", nameof(MaxPendingLinkSets));
        }
        if (MaxParents < 1 || MaxParents > Sbe.SbeCodec.MaxGroupCount)
        {
            throw new ArgumentException($"TraceRecorderOptions.MaxParents = {MaxParents} must be from 1 to {Sbe.SbeCodec.MaxGroupCount}", nameof(MaxParents));
        }
        if (Clock is null)
        {
            throw new ArgumentException("TraceRecorderOptions.Clock must be set", nameof(Clock));
        }
    }
}
