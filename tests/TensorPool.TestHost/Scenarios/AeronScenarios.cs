using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using TensorPool.Transport;
using TensorPool.Transport.Aeron;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// Processes of the Aeron transport tests (tests/TensorPool.Transport.Aeron.Tests): a publisher and a subscriber on a
/// media driver of their own (another process, another network namespace). libaeron comes from TP_AERON_LIBRARY.
/// Messages are <c>[sequence int32][length int32][bytes (sequence + i) mod 251]</c>; each scenario ends with a
/// <c>result key=value…</c> line and exits 3 when its deadline passes.
/// </summary>
public static class AeronScenarios
{
    /// <summary><c>aeron-publish aeronDir channel stream count length deadlineSeconds</c>: offers once connected.</summary>
    [Scenario("aeron-publish")]
    public static int Publish(string[] args)
    {
        using AeronTransport transport = Open(args[0]);
        using AeronPublication publication = transport.AddPublication(args[1], Int(args[2]));
        int count = Int(args[3]);
        int length = Int(args[4]);
        var deadline = Stopwatch.StartNew();
        TimeSpan limit = TimeSpan.FromSeconds(Int(args[5]));
        Console.WriteLine("ready");
        while (!publication.IsConnected)
        {
            if (deadline.Elapsed > limit)
            {
                Console.WriteLine("result sent=0 reason=not-connected");
                return 3;
            }
            Thread.Sleep(10);
        }
        var buffer = new byte[length];
        long backPressured = 0;
        for (int sequence = 0; sequence < count; sequence++)
        {
            Fill(buffer, sequence);
            long result;
            while ((result = publication.Offer(buffer)) < 0)
            {
                backPressured++;
                if (deadline.Elapsed > limit)
                {
                    Console.WriteLine($"result sent={sequence} status={PublicationStatus.Describe(result)}");
                    return 3;
                }
                Thread.Yield();
            }
        }
        Console.WriteLine($"result sent={count} retries={backPressured} admin={publication.AdminActions}");
        // Stay until the subscriber says it has everything (stdin closes), so the image is not torn down early.
        Console.In.ReadLine();
        return 0;
    }

    /// <summary><c>aeron-subscribe aeronDir channel stream count deadlineSeconds</c>: receives and checks every message.</summary>
    [Scenario("aeron-subscribe")]
    public static int Subscribe(string[] args)
    {
        using AeronTransport transport = Open(args[0]);
        using AeronSubscription subscription = transport.AddSubscription(args[1], Int(args[2]));
        int count = Int(args[3]);
        var deadline = Stopwatch.StartNew();
        TimeSpan limit = TimeSpan.FromSeconds(Int(args[4]));
        Console.WriteLine("ready");
        int received = 0, bad = 0, next = 0;
        string? sources = null;
        while (received < count)
        {
            int n = subscription.Poll(m =>
            {
                received++;
                if (!Check(m, next))
                {
                    bad++;
                }
                next++;
            }, 64);
            if (n == 0)
            {
                if (deadline.Elapsed > limit)
                {
                    Console.WriteLine($"result received={received} bad={bad} reason=deadline");
                    return 3;
                }
                Thread.Sleep(1);
            }
        }
        sources ??= subscription.ImageCount.ToString(CultureInfo.InvariantCulture);
        Console.WriteLine($"result received={received} bad={bad} images={sources}");
        return bad == 0 ? 0 : 1;
    }

    /// <summary><c>aeron-load libraryPath</c>: what creating a transport says when libaeron is where it is told.</summary>
    [Scenario("aeron-load")]
    public static int Load(string[] args)
    {
        try
        {
            using var transport = new AeronTransport(new AeronTransportOptions { LibraryPath = args[0].Length == 0 ? null : args[0], DriverTimeout = TimeSpan.FromSeconds(1) });
            Console.WriteLine("result loaded");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine($"result error={e.GetType().Name}");
            Console.WriteLine(e.Message.ReplaceLineEndings(" | "));
            return 1;
        }
    }

    private static AeronTransport Open(string aeronDir) => new(new AeronTransportOptions
    {
        AeronDir = aeronDir,
        ErrorHandler = e => Console.Error.WriteLine("aeron: " + e.Message),
    });

    private static void Fill(byte[] buffer, int sequence)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer, sequence);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), buffer.Length);
        for (int i = 8; i < buffer.Length; i++)
        {
            buffer[i] = (byte)((sequence + i) % 251);
        }
    }

    private static bool Check(ReadOnlySpan<byte> message, int expected)
    {
        if (message.Length < 8 || BinaryPrimitives.ReadInt32LittleEndian(message) != expected
            || BinaryPrimitives.ReadInt32LittleEndian(message[4..]) != message.Length)
        {
            return false;
        }
        for (int i = 8; i < message.Length; i++)
        {
            if (message[i] != (byte)((expected + i) % 251))
            {
                return false;
            }
        }
        return true;
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
