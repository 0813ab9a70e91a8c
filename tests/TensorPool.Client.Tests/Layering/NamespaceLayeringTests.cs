using System.Reflection;
using TensorPool.DriverClient;
using TensorPool.Producers;

namespace TensorPool.Client.Tests.Layering;

/// <summary>
/// References between the namespaces of the TensorPool assembly flow one way (docs/DECISIONS.md D90): the client runtime
/// uses producers and consumers, which use the driver client, which uses only the transport, the codecs and the core.
/// Neither producers nor consumers reference the client runtime.
/// </summary>
public sealed class NamespaceLayeringTests
{
    private static readonly Assembly TensorPool = typeof(TensorPoolClient).Assembly;

    /// <summary>What the driver client may not mention: everything that builds on it.</summary>
    private static readonly string[] AboveDriverClient = ["TensorPool.Producers", "TensorPool.Consumers", "TensorPool.Client", "TensorPool.Control"];

    private static bool IsIn(Type type, string ns) =>
        type.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal));

    private static List<string> References(string fromNamespace, string[] toNamespaces) =>
        [.. TensorPool.GetTypes()
            .Where(t => IsIn(t, fromNamespace))
            .SelectMany(t => TypeReferences.Of(t).Select(r => (From: t, r.Referenced, r.Where)))
            .Where(r => toNamespaces.Any(ns => IsIn(r.Referenced, ns)))
            .Select(r => $"{r.From.FullName} -> {r.Referenced.FullName} ({r.Where})")
            .Distinct()];

    [Test]
    public void Driver_client_references_nothing_that_builds_on_it()
    {
        Assert.That(TensorPool.GetTypes().Count(t => IsIn(t, "TensorPool.DriverClient")), Is.GreaterThan(10), "the namespace was found");
        Assert.That(References("TensorPool.DriverClient", AboveDriverClient), Is.Empty,
            "the driver client is a lower layer: producers and consumers adapt its leases, never the other way round");
    }

    [Test]
    public void Producers_and_consumers_reference_nothing_of_the_client_that_wires_them()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(References("TensorPool.Producers", ["TensorPool.Client"]), Is.Empty,
                "producers tell their owner through IProducerOwner; the client runtime is above them");
            Assert.That(References("TensorPool.Consumers", ["TensorPool.Client"]), Is.Empty,
                "consumers tell their owner through IConsumerOwner and read ClientTiming from TensorPool.Time");
        }
        Assert.That(References("TensorPool.Client", ["TensorPool.Producers", "TensorPool.Consumers"]), Is.Not.Empty,
            "the client references them (the one direction)");
    }

    [Test]
    public void The_scan_sees_references_in_signatures_and_in_method_bodies()
    {
        // The check above can only fail if the scanner finds references: Producers -> DriverClient exists in both forms.
        List<string> found = References("TensorPool.Producers", ["TensorPool.DriverClient"]);
        string signature = $"{typeof(Producer).FullName} -> {typeof(DriverLease).FullName} (property DriverLease)";
        string call = $"-> {typeof(DriverConnection).FullName} ";
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found, Does.Contain(signature), "a property type");
            Assert.That(found.Any(f => f.Contains(call, StringComparison.Ordinal) && f.EndsWith("(IL))", StringComparison.Ordinal)), Is.True,
                "a call in a method body: " + string.Join("; ", found));
        }
    }
}
