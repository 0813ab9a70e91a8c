namespace TensorPool.Transport.Aeron;

/// <summary>
/// Settings of an embedded media driver (<see cref="AeronMediaDriver"/>). Everything not set here is Aeron's default,
/// including what <c>AERON_*</c> environment variables say.
/// </summary>
public sealed class AeronMediaDriverOptions
{
    /// <summary>libaeron_driver (a file or its folder); null: <c>$TP_AERON_DRIVER_LIBRARY</c>, beside libaeron, the platform's search.</summary>
    public string? LibraryPath { get; set; }

    /// <summary>
    /// Run the driver's conductor, sender and receiver on one thread (Aeron's SHARED mode: the least CPU, fine for IPC
    /// and modest UDP rates) rather than three (DEDICATED).
    /// </summary>
    public bool SharedThread { get; set; } = true;

    /// <summary>Remove the Aeron directory when the driver stops (it is the driver's own scratch space).</summary>
    public bool DeleteDirectoryOnShutdown { get; set; } = true;

    /// <summary>Term length of aeron:ipc publications that give none (a power of two from 64 KiB to 1 GiB); null: Aeron's default.</summary>
    public int? IpcTermLength { get; set; }

    /// <summary>A client silent this long is declared dead by the driver; null: Aeron's default (10 s).</summary>
    public TimeSpan? ClientLivenessTimeout { get; set; }

    public AeronMediaDriverOptions Clone() => (AeronMediaDriverOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (LibraryPath is not null && (LibraryPath.Length == 0 || LibraryPath.Any(char.IsControl)))
        {
            throw new ArgumentException($"AeronMediaDriverOptions.LibraryPath = '{LibraryPath.Replace('\0', '?')}' must be null or a path without control characters", nameof(LibraryPath));
        }
        if (IpcTermLength is int term && (term < 64 * 1024 || term > 1 << 30 || (term & (term - 1)) != 0))
        {
            throw new ArgumentException($"AeronMediaDriverOptions.IpcTermLength = '{term}' must be a power of two from 64 KiB to 1 GiB", nameof(IpcTermLength));
        }
        if (ClientLivenessTimeout is TimeSpan t && (t < TimeSpan.FromMilliseconds(100) || t > TimeSpan.FromHours(1)))
        {
            throw new ArgumentException($"AeronMediaDriverOptions.ClientLivenessTimeout = '{t}' must be from 100 ms to an hour", nameof(ClientLivenessTimeout));
        }
    }
}
