using System.Text.Json;
using TensorPool.Sbe;
using TensorPool.Sbe.Driver;
using TensorPool.Testing;
using TensorPool.Transport;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;

namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>
/// The driver as a real `tp driver` process with producer, consumer and raw clients in other processes (driver spec
/// §4–§7, §10, §4.13). Waits are bounded and generous for a loaded 2-core machine; nothing is timed.
/// </summary>
[NonParallelizable]
public sealed class DriverProcessTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    private static JsonElement Result(ChildProcess consumer)
    {
        consumer.WriteLine("stop");
        string line = consumer.WaitForLine("result ", Long);
        Assert.That(consumer.WaitForExit(Long), Is.Zero, consumer.StandardError);
        return JsonDocument.Parse(line["result ".Length..]).RootElement.Clone();
    }

    /// <summary>A consumer process on stream 10000 whose lease the driver granted.</summary>
    private static ChildProcess AttachedConsumer(DriverProcess driver) =>
        Started(ChildProcess.StartScenario("driver-consume", driver.ClientArgs("10000")), c => c.WaitForLine("attached ", Long));

    /// <summary>A producer process on stream 10000 whose epoch <paramref name="consumer"/> has received.</summary>
    private static ChildProcess FlowingProducer(DriverProcess driver, ChildProcess consumer, out ulong epoch)
    {
        ulong attached = 0;
        ChildProcess producer = Started(ChildProcess.StartScenario("driver-produce", driver.ClientArgs("10000")), p =>
        {
            attached = AttachedEpoch(p);
            WaitForEpoch(consumer, attached);
        });
        epoch = attached;
        return producer;
    }

    /// <summary><paramref name="child"/> once <paramref name="ready"/> returned; killed and disposed if it threw.</summary>
    private static ChildProcess Started(ChildProcess child, Action<ChildProcess> ready)
    {
        try
        {
            ready(child);
            return child;
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    private static ulong AttachedEpoch(ChildProcess producer) =>
        ulong.Parse(producer.WaitForLine("attached ", Long).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    private static void WaitForEpoch(ChildProcess consumer, ulong epoch) =>
        Wait.Until(() => Wait.Epochs(consumer).Contains(epoch), () => $"the consumer never received epoch {epoch}: {consumer.StandardOutput}\n{consumer.StandardError}");

    [Test]
    public void Attach_keepalive_detach_and_a_second_producer_is_rejected_4_5()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        driver.Start();
        using ChildProcess consumer = AttachedConsumer(driver);
        using ChildProcess producer = FlowingProducer(driver, consumer, out ulong epoch);

        using ChildProcess second = ChildProcess.StartScenario("driver-produce", driver.ClientArgs("10000"));
        Assert.That(second.WaitForExit(Long), Is.EqualTo(3), second.StandardError);
        Assert.That(second.StandardOutput, Does.Contain("rejected Rejected"), "§5: one producer per stream");

        // Several lease lifetimes (3 s) pass: keepalives hold both leases.
        Thread.Sleep(TimeSpan.FromSeconds(5));
        producer.WriteLine("stop");
        producer.WaitForLine("done ", Long);
        Assert.That(producer.WaitForExit(Long), Is.Zero, producer.StandardError);
        JsonElement result = Result(consumer);
        Wait.Until(() => driver.Count(") Detached:") == 2, () => driver.Process!.StandardOutput);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(driver.Count("attached to stream"), Is.EqualTo(2));
            Assert.That(driver.Count(") Expired:"), Is.Zero, "keepalives kept the leases");
            Assert.That(result.GetProperty("lease_losses").GetInt64(), Is.Zero);
            Assert.That(result.GetProperty("epochs")[0].GetProperty("frames").GetInt64(), Is.GreaterThan(0));
        }
    }

    [Test]
    public void Killed_producer_expires_then_a_new_producer_flows_in_a_higher_epoch_7()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        driver.Start();
        using ChildProcess consumer = AttachedConsumer(driver);
        ulong first;
        using (ChildProcess producer = ChildProcess.StartScenario("driver-produce", driver.ClientArgs("10000")))
        {
            first = AttachedEpoch(producer);
            WaitForEpoch(consumer, first);
            producer.Kill(); // SIGKILL: no detach, no more keepalives
        }
        Wait.Until(() => driver.Count("Producer client") > 0 && driver.Count(") Expired:") == 1, () => driver.Process!.StandardOutput);
        using ChildProcess next = ChildProcess.StartScenario("driver-produce", driver.ClientArgs("10000"));
        ulong second = AttachedEpoch(next);
        Assert.That(second, Is.GreaterThan(first), "§6: the epoch increments");
        WaitForEpoch(consumer, second);
        next.WriteLine("stop");
        Assert.That(next.WaitForExit(Long), Is.Zero, next.StandardError);
        JsonElement result = Result(consumer);
        Assert.That(result.GetProperty("older_after_newer").GetInt64(), Is.Zero, "nothing of the old epoch after the new one");
        Assert.That(result.GetProperty("lease_losses").GetInt64(), Is.Zero, "the consumer's own lease stayed");
    }

    [Test]
    public void Killed_driver_restarts_and_clients_reattach_with_a_higher_epoch_10()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        driver.Start();
        using ChildProcess consumer = AttachedConsumer(driver);
        using ChildProcess producer = FlowingProducer(driver, consumer, out ulong first);

        driver.Process!.Kill(); // SIGKILL: no ShmDriverShutdown
        driver.Start();
        Wait.Until(() => Wait.Epochs(producer).Any(e => e > first), () => $"the producer never reattached: {producer.StandardOutput}\n{producer.StandardError}");
        ulong second = Wait.Epochs(producer).Max();
        WaitForEpoch(consumer, second);
        // The consumer's next keepalive reaches the new driver, which revokes the lease it never issued (§10).
        consumer.WaitForLine("lost ", Long);
        producer.WriteLine("stop");
        Assert.That(producer.WaitForExit(Long), Is.Zero, producer.StandardError);
        JsonElement result = Result(consumer);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(second, Is.GreaterThan(first), "§10: epochs after a restart are higher than before");
            Assert.That(result.GetProperty("older_after_newer").GetInt64(), Is.Zero);
            Assert.That(result.GetProperty("lease_losses").GetInt64(), Is.GreaterThanOrEqualTo(1), "the consumer saw the driver go");
        }
    }

    [Test]
    public void Shutdown_with_a_wrong_token_is_ignored_and_the_right_one_drains_4_13()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir, token: "right");
        driver.Start();
        using var raw = new RawClient(driver);
        raw.Shutdown("wrong");
        Wait.Until(() => driver.Count("ignored: wrong token") == 1, () => driver.Process!.StandardOutput);
        Assert.That(driver.Process!.HasExited, Is.False);
        raw.Shutdown("right");
        Assert.That(driver.Process.WaitForExit(Long), Is.Zero, driver.Process.StandardError);
        Assert.That(driver.Process.StandardOutput, Does.Contain("ShmDriverShutdown sent").And.Contain("stopped"));
        Assert.That(raw.Received(ShmDriverShutdownDecoder.TemplateId), Is.GreaterThanOrEqualTo(1), "§4.13: the notice reached the clients");
    }

    private static readonly (string Name, Func<RawClient, long, byte[]> Request, ResponseCode Code, string Message)[] BadRequests =
    [
        ("unknown role", (r, id) => r.Attach(id, 11, 10000, role: 9), ResponseCode.InvalidParams, "unknown role"),
        ("unknown publish mode", (r, id) => r.Attach(id, 12, 10000, publishMode: 7), ResponseCode.Unsupported, "publishMode"),
        ("client id 0", (r, id) => r.Attach(id, 0, 10000), ResponseCode.InvalidParams, "non-zero"),
        ("wrong layout version", (r, id) => r.Attach(id, 13, 10000, layout: 2), ResponseCode.Rejected, "layout version"),
        ("hugepages unsatisfiable", (r, id) => r.Attach(id, 14, 10000, hugepages: (byte)HugepagesPolicy.Hugepages), ResponseCode.Rejected, "hugepage"),
        ("stream not provisioned", (r, id) => r.Attach(id, 15, 10500, publishMode: (byte)PublishMode.RequireExisting), ResponseCode.Rejected, "REQUIRE_EXISTING"),
    ];

    [Test]
    public void Bad_requests_get_the_spec_response_code_4_6()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        // Per-consumer ranges configured, so a per-consumer request is declined only for its shape (§11); the raw
        // consumers send no keepalives, so their leases get a minute rather than 3 s (a loaded machine may be slow).
        File.WriteAllText(driver.ConfigPath, File.ReadAllText(driver.ConfigPath)
            .Replace("[driver]\n", "[driver]\ndescriptor_stream_id_range = \"31000-31001\"\ncontrol_stream_id_range = \"32000-32001\"\n", StringComparison.Ordinal)
            .Replace("lease_expiry_grace_intervals = 3", "lease_expiry_grace_intervals = 60", StringComparison.Ordinal));
        driver.Start();
        using var raw = new RawClient(driver);
        long id = 1000;
        foreach ((string name, Func<RawClient, long, byte[]> request, ResponseCode code, string message) in BadRequests)
        {
            (ResponseCode got, string text) = raw.Request(request(raw, ++id), id);
            Assert.That(got, Is.EqualTo(code), name);
            Assert.That(text, Does.Contain(message), name);
        }

        // Half-specified per-consumer streams (wire §10.1.2, §10.1.3): a non-zero stream id with an empty channel is
        // rejected; the answer the spec gives is a ConsumerConfig with an empty channel and stream id 0 (§11), and the
        // consumer stays on the shared streams. (A channel with id 0 is not half-specified for a driver: §11 allocates.)
        foreach (uint consumer in (uint[])[21, 22, 23])
        {
            Assert.That(raw.Request(raw.Attach(++id, consumer, 10000, role: (byte)Role.Consumer), id).Code, Is.EqualTo(ResponseCode.Ok));
        }
        var descriptorHalf = raw.ConsumerConfig(ConsumerHellos.Encode(10000, 21, "", 31000), 21);
        var controlHalf = raw.ConsumerConfig(ConsumerHellos.Encode(10000, 22, "", 0, "", 32000), 22);
        var complete = raw.ConsumerConfig(ConsumerHellos.Encode(10000, 23, "tp:ipc", 31000, "tp:ipc", 32000), 23);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(descriptorHalf, Is.EqualTo((0u, "", 0u, "")), "descriptor id without channel: declined");
            Assert.That(controlHalf, Is.EqualTo((0u, "", 0u, "")), "control id without channel: declined");
            Assert.That(complete, Is.EqualTo((31000u, "tp:ipc", 32000u, "tp:ipc")), "the same ids fully specified are granted");
        }
    }

    [Test]
    public void Exhausted_dynamic_stream_range_is_invalid_params_11()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        // A one-id dynamic range: the second dynamic producer finds it exhausted.
        string toml = File.ReadAllText(driver.ConfigPath).Replace("[driver]\n", "[driver]\nstream_id_range = \"20000-20000\"\n", StringComparison.Ordinal)
            .Replace("[policies]\n", "[policies]\nallow_dynamic_streams = true\ndefault_profile = \"p\"\n", StringComparison.Ordinal);
        File.WriteAllText(driver.ConfigPath, toml);
        driver.Start();
        using var raw = new RawClient(driver);
        Assert.That(raw.Request(raw.Attach(1, 21, 0), 1).Code, Is.EqualTo(ResponseCode.Ok));
        (ResponseCode code, string message) = raw.Request(raw.Attach(2, 22, 0), 2);
        Assert.That(code, Is.EqualTo(ResponseCode.InvalidParams));
        Assert.That(message, Does.Contain("exhausted"));
    }
}
