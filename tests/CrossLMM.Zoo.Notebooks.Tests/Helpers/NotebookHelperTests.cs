using System;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Notebooks.Attention;
using CrossLMM.Zoo.Notebooks.Charts;
using CrossLMM.Zoo.Notebooks.Tasks;
using CrossLMM.Zoo.Notebooks.Training;
using Xunit;

namespace CrossLMM.Zoo.Notebooks.Tests.Helpers;

/// <summary>The helpers the notebooks rely on do what the notebooks say they do.</summary>
public sealed class NotebookHelperTests
{
    private static readonly ArchitectureConfig OneToken = Zoo.Config("crosslmm-1tok", "tiny");

    [Fact]
    public void MarkerTask_PutsOneSaturatedBlockWhereItSays()
    {
        var task = new MarkerVideoTask(OneToken, frames: 4, block: 8, colours: 4, clutter: 0.3);
        using var batch = task.Sample(16, new Random(5));
        var pixels = batch.Input.Video.data<float>().ToArray();   // [B, T, 3, 32, 32]
        var answers = batch.Answers.data<long>().ToArray();
        int side = task.Image, plane = side * side;
        for (int b = 0; b < batch.Size; b++)
        {
            int t = batch.MarkerFrames[b], patch = batch.MarkerPatches[b];
            int y = patch / task.PatchGrid * task.Patch, x = patch % task.PatchGrid * task.Patch;
            long frame = ((long)b * task.Frames + t) * 3 * plane;
            var colour = Enumerable.Range(0, 3).Select(c => pixels[frame + c * plane + y * side + x]).ToArray();
            Assert.All(colour, v => Assert.Equal(1f, Math.Abs(v)));
            Assert.InRange(answers[b], 0, task.Colours - 1);
        }

        using var again = task.Sample(16, new Random(5));
        Assert.Equal(pixels, again.Input.Video.data<float>().ToArray());
        Assert.Equal(new long[] { 1, 2, 3, 4 }, task.Question);
        Assert.Equal(new long[] { 5, 6, 7, 8 }, task.AnswerTokens);
    }

    [Fact]
    public void MarkerTask_RejectsSizesThatDoNotFit()
    {
        Assert.Throws<ArgumentException>(() => new MarkerVideoTask(OneToken, block: 3));
        Assert.Throws<ArgumentException>(() => new MarkerVideoTask(OneToken, colours: 7));
        Assert.Throws<ArgumentException>(() => new MarkerVideoTask(Zoo.Config("crosslmm", "tiny") with { Vision = OneToken.Vision with { Kind = VisionKind.Precomputed } }));
    }

    [Theory]
    [InlineData("global")]
    [InlineData("frame")]
    public void AttentionProbe_ReproducesTheBlocksAttention(string scope)
    {
        string yaml = $"name: Probe\nvision: {{ kind: vit }}\ncompressor: {{ kind: pool2d, grid: 2 }}\nprojector: {{ kind: mlp }}\nllm: {{ kind: qwen2 }}\n" +
                      $"fusion:\n  - {{ kind: dual_cross_attention, every: 2, scope: {scope} }}\n";
        var config = Zoo.Bind(yaml, "tiny");
        torch.manual_seed(3);
        using var model = Zoo.Build(yaml, "tiny");
        model.eval();
        var task = new MarkerVideoTask(config, frames: 3, block: 8);
        using var batch = task.Sample(2, new Random(1));
        using var probe = AttentionProbe.Attach(model, config);
        using (torch.no_grad())
        using (model.call(batch.Input, null))
        {
        }

        var maps = probe.Maps;
        Assert.Equal(new[] { (1, CrossAttentionBranch.V2V), (1, CrossAttentionBranch.T2V), (3, CrossAttentionBranch.V2V), (3, CrossAttentionBranch.T2V) }, maps.Select(m => (m.Layer, m.Branch)));
        foreach (var map in maps)
        {
            Assert.True(map.CheckAgainstBlock(1e-5) <= 1e-5);
            Assert.Equal(new[] { 2, 4, map.Branch == CrossAttentionBranch.V2V ? 3 * 4 : 4, 3 * 16 }, map.Shape);
            for (int q = 0; q < map.Queries; q++)
            {
                var perFrame = map.PerFrame(1, q);
                Assert.Equal(1.0, perFrame.Sum(), 5);
                if (scope == "frame" && map.Branch == CrossAttentionBranch.V2V)
                {
                    int own = q / 4;   // 4 pooled tokens per frame
                    Assert.Equal(1.0, perFrame[own], 5);
                }
            }
        }
    }

