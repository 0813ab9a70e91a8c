using TensorPool.Driver;
using TensorPool.Driver.Configuration;
using TensorPool.Sbe.Wire;
using TensorPool.Supervisor.Configuration;
using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Supervisor.Tests.Protocol;

/// <summary>The supervisor inside a driver (<c>[supervisor] enabled = true</c>), on the driver's transport (wire spec §10.5).</summary>
public sealed class EmbeddedSupervisorTests
{
    [Test]
    public void A_driver_with_supervisor_enabled_runs_one_that_answers_hellos_10_5()
    {
        using var dir = new TempDirectory();
        DriverOptions options = DriverOptions.FromTomlText($$"""
            [driver]
            ipc_base_dir = "{{dir.Path}}"
            [shm]
            base_dir = "{{dir.Path}}"
            namespace = "emb"
            permissions_mode = "600"
            [profiles.p]
            header_nslots = 8
            payload_pools = [{ pool_id = 1, stride_bytes = 64 }]
            [supervisor]
            enabled = true
            force_mode = 2
            """);
        using TensorPoolDriver driver = TensorPoolDriver.Start(options);
        Assert.That(driver.Supervisor, Is.Not.Null);
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, Namespace = "emb" });
        using TpIpcSubscription control = transport.AddSubscription("tp:ipc", 1000);
        using TpIpcPublication hellos = transport.AddPublication("tp:ipc", 1000);
        var buffer = new byte[256];
        var h = ConsumerHelloEncoder.WrapAndApplyHeader(buffer);
        h.StreamId = 10000;
        h.ConsumerId = 9;
        h.SupportsShm = Bool.True;
        h.Mode = Mode.Stream;
        h.PutDescriptorChannel(ReadOnlySpan<char>.Empty);
        h.PutControlChannel(ReadOnlySpan<char>.Empty);
        Mode? told = null;
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (told is null)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "no ConsumerConfig from the embedded supervisor");
            hellos.Offer(buffer.AsSpan(0, h.EncodedLength));
            Thread.Sleep(50);
            control.Poll(m =>
            {
                if (ConsumerConfigDecoder.TryWrap(m, out ConsumerConfigDecoder c, out _) && c.ConsumerId == 9)
                {
                    told = c.Mode;
                }
            }, 100);
        }
        Assert.That(told, Is.EqualTo(Mode.RateLimited), "force_mode = 2");
        Assert.That(driver.Supervisor!.Counters.Configs, Is.Positive);
    }

    [Test]
    public void A_driver_file_whose_supervisor_section_is_not_enabled_runs_none()
    {
        using var dir = new TempDirectory();
        DriverOptions options = DriverOptions.FromTomlText($$"""
            [driver]
            ipc_base_dir = "{{dir.Path}}"
            [shm]
            base_dir = "{{dir.Path}}"
            permissions_mode = "600"
            [profiles.p]
            header_nslots = 8
            payload_pools = [{ pool_id = 1, stride_bytes = 64 }]
            [supervisor]
            force_mode = 2
            """);
        using TensorPoolDriver driver = TensorPoolDriver.Start(options);
        Assert.That(driver.Supervisor, Is.Null);
    }
}
