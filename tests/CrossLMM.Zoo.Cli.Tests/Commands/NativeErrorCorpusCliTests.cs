using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Spec.Tests;
using CrossLMM.Zoo.Tools.Catalog;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

/// <summary>
/// The CLI's part of the "never a crashed process" corpus (the blocks' part is in the modules tests): checkpoints
/// whose tensors do not fit the model and odd arguments to <c>zoo run</c>, each refused with a one-line error that
/// names the shapes — in-process, so a libtorch abort would end the test run — and a correct run right after.
/// </summary>
public class NativeErrorCorpusCliTests
{
    private const string KeyProjection = "language_model.model.layers.0.self_attn.k_proj.weight";   // (16, 32): not square
    private const string Embedding = "language_model.model.embed_tokens.weight";

    /// <summary>One case: the arguments (given a scratch folder), the exit code and the substrings of the error line.</summary>
    /// <param name="Args">Builds the arguments; may write files into the folder.</param>
    /// <param name="Code">Expected exit code (2: bad argument, 1: refused input).</param>
    /// <param name="Quotes">Substrings of the one-line error, given the state dict of the seed-0 tiny pool-only model.</param>
    public sealed record Case(Func<TempDir, string[]> Args, int Code, Func<IReadOnlyDictionary<string, long[]>, string[]> Quotes);

    private static readonly Dictionary<string, Case> Corpus = new(StringComparer.Ordinal)
    {
        ["Run_WeightsWithATransposedMatrix"] = new(
            dir => RunWith(dir, state => state[KeyProjection] = state[KeyProjection].t().contiguous()),
            1,
            shapes => new[] { KeyProjection, $"the checkpoint has {Format(shapes[KeyProjection].Reverse().ToArray())}", $"the model expects {Format(shapes[KeyProjection])}" }),
        ["Run_WeightsWithARowWhereAMatrixBelongs"] = new(
            dir => RunWith(dir, state => state[KeyProjection] = state[KeyProjection][0].clone()),
            1,
            shapes => new[] { KeyProjection, $"the checkpoint has {Format(shapes[KeyProjection][1..])}", $"the model expects {Format(shapes[KeyProjection])}" }),
        ["Run_WeightsWithALargerVocabulary"] = new(
            dir => RunWith(dir, state => state[Embedding] = torch.zeros(ShapesOf(state)[Embedding][0] + 3, ShapesOf(state)[Embedding][1])),
            1,
            shapes => new[] { Embedding, $"the checkpoint has {Format(new[] { shapes[Embedding][0] + 3, shapes[Embedding][1] })}", $"the model expects {Format(shapes[Embedding])}" }),
        ["Run_WeightsWithIntegerValues"] = new(
            dir => RunWith(dir, state => state[KeyProjection] = state[KeyProjection].to(torch.ScalarType.Int64)),
            1,
            shapes => new[] { KeyProjection, $"the checkpoint has Int64 {Format(shapes[KeyProjection])}", $"the model expects Float32 {Format(shapes[KeyProjection])}" }),
        ["Run_ZeroFrames"] = new(_ => new[] { "run", "pool-only", "--frames", "0" }, 2, _ => new[] { "--frames '0' is not a positive frame count" }),
        ["Run_FramesNotANumber"] = new(_ => new[] { "run", "pool-only", "--frames", "8x" }, 2, _ => new[] { "--frames '8x' is not a positive frame count" }),
    };