    [Fact]
    public void AttentionProbe_NeedsADcal()
    {
        using var model = Zoo.Create("pool-only", "tiny");
        Assert.Throws<ArgumentException>(() => AttentionProbe.Attach(model, Zoo.Config("pool-only", "tiny")));
    }

    [Fact]
    public void RunAll_GivesTheSameRunsAsRunningThemOneByOne()
    {
        var task = new MarkerVideoTask(OneToken, frames: 2, block: 8);
        var options = new TrainingOptions(Steps: 6, Batch: 4, EvalEvery: 3, EvalSamples: 8);
        var jobs = new[] { 1, 2 }.Select(seed => new TrainingJob($"s{seed}", seed, () => VideoLmmBuilder.Build(OneToken), task, options with { Seed = seed })).ToArray();

        var together = TinyTrainer.RunAll(jobs, parallelism: 2);
        var alone = jobs.Select(job =>
        {
            torch.manual_seed(job.Seed);
            using var model = job.Build();
            return TinyTrainer.Run(model, job.Task, job.Options, job.Name);
        }).ToArray();

        for (int i = 0; i < jobs.Length; i++)
        {
            Assert.Equal(alone[i].Steps, together[i].Steps);
            Assert.Equal(alone[i].Evaluations, together[i].Evaluations);
            Assert.Equal(new[] { 0, 3, 6 }, together[i].Evaluations.Select(e => e.Step));
        }

        Assert.NotEqual(together[0].Steps, together[1].Steps);
    }

    [Fact]
    public void Gates_ReportTanhOfEveryGateAndStartAtZero()
    {
        using var model = Zoo.Create("crosslmm-1tok", "tiny");
        var gates = TinyTrainer.Gates(model);

        Assert.Equal(new[] { "v2v_gate", "t2v_gate", "mlp_gate" }, gates.Keys.Select(k => k.Split('.')[^2]));
        Assert.All(gates.Values, g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void AttentionCharts_AreWellFormedSvg()
    {
        var map = new float[3, 16];
        map[2, 5] = 1f;
        string frames = AttentionCharts.Frames(map, "title", "subtitle", (2, 5), scaleMax: 0.5);
        string matrix = AttentionCharts.Matrix(new float[2, 8], "title", "subtitle", q => $"q{q}", 4);

        foreach (string svg in new[] { frames, matrix })
        {
            var doc = System.Xml.Linq.XDocument.Parse(svg);
            Assert.Equal("svg", doc.Root!.Name.LocalName);
        }

        Assert.Contains("class=\"highlight\"", frames);
        Assert.Contains("0.5 and above", frames);
        Assert.Throws<ArgumentException>(() => AttentionCharts.Frames(new float[1, 15], "t"));
    }

    [Fact]
    public void QuickSwitch_ReadsTheEnvironment()
    {
        string? before = Environment.GetEnvironmentVariable(NotebookEnvironment.QuickVariable);
        try
        {
            Environment.SetEnvironmentVariable(NotebookEnvironment.QuickVariable, "1");
            Assert.Equal(15, NotebookEnvironment.Choose(300, 15));
            Environment.SetEnvironmentVariable(NotebookEnvironment.QuickVariable, null);
            Assert.Equal(300, NotebookEnvironment.Choose(300, 15));
        }
        finally
        {
            Environment.SetEnvironmentVariable(NotebookEnvironment.QuickVariable, before);
        }
    }
}
