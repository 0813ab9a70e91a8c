using Microsoft.Extensions.Logging;
using TensorPool.Discovery.Configuration;
using TensorPool.Sbe.Discovery;
using static TensorPool.Discovery.Tests.Provider.ProviderHarness;

namespace TensorPool.Discovery.Tests.Provider;

/// <summary>Discovery spec §12 (access policy) and §13 (sampled query log).</summary>
public sealed class AccessAndLogTests
{
    private static DiscoveryProviderOptions Policy(bool denyWithError = false) => new()
    {
        Access = new AccessPolicy
        {
            DefaultVisible = false,
            DenyWithError = denyWithError,
            Rules =
            [
                new AccessRule { ClientIds = [(100, 199)], StreamIds = [(10001, 10001)], Visible = false },
                new AccessRule { ClientIds = [(100, 199)], Visible = true },
                new AccessRule { ClientIds = [(7, 7)], StreamIds = [(10000, 10000)], Visible = true },
            ],
        },
    };

    private static ProviderHarness Fleet(DiscoveryProviderOptions options)
    {
        var h = new ProviderHarness(options);
        h.Stream(DriverA, 10000, epoch: 1, "front", tags: "camera");
        h.Stream(DriverA, 10001, epoch: 1, "secret", tags: "camera");
        return h;
    }

    [Test]
    public void Clients_see_only_the_streams_the_policy_shows_them_12()
    {
        using ProviderHarness h = Fleet(Policy());
        Assert.That(h.Single(clientId: 150).Results.Select(r => r.StreamId), Is.EqualTo(new[] { 10000u }), "first matching rule wins");
        Assert.That(h.Single(clientId: 7).Results.Select(r => r.StreamId), Is.EqualTo(new[] { 10000u }));
        Assert.That(h.Single(clientId: 8).Results, Is.Empty, "the default hides");
    }

    [Test]
    public void A_hidden_stream_is_answered_NOT_FOUND_exactly_as_an_absent_one_12()
    {
        using ProviderHarness h = Fleet(Policy());
        List<Response> hidden = h.Request(streamId: 10001, clientId: 150, requestId: 1);
        List<Response> absent = h.Request(streamId: 10099, clientId: 150, requestId: 1);
        Assert.That(hidden.Single().Status, Is.EqualTo(DiscoveryStatus.NotFound));
        Assert.That(hidden.Single().Bytes, Is.EqualTo(absent.Single().Bytes), "no oracle: the same bytes");
        Assert.That(h.Single(clientId: 8).Status, Is.EqualTo(DiscoveryStatus.Ok), "an inventory request stays OK, empty");
    }

    [Test]
    public void Explicit_denial_answers_ERROR_when_the_policy_asks_for_it_12()
    {
        using ProviderHarness h = Fleet(Policy(denyWithError: true));
        Response r = h.Single(streamId: 10001, clientId: 150);
        Assert.That((r.Status, r.ResultCount), Is.EqualTo((DiscoveryStatus.Error, 0)));
        Assert.That(r.ErrorMessage, Does.Contain("access denied"));
        Assert.That(h.Single(streamId: 10099, clientId: 150).Status, Is.EqualTo(DiscoveryStatus.NotFound), "absent stays NOT_FOUND");
    }

    [Test]
    public void Queries_are_logged_at_the_sampled_rate_without_names_or_tags_13()
    {
        var log = new ListLogger();
        using var h = new ProviderHarness(new DiscoveryProviderOptions { QueryLogEvery = 10 }, log);
        h.Stream(DriverA, 10000, epoch: 1, "secret-name", tags: "secret-tag");
        for (int i = 0; i < 100; i++)
        {
            h.Request(tags: ["secret-tag"], name: "secret-name");
        }
        Assert.That(log.Lines, Has.Count.EqualTo(10));
        Assert.That(h.Counters.QueriesLogged, Is.EqualTo(10));
        Assert.That(log.Lines[0], Does.Contain("1 tag(s)").And.Contain("name of 11 bytes").And.Not.Contain("secret"));
    }

    [Test]
    public void Query_log_every_0_logs_nothing_13()
    {
        var log = new ListLogger();
        using var h = new ProviderHarness(new DiscoveryProviderOptions { QueryLogEvery = 0 }, log);
        for (int i = 0; i < 10; i++)
        {
            h.Request();
        }
        Assert.That(log.Lines, Is.Empty);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
