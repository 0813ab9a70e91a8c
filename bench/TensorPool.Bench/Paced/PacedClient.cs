using TensorPool.Bench.Matrix;
using TensorPool.Client;

namespace TensorPool.Bench.Paced;

/// <summary>
/// The client of a paced process: the defaults a user gets (the conductor on its own thread with its waiting idle
/// strategy, the default announce and QoS periods), so the cores measured are those of a real deployment. With an
/// Aeron directory the client's streams go over <see cref="AeronColumn.Channel"/> through that directory's media driver.
/// </summary>
public static class PacedClient
{
    /// <summary>The child argument meaning "over tp:ipc".</summary>
    public const string NoAeron = "-";

    public static TensorPoolClient Connect(string baseDir, string nameSpace, string aeronDir)
    {
        bool overAeron = aeronDir != NoAeron;
        if (overAeron)
        {
            TensorPool.Transport.Aeron.Registration.EnsureRegistered();
        }
        return TensorPoolClient.Connect(new ClientOptions
        {
            Channel = overAeron ? AeronColumn.Channel : ClientOptions.DefaultChannel,
            AeronDir = overAeron ? aeronDir : null,
            ShmBaseDir = baseDir,
            Namespace = nameSpace,
        });
    }
}
