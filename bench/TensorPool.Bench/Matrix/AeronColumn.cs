using TensorPool.Transport.Aeron;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// The aeron:ipc column of <c>tp bench</c>: each cell measured again with the clients' control and descriptor streams on
/// aeron:ipc instead of tp:ipc (payloads stay in the shared-memory pools), through one media driver embedded in the
/// bench process for the whole run. Present when Aeron is (libaeron and libaeron_driver through <c>TP_AERON_LIBRARY</c>
/// or the platform's search); otherwise the run notes why the column is missing.
/// </summary>
public sealed class AeronColumn : IDisposable
{
    /// <summary>The channel of the column: the term long enough that a cell's descriptors never wait for a rotation.</summary>
    public const string Channel = "aeron:ipc?term-length=16m";

    private readonly AeronMediaDriver _driver;

    private AeronColumn(AeronMediaDriver driver) => _driver = driver;

    /// <summary>The Aeron directory the clients of the column use.</summary>
    public string Directory => _driver.Directory;

    /// <summary>Start the embedded media driver under <paramref name="sessionDirectory"/>; false with the reason when Aeron is absent.</summary>
    public static bool TryStart(string sessionDirectory, out AeronColumn? column, out string reason)
    {
        try
        {
            Registration.EnsureRegistered();
            var driver = new AeronMediaDriver(Path.Combine(sessionDirectory, "aeron"), new AeronMediaDriverOptions(), TimeSpan.FromSeconds(10));
            column = new AeronColumn(driver);
            reason = "";
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or AeronException)
        {
            column = null;
            reason = e.Message.ReplaceLineEndings(" ");
            return false;
        }
    }

    public void Dispose() => _driver.Dispose();
}
