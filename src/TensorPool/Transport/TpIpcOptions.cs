using TensorPool.Native.Internal;

namespace TensorPool.Transport;

/// <summary>
/// Settings of a <see cref="TpIpcTransport"/>. The transport copies them when it is created and validates them then:
/// <see cref="Validate"/> throws an <see cref="ArgumentException"/> naming the option, its value and the rule.
/// </summary>
public sealed class TpIpcOptions
{
    /// <summary>Where shared memory lives unless configured otherwise.</summary>
    public const string DefaultBaseDir = "/dev/shm";

    /// <summary>The deployment name used by a channel that gives none (<c>tp:ipc</c>).</summary>
    public const string DefaultNamespace = "default";

    /// <summary>Ring bytes of a log this process creates: 4 MiB (docs/DECISIONS.md D16).</summary>
    public const long DefaultLogCapacity = (long)TpLogLayout.DefaultCapacity;

    /// <summary>Smallest ring accepted.</summary>
    public const long MinLogCapacity = (long)TpLogLayout.MinCapacity;

    /// <summary>Largest ring accepted.</summary>
    public const long MaxLogCapacity = (long)TpLogLayout.MaxCapacity;

    /// <summary>How long an uncommitted claim may hold a subscriber by default (docs/DECISIONS.md D20).</summary>
    public static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromMilliseconds((int)TpLogDefaults.DefaultStallTimeoutMs);

    /// <summary>Longest stall timeout accepted.</summary>
    public static readonly TimeSpan MaxStallTimeout = TimeSpan.FromHours(1);

    /// <summary>
    /// The shared-memory base directory (absolute, no <c>.</c>/<c>..</c> components, bytes a shm:file URI allows).
    /// Logs live at <c>&lt;BaseDir&gt;/tensorpool-&lt;user&gt;/&lt;name&gt;/ipc/&lt;stream id&gt;.log</c> and every
    /// path is checked to stay inside it.
    /// </summary>
    public string BaseDir { get; set; } = DefaultBaseDir;

    /// <summary>The deployment name of channels that do not give one (<c>tp:ipc</c> means <c>tp:ipc?name=&lt;Namespace&gt;</c>).</summary>
    public string Namespace { get; set; } = DefaultNamespace;

    /// <summary>The user name in <c>tensorpool-&lt;user&gt;</c>; null means the effective user (sanitised either way).</summary>
    public string? User { get; set; }

    /// <summary>
    /// Ring bytes of each log: a power of two from 1 KiB to 1 GiB. Every process on a stream must agree: opening a log
    /// created with another capacity fails. The largest message is an eighth of it, less 32 bytes.
    /// </summary>
    public long LogCapacity { get; set; } = DefaultLogCapacity;

    /// <summary>
    /// How long a subscriber waits for a claimed but uncommitted message (a publisher that died or stopped mid-offer)
    /// before it skips it and counts the loss. Positive, at most <see cref="MaxStallTimeout"/>.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = DefaultStallTimeout;

    /// <summary>A copy, so a transport keeps the values it was created with.</summary>
    public TpIpcOptions Clone() => (TpIpcOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(BaseDir) || BaseDir[0] != '/')
        {
            throw Invalid(nameof(BaseDir), BaseDir, "must be an absolute path");
        }
        // A NUL would end the string early on its way to C; control characters have no place in a path.
        if (BaseDir.Any(char.IsControl))
        {
            throw Invalid(nameof(BaseDir), BaseDir.Replace('\0', '?'), "must not contain control characters");
        }
        string? baseDirProblem = TpIpcLayout.CheckBaseDir(BaseDir);
        if (baseDirProblem is not null)
        {
            throw Invalid(nameof(BaseDir), BaseDir, "is refused by the shared-memory layout: " + baseDirProblem);
        }
        string? nameProblem = TpIpcChannel.CheckName(Namespace);
        if (nameProblem is not null)
        {
            throw Invalid(nameof(Namespace), Namespace, nameProblem);
        }
        if (User is not null && (User.Length == 0 || User.Length > 200 || User.Any(char.IsControl)))
        {
            throw Invalid(nameof(User), User.Replace('\0', '?'), "must be null (the effective user) or 1 to 200 characters, none a control character");
        }
        if (LogCapacity < MinLogCapacity || LogCapacity > MaxLogCapacity || (LogCapacity & (LogCapacity - 1)) != 0)
        {
            throw Invalid(nameof(LogCapacity), LogCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"must be a power of two from {MinLogCapacity} to {MaxLogCapacity} bytes");
        }
        if (StallTimeout <= TimeSpan.Zero || StallTimeout > MaxStallTimeout)
        {
            throw Invalid(nameof(StallTimeout), StallTimeout.ToString(), $"must be positive and at most {MaxStallTimeout}");
        }
    }

    private static ArgumentException Invalid(string option, string? value, string rule) =>
        new($"TpIpcOptions.{option} = '{value}' {rule}", option);
}
