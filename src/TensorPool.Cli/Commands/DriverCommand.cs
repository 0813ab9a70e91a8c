using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TensorPool.Driver;
using TensorPool.Driver.Configuration;
using TensorPool.Driver.Hosting;
using TensorPool.Interop;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp driver --config driver.toml</c>: the SHM driver as a long-running service (driver model spec v1.0). Logs
/// go to stdout (in systemd's format under systemd); SIGTERM or Ctrl-C shut it down cleanly (ShmDriverShutdown,
/// files removed), as does a ShmDriverShutdownRequest with the configured token.
/// </summary>
/// <remarks>
/// Exit codes: 0 after a clean shutdown (or a successful <c>--check</c>); 2 for bad arguments or an invalid
/// configuration (one line naming the key, its value and the rule); 1 when the driver cannot start (the shared-memory
/// base directory or the transport cannot be set up) or fails.
/// </remarks>
internal static class DriverCommand
{
    private const string Help = """

        Runs until SIGTERM or Ctrl-C (or a ShmDriverShutdownRequest with the configured token), then announces
        ShmDriverShutdown and removes its files. Logs go to standard output (systemd's format under systemd).

        Examples:
          tp driver --config driver.toml --check     # every start-up check, nothing created
          tp driver --config driver.toml
          SHM_BASE_DIR=/dev/hugepages tp driver --config driver.toml   # an environment variable overrides a key

        Exit codes: 0 after a clean shutdown or a successful --check; 1 the driver could not start (another driver
        serves the namespace or control stream, the transport) or failed; 2 bad arguments or an invalid configuration,
        an unusable base_dir or channel included (one line naming the key, its value and the rule). --check gives the
        same codes start-up would.
        """;

    public static Command Build()
    {
        var config = new Option<string>("--config") { Description = "The driver's TOML configuration (driver spec §17 keys; environment variables override it).", Required = true };
        var check = new Option<bool>("--check") { Description = "Validate the configuration, print a summary and exit." };
        var command = new Command("driver", "Run the SHM driver: shared-memory regions, epochs and leases for producers and consumers.\n" + Help);
        command.Options.Add(config);
        command.Options.Add(check);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(config)!;
            DriverOptions options;
            try
            {
                options = DriverOptions.FromToml(path);
            }
            catch (DriverConfigurationException e)
            {
                return CliErrors.BadInput(parse, "driver", "configuration", e.Message);
            }
            TextWriter output = parse.InvocationConfiguration.Output;
            foreach (string section in options.IgnoredSections)
            {
                // The reference's driver files configure other services beside the driver; they load as they are.
                parse.InvocationConfiguration.Error.WriteLine($"tp driver: [{section}] configures another service; this driver ignores it");
            }
            if (parse.GetValue(check))
            {
                // Every check start-up runs, creating nothing (D174).
                try
                {
                    TensorPoolDriver.Check(options);
                }
                catch (DriverConfigurationException e)
                {
                    return CliErrors.BadInput(parse, "driver", "configuration", e.Message);
                }
                catch (TensorPoolException e)
                {
                    return CliErrors.Failure(parse, "driver", "cannot start", e.Message);
                }
                output.WriteLine($"tp driver: {path} is valid: {options.Profiles.Count} profile(s), {options.Streams.Count} stream(s), " +
                    $"control {options.ControlChannel}:{options.ControlStreamId}, shm {options.ShmBaseDir}");
                return TpCommand.ExitOk;
            }
            return Run(options, path, parse);
        });
        return command;
    }

    private static int Run(DriverOptions options, string path, ParseResult parse)
    {
        HostApplicationBuilder builder = ServiceHost.CreateBuilder();
        builder.Services.AddTensorPoolDriver(options);
        return ServiceHost.Run(builder, parse, "driver",
            () => $"tp driver: {options.InstanceId} ready (config {path}, control {options.ControlChannel}:{options.ControlStreamId}, " +
                $"announces {options.EffectiveAnnounceChannel}:{options.EffectiveAnnounceStreamId}, shm {options.ShmBaseDir}, pid {Environment.ProcessId})",
            $"tp driver: {options.InstanceId} stopped");
    }
}
