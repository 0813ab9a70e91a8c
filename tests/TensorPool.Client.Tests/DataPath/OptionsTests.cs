using TensorPool.Consumers;
using TensorPool.Producers;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>Misconfiguration fails at start-up with the option's name, value and rule.</summary>
public class OptionsTests
{
    private static IEnumerable<TestCaseData> BadClientOptions()
    {
        yield return new TestCaseData((Action<ClientOptions>)(o => o.ShmBaseDir = "relative"), "ShmBaseDir");
        yield return new TestCaseData((Action<ClientOptions>)(o => o.Namespace = "../up"), "Namespace");
        yield return new TestCaseData((Action<ClientOptions>)(o => o.Namespace = ""), "Namespace");
        yield return new TestCaseData((Action<ClientOptions>)(o => o.ControlStreamId = 0), "ControlStreamId");
        yield return new TestCaseData((Action<ClientOptions>)(o => o.DescriptorStreamId = -1), "DescriptorStreamId");
        yield return new TestCaseData((Action<ClientOptions>)(o => o.AnnouncePeriod = TimeSpan.Zero), "AnnouncePeriod");
        yield return new TestCaseData((Action<ClientOptions>)(o => o.QosPeriod = TimeSpan.FromDays(1)), "QosPeriod");
        yield return new TestCaseData((Action<ClientOptions>)(o => o.FreshnessWindow = TimeSpan.FromTicks(-1)), "FreshnessWindow");
        yield return new TestCaseData((Action<ClientOptions>)(o => o.AllowedBaseDirs = ["rel"]), "AllowedBaseDirs");
        yield return new TestCaseData((Action<ClientOptions>)(o => o.Channel = " "), "Channel");
    }

    [TestCaseSource(nameof(BadClientOptions))]
    public void Bad_client_option_is_named(Action<ClientOptions> breakIt, string option)
    {
        var options = new ClientOptions { Transport = new Testing.LoopbackTransport(), ConductorMode = ConductorMode.Invoker };
        breakIt(options);
        ArgumentException e = Assert.Throws<ArgumentException>(() => TensorPoolClient.Connect(options).Dispose())!;
        Assert.That(e.Message, Does.Contain("ClientOptions." + option));
    }

    private static IEnumerable<TestCaseData> BadProducerOptions()
    {
        yield return new TestCaseData((Action<ProducerOptions>)(o => o.HeaderNslots = 6), "HeaderNslots");
        yield return new TestCaseData((Action<ProducerOptions>)(o => o.HeaderNslots = 0), "HeaderNslots");
        yield return new TestCaseData((Action<ProducerOptions>)(o => o.Pools = []), "Pools");
        yield return new TestCaseData((Action<ProducerOptions>)(o => o.Pools = [new PayloadPoolOptions(1, 100)]), "Pools");
        yield return new TestCaseData((Action<ProducerOptions>)(o => o.Pools = [new PayloadPoolOptions(1, 0)]), "Pools");
        yield return new TestCaseData((Action<ProducerOptions>)(o => o.Pools = [new PayloadPoolOptions(1, 64), new PayloadPoolOptions(1, 128)]), "Pools");
        yield return new TestCaseData((Action<ProducerOptions>)(o => o.Pools = [new PayloadPoolOptions(1, 64), new PayloadPoolOptions(2, 64)]), "Pools");
        yield return new TestCaseData((Action<ProducerOptions>)(o => o.Name = "caméra"), "Name");
    }

    [TestCaseSource(nameof(BadProducerOptions))]
    public void Bad_producer_option_is_named(Action<ProducerOptions> breakIt, string option)
    {
        using var h = new Harness();
        var options = new ProducerOptions();
        breakIt(options);
        ArgumentException e = Assert.Throws<ArgumentException>(() => h.Client.AddProducer(options).Dispose())!;
        Assert.That(e.Message, Does.Contain("ProducerOptions." + option));
    }

    [Test]
    public void Bad_consumer_option_is_named()
    {
        using var h = new Harness();
        ArgumentException e = Assert.Throws<ArgumentException>(() => h.Client.AddConsumer(new ConsumerOptions { MaxOutstandingSeqGap = 0 }).Dispose())!;
        Assert.That(e.Message, Does.Contain("ConsumerOptions.MaxOutstandingSeqGap"));
    }

    [Test]
    public void Base_dir_the_layout_refuses_fails_at_producer_creation_with_the_native_reason()
    {
        using var h = new Harness(o => o.ShmBaseDir = "/dev/shm/with space");
        TensorPoolException e = Assert.Catch<TensorPoolException>(() => h.Client.AddProducer(new ProducerOptions { HeaderNslots = 8, Pools = [new PayloadPoolOptions(1, 64)] }))!;
        Assert.That(e.CodeName, Does.StartWith("TP_ERR_"));
    }

    [Test]
    public void Options_are_copied_so_later_changes_do_not_leak_in()
    {
        using var h = new Harness();
        var options = new ProducerOptions { HeaderNslots = 8, Pools = [new PayloadPoolOptions(1, 64)] };
        using Producer p = h.Client.AddProducer(options);
        options.Pools.Add(new PayloadPoolOptions(2, 128));
        Assert.That(p.Pools, Has.Count.EqualTo(1));
    }
}
