using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>
/// How a channel's scheme picks its transport, and what a configuration check (the driver's <c>--check</c> and
/// start-up, D245) is told about a channel before anything connects. The registry is process-wide, so each test
/// registers a scheme of its own.
/// </summary>
public class TransportProvidersTests
{
    private static readonly TransportSettings Settings = new();

    [Test]
    public void A_scheme_no_transport_serves_is_named_by_check_and_refused_alike_by_create()
    {
        const string channel = "zmq:tcp?endpoint=localhost:5555";

        string? why = TransportProviders.Check(channel, Settings);

        Assert.That(why, Does.Contain("channel 'zmq:tcp?endpoint=localhost:5555'").And.Contain("no transport serves the scheme 'zmq'"));
        Assert.That(TransportProviders.IsAvailable("zmq"), Is.False);
        var refused = Assert.Throws<ArgumentException>(() => TransportProviders.Create(channel, Settings).Dispose());
        Assert.That(refused!.Message, Does.StartWith(why));
    }

    [TestCase("tpipc", "no scheme")]
    [TestCase("TP:ipc", "invalid scheme")]
    [TestCase("tp:", "invalid media")]
    public void A_malformed_channel_gets_the_syntax_error(string channel, string expected)
    {
        Assert.That(TransportProviders.Check(channel, Settings), Does.Contain(expected));
    }

    [Test]
    public void The_built_in_tp_ipc_transport_passes_without_a_provider()
    {
        Assert.That(TransportProviders.Check("tp:ipc?name=frames", Settings), Is.Null);
        Assert.That(TransportProviders.IsAvailable("tp"), Is.True);
    }

    [Test]
    public void A_registered_provider_decides_the_check_and_creates_the_transport_with_the_settings()
    {
        var provider = new RecordingProvider(refuseWhen: "bad");
        TransportProviders.Register("check-decides", provider);
        var settings = new TransportSettings { AeronDir = "/tmp/not-used" };

        Assert.That(TransportProviders.IsAvailable("check-decides"), Is.True);
        Assert.That(TransportProviders.Check("check-decides:ipc?x=good", settings), Is.Null);
        Assert.That(TransportProviders.Check("check-decides:ipc?x=bad", settings), Is.EqualTo("refused check-decides:ipc?x=bad"));
        Assert.That(provider.Checked, Is.EqualTo(new[] { "check-decides:ipc?x=good", "check-decides:ipc?x=bad" }));
        Assert.That(provider.CheckSettings, Is.All.SameAs(settings));

        using ITransport transport = TransportProviders.Create("check-decides:ipc", settings);
        Assert.That(transport, Is.SameAs(provider.Created));
        Assert.That(provider.CreateSettings, Is.SameAs(settings));
    }

    [Test]
    public void A_malformed_channel_is_refused_before_its_provider_is_asked()
    {
        var provider = new RecordingProvider(refuseWhen: null);
        TransportProviders.Register("check-first", provider);

        Assert.That(TransportProviders.Check("check-first:ipc?=v", Settings), Is.Not.Null);
        Assert.That(provider.Checked, Is.Empty);
    }

    [Test]
    public void A_provider_without_a_check_of_its_own_accepts_every_channel()
    {
        TransportProviders.Register("check-default", new CreateOnlyProvider());

        Assert.That(TransportProviders.Check("check-default:udp?endpoint=anything", Settings), Is.Null);
    }

    [Test]
    public void A_later_registration_replaces_the_earlier_provider()
    {
        TransportProviders.Register("check-replace", new RecordingProvider(refuseWhen: "ipc"));
        TransportProviders.Register("check-replace", new CreateOnlyProvider());

        Assert.That(TransportProviders.Check("check-replace:ipc", Settings), Is.Null);
    }

    [Test]
    public void The_tp_scheme_cannot_be_replaced()
    {
        Assert.Throws<ArgumentException>(() => TransportProviders.Register("tp", new CreateOnlyProvider()));
        Assert.Throws<ArgumentException>(() => TransportProviders.Register("", new CreateOnlyProvider()));
        Assert.That(TransportProviders.Check("tp:ipc", Settings), Is.Null);
    }

    private sealed class RecordingProvider(string? refuseWhen) : ITransportProvider
    {
        public List<string> Checked { get; } = [];

        public List<TransportSettings> CheckSettings { get; } = [];

        public ITransport? Created { get; private set; }

        public TransportSettings? CreateSettings { get; private set; }

        public ITransport Create(TransportSettings settings)
        {
            CreateSettings = settings;
            Created = new LoopbackTransport(capacity: 16, maxMessageLength: 256);
            return Created;
        }

        public string? Check(string channel, TransportSettings settings)
        {
            Checked.Add(channel);
            CheckSettings.Add(settings);
            return refuseWhen is not null && channel.Contains(refuseWhen, StringComparison.Ordinal) ? $"refused {channel}" : null;
        }
    }

    private sealed class CreateOnlyProvider : ITransportProvider
    {
        public ITransport Create(TransportSettings settings) => new LoopbackTransport(capacity: 16, maxMessageLength: 256);
    }
}
