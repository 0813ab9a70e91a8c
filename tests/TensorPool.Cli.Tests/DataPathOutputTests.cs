using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>
/// Where `tp produce` and `tp consume` write what (user guide, "Conventions"; D212): human lines on standard error in
/// every mode, standard output only the result; and what their results measure (D171, D211). In process, over the
/// shared memory of a private directory.
/// </summary>
[NonParallelizable]
public sealed class DataPathOutputTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Test]
    public void Produce_writes_its_human_lines_to_standard_error_and_nothing_to_standard_output_D212()
    {
        using var dir = new TempDirectory();
        (int exit, string output, string error) = Tp.Run("produce", "--frames", "5", "--bytes", "64", "--rate", "0", "--shm-dir", dir.Path, "--namespace", "po");

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Is.Empty, "standard output carries results only");
        Assert.That(error, Does.Contain("tp produce: producing 64 bytes").And.Contain("tp produce: done: published 5 frames"));
    }

    [Test]
    public void Produce_json_is_the_only_thing_on_standard_output_and_counts_the_frames_D212()
    {
        using var dir = new TempDirectory();
        (int exit, string output, string error) = Tp.Run("produce", "--frames", "7", "--bytes", "64", "--rate", "0", "--json",
            "--shm-dir", dir.Path, "--namespace", "pj");

        Assert.That(exit, Is.Zero, error);
        using JsonDocument doc = JsonDocument.Parse(output); // throws on anything else on the stream
        Assert.That(doc.RootElement.GetProperty("published").GetInt64(), Is.EqualTo(7));
        Assert.That(doc.RootElement.GetProperty("frameBytes").GetInt64(), Is.EqualTo(64));
        Assert.That(error, Does.Contain("tp produce: producing"));
    }

    [Test]
    public void Consume_json_seconds_is_the_runs_length_and_its_rate_is_zero_when_nothing_arrived_D211()
    {
        using var dir = new TempDirectory();
        (int exit, string output, string error) = Tp.Run("consume", "--stream", "10005", "--seconds", "2", "--json", "--shm-dir", dir.Path, "--namespace", "cs");

        Assert.That(exit, Is.Zero, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement r = doc.RootElement;
        Assert.That(r.GetProperty("seconds").GetDouble(), Is.InRange(2.0, 60.0), "the run lasted --seconds 2 (it used to say 0: no frames)");
        Assert.That(r.GetProperty("framesPerSecond").GetDouble(), Is.Zero);
        Assert.That(r.GetProperty("accepted").GetInt64(), Is.Zero);
        Assert.That(error, Does.Contain("tp consume: consuming stream 10005").And.Contain("tp consume: no frame arrived"));
    }

    [Test]
    public void Consume_verifies_every_frame_of_produce_and_reports_on_standard_error_only_D212()
    {
        using var dir = new TempDirectory();
        string[] where = ["--stream", "10006", "--shm-dir", dir.Path, "--namespace", "cp"];
        Task<(int Exit, string Out, string Err)> consume = Task.Run(() => Tp.Run(["consume", "--frames", "40", "--seconds", "120", .. where]));
        (int produced, string produceOut, string produceErr) = Tp.Run(["produce", "--frames", "40", "--rate", "200", "--bytes", "4096",
            "--wait-consumers", "1", .. where]);
        Assert.That(consume.Wait(Patience), Is.True, "tp consume did not end");
        (int exit, string output, string error) = consume.Result;

        Assert.That(produced, Is.Zero, produceErr);
        Assert.That(produceOut, Is.Empty);
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Is.Empty, "standard output carries results only");
        Assert.That(error, Does.Contain("tp consume: done: accepted 40 (").And.Contain("corrupt 0"), error);
    }

    [Test]
    public void Consume_json_counts_every_frame_verified_with_a_measured_rate_and_no_corrupt_frame_D211()
    {
        using var dir = new TempDirectory();
        string[] where = ["--stream", "10007", "--shm-dir", dir.Path, "--namespace", "cj"];
        Task<(int Exit, string Out, string Err)> consume = Task.Run(() => Tp.Run(["consume", "--frames", "60", "--seconds", "120", "--json", .. where]));
        (int produced, _, string produceErr) = Tp.Run(["produce", "--frames", "60", "--rate", "100", "--shape", "8x8", "--dtype", "float32",
            "--wait-consumers", "1", .. where]);
        Assert.That(consume.Wait(Patience), Is.True, "tp consume did not end");
        (int exit, string output, string error) = consume.Result;

        Assert.That(produced, Is.Zero, produceErr);
        Assert.That(exit, Is.Zero, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement r = doc.RootElement;
        Assert.That(r.GetProperty("accepted").GetInt64() + r.GetProperty("dropsGap").GetInt64() + r.GetProperty("dropsLate").GetInt64() +
            r.GetProperty("dropsOther").GetInt64(), Is.EqualTo(60), r.ToString());
        Assert.That(r.GetProperty("verified").GetInt64(), Is.EqualTo(r.GetProperty("accepted").GetInt64()));
        Assert.That(r.GetProperty("corrupt").GetInt64(), Is.Zero);
        // From the first frame to the end of the run, which is no longer than the run: at least the run's average rate.
        double seconds = r.GetProperty("seconds").GetDouble();
        double fps = r.GetProperty("framesPerSecond").GetDouble();
        long accepted = r.GetProperty("accepted").GetInt64();
        Assert.That(fps, Is.GreaterThan(0).And.GreaterThanOrEqualTo(accepted / seconds * 0.99), r.ToString());
        Assert.That(r.GetProperty("bytesPerSecond").GetDouble(), Is.EqualTo(fps * 256).Within(1).Percent, "bytes and frames over the same span");
    }
}