    /// <summary>The case names, for the theory.</summary>
    public static TheoryData<string> Names => new(Corpus.Keys.OrderBy(k => k, StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Names))]
    public void Misuse_OfZooRun_IsAOneLineErrorNamingTheShapes_AndTheNextRunWorks(string name)
    {
        var c = Corpus[name];
        using var dir = new TempDir();
        var r = ZooCommand.Run(c.Args(dir));
        IReadOnlyDictionary<string, long[]> shapes;
        using (var model = ZooCatalog.Build(Zoo.Config("pool-only", "tiny"), seed: 0))
        {
            shapes = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        }

        string line = r.AssertOneLineError(c.Code, "zoo run: error: ");
        foreach (var quote in c.Quotes(shapes))
        {
            Assert.Contains(quote, line, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("ExternalException", line, StringComparison.Ordinal);
        var next = ZooCommand.Run("run", "pool-only", "--frames", "2", "--top", "3");
        Assert.Equal(0, next.Code);
        Assert.Contains("tokens: LLM stream", next.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RefusedCheckpoint_LoadsNothing()
    {
        // The shapes are checked before any tensor is copied: a refused file leaves no half-loaded model behind, and
        // the loader names every key that does not fit (here two, reported in key order).
        using var dir = new TempDir();
        var args = RunWith(dir, state =>
        {
            state[KeyProjection] = state[KeyProjection].t().contiguous();
            state[Embedding] = state[Embedding][0].clone();
        });
        var r = ZooCommand.Run(args);
        string line = r.AssertOneLineError(1, "2 tensors of another shape or dtype; nothing was loaded");
        Assert.True(line.IndexOf(Embedding, StringComparison.Ordinal) < line.IndexOf(KeyProjection, StringComparison.Ordinal));
    }

    [Fact]
    public void ZooBuildFile_FramesOfAnotherSize_NamedShapeError_ThenTheSameModelRuns()
    {
        // A model built at run time from a spec file (Zoo.BuildFile) is checked like a hand-built one: tiny crosslmm
        // takes 32×32 frames.
        using var scope = torch.NewDisposeScope();
        using VideoLmm model = Zoo.BuildFile(Repo.PathOf("architectures/crosslmm.yaml"), "tiny");
        var ids = torch.full(new long[] { 1, 4 }, 7L, torch.ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => model.call(new VideoLmmInput(torch.randn(new long[] { 1, 2, 3, 16, 16 }), ids), null));
        Assert.Contains("[1, 2, 3, 16, 16]", e.Message, StringComparison.Ordinal);
        using var output = model.call(new VideoLmmInput(torch.randn(new long[] { 1, 2, 3, 32, 32 }), ids), null);
        Assert.Equal(new long[] { 1, 2 * 9 + 4, 512 }, output.Logits.shape);
    }

    [Fact]
    public void TypedModel_GenerateFromIdsPastTheVocabulary_NamedShapeError_ThenTheSameModelGenerates()
    {
        // The generated typed class (CrossLmm.Create) is a VideoLmm: its Generate checks the prompt like the base.
        using var scope = torch.NewDisposeScope();
        using var model = CrossLmm.Create("tiny");
        var video = torch.randn(new long[] { 1, 2, 3, 32, 32 });
        var bad = torch.tensor(new long[] { 1, 512, 3 }, new long[] { 1, 3 });
        var e = Assert.Throws<ArgumentException>(() => model.Generate(new VideoLmmInput(video, bad), 2));
        Assert.Contains("inputIds [1, 3] hold token ids in [1, 512], outside the vocabulary [0, 512)", e.Message, StringComparison.Ordinal);
        var good = torch.tensor(new long[] { 1, 511, 3 }, new long[] { 1, 3 });
        Assert.Equal(new long[] { 1, 2 }, model.Generate(new VideoLmmInput(video, good), 2).shape);
    }

    // Saves the seed-0 tiny pool-only model's state, edited, and returns the arguments of a run that loads it.
    private static string[] RunWith(TempDir dir, Action<Dictionary<string, torch.Tensor>> edit)
    {
        string path = dir.File("edited.safetensors");
        using (var model = ZooCatalog.Build(Zoo.Config("pool-only", "tiny"), seed: 0))
        {
            var state = new Dictionary<string, torch.Tensor>(model.state_dict());
            edit(state);
            Safetensors.Save(path, state);
        }

        return new[] { "run", "pool-only", "--frames", "2", "--weights", path };
    }

    private static Dictionary<string, long[]> ShapesOf(Dictionary<string, torch.Tensor> state) => state.ToDictionary(kv => kv.Key, kv => kv.Value.shape);

    private static string Format(long[] shape) => "(" + string.Join(", ", shape) + ")";
}
