using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TensorPool.Discovery.Configuration;
using TensorPool.Discovery.Hosting;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp discovery --config registry.toml</c>: a standalone discovery registry over several drivers (discovery spec
/// §8), as a long-running service; SIGTERM or Ctrl-C stop it.
/// </summary>
internal static class DiscoveryCommand
{
    private const string Help = """

        Subscribes to the announce, metadata and control endpoints of every driver in the file and answers
        DiscoveryRequest on discovery.request_channel/request_stream_id, naming for each stream the driver to attach
        through. Reads the reference's discovery file as it is ([discovery] with one driver's driver_* keys,
        [driver] aeron_dir); more drivers go in [[discovery.drivers]] tables. Logs go to standard output.

        Examples:
          tp discovery --config registry.toml --check
          tp discovery --config registry.toml
          tp discover --channel tp:ipc --stream-id 7000      # ask it

        Exit codes: 0 after a clean stop or a successful --check; 1 the registry could not start (a stream's log);
        2 bad arguments or an invalid configuration (one line naming the key, its value and the rule).
        """;

    public static Command Build()
    {
        var config = new Option<string>("--config") { Description = "The registry's TOML configuration.", Required = true };
        var check = new Option<bool>("--check") { Description = "Validate the configuration, print a summary and exit." };
        var command = new Command("discovery", "Run a discovery registry that aggregates several drivers' streams.\n" + Help) { config, check };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(config)!;
            DiscoveryRegistryOptions options;
            try
            {
                options = DiscoveryRegistryOptions.FromToml(path);
            }
            catch (DiscoveryConfigurationException e)
            {
                return CliErrors.BadInput(parse, "discovery", "configuration", e.Message);
            }
            TextWriter output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(check))
            {
                output.WriteLine($"tp discovery: {path} is valid: requests on {options.RequestChannel}:{options.RequestStreamId}, " +
                    $"{options.Drivers.Count} driver(s): {string.Join(", ", options.Drivers.Select(d => d.InstanceId))}");
                return TpCommand.ExitOk;
            }
            HostApplicationBuilder builder = ServiceHost.CreateBuilder();
            builder.Services.AddTensorPoolDiscoveryRegistry(options);
            return ServiceHost.Run(builder, parse, "discovery", () => $"tp discovery: ready (config {path}, requests on {options.RequestChannel}:{options.RequestStreamId}, " +
                    $"{options.Drivers.Count} driver(s), pid {Environment.ProcessId})", "tp discovery: stopped");
        });
        return command;
    }
}
