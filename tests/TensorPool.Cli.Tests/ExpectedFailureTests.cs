using TensorPool.Cli.Commands;

namespace TensorPool.Cli.Tests;

/// <summary>
/// Refusals the user can act on (a path refused, another driver running) print their message alone, not as an
/// unexpected error with a type name and a stack-trace hint.
/// </summary>
public sealed class ExpectedFailureTests
{
    [Test]
    public void A_refused_path_prints_as_an_answer_with_exit_2()
    {
        var error = new StringWriter();
        int exit = CliErrors.Unexpected(TpCommand.Build().Parse(["produce"]), error, new TensorPoolPathException("/x is outside the allowed base dirs"));
        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput));
        Assert.That(error.ToString().Trim(), Is.EqualTo("tp produce: /x is outside the allowed base dirs"));
    }

    [Test]
    public void Another_running_driver_prints_as_an_answer_with_exit_1()
    {
        var error = new StringWriter();
        int exit = CliErrors.Unexpected(TpCommand.Build().Parse(["driver", "--config", "x"]), error,
            new Driver.DriverAlreadyRunningException("another driver (pid 7) already serves namespace /dev/shm/n"));
        Assert.That(exit, Is.EqualTo(TpCommand.ExitFailure));
        Assert.That(error.ToString(), Does.Not.Contain("Exception").And.Not.Contain("--verbose"));
    }

    [Test]
    public void A_bug_still_prints_its_type_and_the_stack_trace_hint()
    {
        var error = new StringWriter();
        CliErrors.Unexpected(TpCommand.Build().Parse(["produce"]), error, new InvalidOperationException("boom"));
        Assert.That(error.ToString(), Does.Contain("InvalidOperationException: boom").And.Contain("--verbose"));
    }
}
