using System.Diagnostics;

namespace TensorPool.Transport.Aeron.Tests;

/// <summary>Waits of the Aeron tests, with generous deadlines that fail with what was seen.</summary>
internal static class AeronWait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Until the publication has a subscriber and the subscription an image (Aeron links them asynchronously).</summary>
    public static void Connected(AeronPublication publication, AeronSubscription subscription)
    {
        Until(() => publication.IsConnected && subscription.ImageCount > 0,
            () => $"connected={publication.IsConnected} images={subscription.ImageCount}");
    }

    public static void Until(Func<bool> condition, Func<string> state, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > (timeout ?? Timeout))
            {
                Assert.Fail($"condition not met within {timeout ?? Timeout}: {state()}");
            }
            Thread.Sleep(5);
        }
    }
}
