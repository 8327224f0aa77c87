using CrossLMM.Zoo.Spec.Tests;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Tools.Training;
using CrossLMM.Zoo.Tools.Training.Experiments;

namespace CrossLMM.Zoo.Cli.Tests.Training;

public sealed class TrainCommandTests
{
    [Fact]
    public void Train_InvalidRecipe_PrintsEveryDiagnosticWithLocation()
    {
        using var dir = new TempDir();
        string path = dir.Write("bad.yaml", TinyRecipes.Text().Replace("  steps:", "  stesp:").Replace("crosslmm-1tok", "crosslmm-1tk"));
        var r = ZooCommand.Run("train", path, "--output-dir", dir.File("run"));
        Assert.Equal(1, r.Code);
        var lines = r.Err.Trim().Split('\n');
        Assert.Contains(lines, l => l.StartsWith($"{path}(2,17): error CLMZ0004: unknown architecture 'crosslmm-1tk'") && l.Contains("did you mean 'crosslmm-1tok'?"));
        Assert.Contains(lines, l => l.StartsWith($"{path}(20,3): error CLMZ0002: unknown key 'stesp'") && l.Contains("did you mean 'steps'?"));
        Assert.False(Directory.Exists(dir.File("run")));
    }

    [Fact]
    public void Train_ThenStopResumeAndEval_Work()
    {
        using var dir = new TempDir();
        string recipe = dir.Write("r.yaml", TinyRecipes.Text(steps: 4, checkpointEvery: 2));
        string run = dir.File("run");
        var first = ZooCommand.Run("train", recipe, "--output-dir", run, "--stop-after", "2");
        Assert.Equal(0, first.Code);
        Assert.Contains("step 1/4 loss", first.Err);
        Assert.Contains("--resume", first.Out);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, TrainingMetrics.StepsFile)).Length);

        var again = ZooCommand.Run("train", recipe, "--output-dir", run);
        again.AssertOneLineError(1, "already holds checkpoints of a run; continue it with --resume");

        var resumed = ZooCommand.Run("train", recipe, "--resume", run);
        Assert.Equal(0, resumed.Code);
        Assert.Contains("step 4/4 loss", resumed.Err);
        Assert.Contains("test after step 4", resumed.Err);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(run, TrainingMetrics.StepsFile)).Length);

        var eval = ZooCommand.Run("eval", recipe, "--checkpoint", run, "--format", "json");
        Assert.Equal(0, eval.Code);
        var json = System.Text.Json.JsonDocument.Parse(eval.Out).RootElement;
        Assert.Equal("test", json.GetProperty("split").GetString());
        Assert.Equal(4, json.GetProperty("step").GetInt32());
        Assert.Equal(32, json.GetProperty("count").GetInt32());
        var log = File.ReadAllLines(Path.Combine(run, TrainingMetrics.EvaluationsFile)).Last();
        Assert.Equal(System.Text.Json.JsonDocument.Parse(log).RootElement.GetProperty("accuracy").GetDouble(), json.GetProperty("accuracy").GetDouble(), 6);

        var text = ZooCommand.Run("eval", recipe, "--checkpoint", run, "--split", "validation");
        Assert.Contains("after 4 steps, validation split: loss", text.Out);
    }

    [Fact]
    public void Eval_MissingCheckpoint_IsOneLineError() =>
        ZooCommand.Run("eval", Repo.PathOf("recipes/marker-tiny.yaml"), "--checkpoint", "/nonexistent/run").AssertOneLineError(1, "checkpoint folder not found: '/nonexistent/run'");

    [Fact]
    public void TrainSweep_Smoke_WritesRunsTableAndChart()
    {
        using var dir = new TempDir();
        string recipe = dir.Write("r.yaml", TinyRecipes.Text(steps: 2, evalEvery: 0));
        string output = dir.File("sweep");
        var r = ZooCommand.Run("train-sweep", recipe, "--architectures", $"{Repo.PathOf("recipes/architectures/pool-only-1tok.yaml")},crosslmm-1tok",
            "--lrs", "0.001,0.01", "--pick", "1", "--seeds", "1,2", "--output-dir", output);
        Assert.Equal(0, r.Code);
        var runs = File.ReadAllLines(Path.Combine(output, TradeoffSweep.RunsFile));
        Assert.Equal(2 * (2 + 2), runs.Length);
        Assert.Equal(4, runs.Count(l => l.Contains("\"phase\":\"lr-sweep\"") && l.Contains("\"test_accuracy\":null")));
        string table = File.ReadAllText(Path.Combine(output, "table.md"));
        Assert.Contains("| pool-only-1tok |", table);
        Assert.Contains("| crosslmm-1tok |", table);
        Assert.Contains(" ± ", table);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(output, "tradeoff.svg")));
        Assert.Equal(table, CrossLMM.Zoo.Tools.Tables.TableWriters.Markdown(TradeoffSweep.Load(output, pick: 1).Table()));

        var rerun = ZooCommand.Run("train-sweep", recipe, "--architectures", $"{Repo.PathOf("recipes/architectures/pool-only-1tok.yaml")},crosslmm-1tok",
            "--lrs", "0.001,0.01", "--pick", "1", "--seeds", "1,2", "--output-dir", output);
        Assert.Equal(0, rerun.Code);
        Assert.Equal(runs, File.ReadAllLines(Path.Combine(output, TradeoffSweep.RunsFile)));   // finished runs are not repeated
    }

    [Fact]
    public void TrainSweep_SweepSeedAmongFinalSeeds_IsRefused()
    {
        var r = ZooCommand.Run("train-sweep", Repo.PathOf("recipes/marker-tiny.yaml"), "--architectures", "crosslmm-1tok", "--seeds", "1,2", "--sweep-seed", "2");
        r.AssertOneLineError(1, "the sweep seed (2) must differ from the final seeds");
    }
}
