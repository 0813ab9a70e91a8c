using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TensorPool.Supervisor.Configuration;
using TensorPool.Supervisor.Hosting;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp supervisor --config FILE</c>: the supervisor of wire spec §10.5 as a long-running service, configured by the
/// <c>[supervisor]</c> section of FILE (a driver's file, as the reference's carry one, or a file of its own).
/// </summary>
internal static class SupervisorCommand
{
    private const string Help = """

        Follows announces, metadata, hellos and QoS, answers every ConsumerHello with the ConsumerConfig its policy
        gives (the reference's force_* and per_consumer_* keys, then the first matching [[supervisor.policies]]),
        hands out consumer ids on request, serves the per-consumer descriptor streams it assigns at their rate cap,
        and keeps a live model: --status-file (or status_file) writes it once a second for `tp status --supervisor`.
        Logs go to standard output; SIGTERM or Ctrl-C stop it.

        Examples:
          tp supervisor --config driver.toml --check
          tp supervisor --config driver.toml --status-file /dev/shm/supervisor.json
          tp status --supervisor /dev/shm/supervisor.json

        Exit codes: 0 after a clean stop or a successful --check; 1 the supervisor could not start (a stream's log);
        2 bad arguments or an invalid configuration (one line naming the key, its value and the rule).
        """;

    public static Command Build()
    {
        var config = new Option<string>("--config") { Description = "A TOML file with a [supervisor] section.", Required = true };
        var check = new Option<bool>("--check") { Description = "Validate the [supervisor] section, print a summary and exit." };
        var statusFile = new Option<string?>("--status-file") { Description = "Write the live model here once a second (overrides status_file)." };
        var location = new ShmLocationOptions();
        var command = new Command("supervisor", "Run the supervisor: consumer policy through ConsumerConfig, consumer ids, a live model.\n" + Help)
        {
            config, check, statusFile,
        };
        location.AddTo(command);
        command.SetAction(parse =>
        {
            if (!location.TryGet(parse, out string ns, out string dir, out string error))
            {
                return CliErrors.BadInput(parse, "supervisor", "arguments", error);
            }
            string path = parse.GetValue(config)!;
            SupervisorOptions options;
            try
            {
                options = SupervisorOptions.FromToml(path);
            }
            catch (SupervisorConfigurationException e)
            {
                return CliErrors.BadInput(parse, "supervisor", "configuration", e.Message);
            }
            options.Namespace = ns;
            options.IpcBaseDir = dir;
            if (parse.GetValue(statusFile) is { } file)
            {
                options.StatusFile = file;
            }
            TextWriter output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(check))
            {
                output.WriteLine($"tp supervisor: {path} is valid: control {options.ControlChannel}:{options.ControlStreamId}, " +
                    $"announces {options.EffectiveAnnounceChannel}:{options.EffectiveAnnounceStreamId}, {options.Policies.Count} polic(ies)");
                return TpCommand.ExitOk;
            }
            HostApplicationBuilder builder = ServiceHost.CreateBuilder();
            builder.Services.AddTensorPoolSupervisor(options);
            return ServiceHost.Run(builder, parse, "supervisor", () => $"tp supervisor: ready (config {path}, control {options.ControlChannel}:{options.ControlStreamId}, pid {Environment.ProcessId})", "tp supervisor: stopped");
        });
        return command;
    }
}
