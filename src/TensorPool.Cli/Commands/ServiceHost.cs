using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TensorPool.Configuration;
using TensorPool.Interop;

namespace TensorPool.Cli.Commands;

/// <summary>
/// The host of a long-running service command (<c>tp driver</c>, <c>tp discovery</c>, <c>tp supervisor</c>): systemd
/// integration, single-line console logs, and one way of reporting a service that cannot start.
/// </summary>
internal static class ServiceHost
{
    /// <summary>A builder with systemd integration and single-line console logging; the caller adds its service.</summary>
    public static HostApplicationBuilder CreateBuilder()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSystemd();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // The host's own report of a service that failed to start is an exception with its stack on standard output;
        // Run reports every start failure itself, once, on standard error, with the exit code that says which kind.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        return builder;
    }

    /// <summary>
    /// Start the host, print <paramref name="ready"/>, run until shut down (SIGTERM, Ctrl+C), print <paramref name="stopped"/>.
    /// A configuration the service refuses exits 2 (<see cref="TpCommand.ExitBadInput"/>); a service that cannot start
    /// (a file system, a transport, libaeron or its media driver) exits 1, each with one line on standard error.
    /// </summary>
    public static int Run(HostApplicationBuilder builder, ParseResult parse, string command, Func<string> ready, string stopped)
    {
        TextWriter output = parse.InvocationConfiguration.Output;
        try
        {
            using IHost host = builder.Build();
            host.StartAsync().GetAwaiter().GetResult();
            output.WriteLine(ready());
            output.Flush();
            host.WaitForShutdownAsync().GetAwaiter().GetResult();
            output.WriteLine(stopped);
            return TpCommand.ExitOk;
        }
        catch (ConfigurationException e)
        {
            return CliErrors.BadInput(parse, command, "configuration", e.Message);
        }
        catch (Exception e) when (e is TensorPoolException or Transport.Aeron.AeronException or DllNotFoundException)
        {
            // aeron: channels: no media driver, a refused Aeron directory, libaeron not found.
            return CliErrors.Failure(parse, command, "cannot start", e.Message);
        }
    }
}
