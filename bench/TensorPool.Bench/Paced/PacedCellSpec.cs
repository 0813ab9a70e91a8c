namespace TensorPool.Bench.Paced;

/// <summary>One paced cell: what is sent, how fast, to how many consumers, and how they idle.</summary>
public readonly record struct PacedCellSpec(int Size, double RateHz, int Consumers, string Idle, int WarmupFrames, int Frames);
