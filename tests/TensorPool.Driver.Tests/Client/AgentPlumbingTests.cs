using System.Reflection;
using TensorPool.Agents;
using TensorPool.Client;
using TensorPool.Driver.Tests.Protocol;
using TensorPool.DriverClient;
using TensorPool.JoinBarrier;
using TensorPool.JoinBarrier.Stage;
using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Driver.Tests.Client;

/// <summary>
/// Agent plumbing (OnStart, DoWork, OnClose) belongs to whoever runs the agent: no public type of the shipped libraries
/// is an <see cref="IAgent"/>, and a public DoWork exists only where the owner may run the duty cycle, and refuses when
/// the type's own thread runs it (docs/DECISIONS.md D93).
/// </summary>
public sealed class AgentPlumbingTests
{
    private static readonly Assembly[] Shipped = [typeof(TensorPoolClient).Assembly, typeof(TensorPoolDriver).Assembly];

    [Test]
    public void No_public_type_is_an_agent()
    {
        string[] agents = [.. Shipped.SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsInterface && typeof(IAgent).IsAssignableFrom(t))
            .Select(t => t.FullName!)];
        Assert.That(agents, Is.Empty, "an agent's OnStart/DoWork/OnClose would be callable by anyone while its runner calls them");
    }

    [Test]
    public void Only_guarded_types_have_a_public_DoWork_and_none_a_public_OnStart_or_OnClose()
    {
        var flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        Type[] exported = [.. Shipped.SelectMany(a => a.GetExportedTypes()).Where(t => !t.IsInterface)];
        string[] withDoWork = [.. exported.Where(t => t.GetMethod(nameof(IAgent.DoWork), flags) is not null).Select(t => t.Name).Order(StringComparer.Ordinal)];
        string[] withLifecycle = [.. exported.Where(t => t.GetMethod(nameof(IAgent.OnStart), flags) is not null || t.GetMethod(nameof(IAgent.OnClose), flags) is not null)
            .Select(t => t.Name)];
        using (Assert.EnterMultipleScope())
        {
            // DriverConnection, TensorPoolClient and TensorPoolDriver are tested below to refuse DoWork when their own
            // thread runs the duty cycle; JoinStage and the MergeMap types have no thread of their own: whoever owns one
            // runs its duty cycle (the stage runs its MergeMap client and authority).
            Assert.That(withDoWork, Is.EqualTo(new[]
            {
                nameof(DriverConnection), nameof(JoinStage), nameof(MergeMapAuthority), nameof(MergeMapClient), nameof(TensorPoolClient),
                nameof(TensorPoolDriver),
            }));
            Assert.That(withLifecycle, Is.Empty);
        }
    }

    [Test]
    public void Driver_connection_on_its_own_thread_refuses_DoWork()
    {
        using var dir = new TempDirectory();
        using DriverConnection connection = DriverConnection.Connect(new DriverClientOptions { IpcBaseDir = dir.Path, Namespace = "t" });
        Assert.Throws<InvalidOperationException>(() => connection.DoWork());
    }

    [Test]
    public void Driver_connection_whose_owner_runs_it_accepts_DoWork()
    {
        using var dir = new TempDirectory();
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, Namespace = "t" });
        using var connection = new DriverConnection(transport, new DriverClientOptions());
        Assert.That(connection.DoWork(), Is.Zero);
    }

    [Test]
    public void Client_with_its_own_conductor_thread_refuses_DoWork()
    {
        using var dir = new TempDirectory();
        using var client = TensorPoolClient.Connect(new ClientOptions { ShmBaseDir = dir.Path, Namespace = "t" });
        Assert.Throws<InvalidOperationException>(() => client.DoWork());
    }

    [Test]
    public void Driver_on_its_own_thread_refuses_DoWork()
    {
        using var harness = new DriverHarness(o => o.ThreadingMode = DriverThreadingMode.DedicatedThread);
        Assert.Throws<InvalidOperationException>(() => harness.Driver.DoWork());
    }
}
