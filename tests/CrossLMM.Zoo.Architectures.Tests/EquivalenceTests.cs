using CrossLMM.Testing;
using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Spec.Tests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Architectures.Tests;

/// <summary>
/// Generated module ≡ runtime-built module ≡ hand-assembled module, for every architecture of the zoo at the
/// tiny preset (design §6). For random seeds and input sizes the three are built under the same
/// <c>manual_seed</c> — the typed class (<c>Zoo.Create</c> → e.g. <c>new CrossLmm(config)</c>), the runtime
/// builder from the YAML file's text (<c>Zoo.Build</c>), and <c>VideoLmmBuilder.Build</c> of the catalogue's
/// config — and must have the same parameter and buffer names in the same order, the same shapes and
/// exactly equal values; with every gate opened the same way (which must change the logits of a model with
/// fusion, or the fusion blocks would not be compared), they must give exactly equal logits and the same
/// token counts for the same input. 6 cases, each run on every architecture, about 5 s for the zoo.
/// </summary>
public class EquivalenceTests
{
    /// <summary>A random case: the seed the three models are built under, and the input's sizes.</summary>
    public sealed record Case(int Seed, int Batch, int Frames, int Text)
    {
        public override string ToString() => $"seed {Seed}, B={Batch}, T={Frames}, L={Text}";
    }

    /// <summary>
    /// The generator of <see cref="Case"/>s. Like the <c>Prop.ForAll</c> it replaces, it has no shrinker (a
    /// failure reports the original case, which carries its seed). Seeds are random; to replay a failure, put the
    /// seed pair of its message, <c>Falsifiable, after N tests (k shrinks) (SEED,GAMMA)</c>, into the attribute
    /// as <c>Replay = "SEED,GAMMA"</c>, or the triple of its line <c>Replay directly at failing step with
    /// (A,B,S)</c> as <c>Replay = "A,B,S"</c> to start at the failing case; remove it again before committing.
    /// </summary>
    public static class Cases
    {
        public static Arbitrary<Case> Generate() => Arb.From(
            from seed in Gen.Choose(0, 1_000_000)
            from batch in Gen.Choose(1, 2)
            from frames in Gen.Choose(1, 4)
            from text in Gen.Choose(1, 5)
            select new Case(seed, batch, frames, text));
    }

    public static TheoryData<string> Architectures() => new(Zoo.Architectures.Select(a => a.Stem));

    [Theory]
    [MemberData(nameof(Architectures))]
    public void YamlFile_BindsToTheCataloguesConfig(string stem)
    {
        var info = Zoo.Get(stem);
        string yaml = Repo.Read(info.SourceFile);   // the file itself, not the copy compiled into the catalogue
        Assert.Equal(info.Config("tiny"), Zoo.Bind(yaml, "tiny", info.SourceFile));
    }

    /// <summary>
    /// A <c>[Property]</c> cannot also be a theory, so every architecture runs inside each case (6 cases, as
    /// before per architecture); a failure names the architecture.
    /// </summary>
    [Property(MaxTest = 6, Arbitrary = new[] { typeof(Cases) })]
    public void GeneratedModule_EqualsRuntimeBuilt_EqualsHandAssembled(Case c)
    {
        foreach (var info in Zoo.Architectures)
        {
            try
            {
                AssertEquivalent(info.Stem, c);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{info.Stem}: {e.Message}", e);
            }
        }
    }

    private static void AssertEquivalent(string stem, Case c)
    {
        var info = Zoo.Get(stem);
        string yaml = Repo.Read(info.SourceFile);
        var config = info.Config("tiny");
        using var scope = torch.NewDisposeScope();
        using var generated = Built(c.Seed, () => Zoo.Create(stem, "tiny"));
        using var runtime = Built(c.Seed, () => Zoo.Build(yaml, "tiny", info.SourceFile));
        using var hand = Built(c.Seed, () => VideoLmmBuilder.Build(config));
        Assert.Equal(info.Name, generated.GetType().Name);
        Assert.Equal(typeof(VideoLmm), runtime.GetType());

        AssertSameState(generated, runtime, "runtime");
        AssertSameState(generated, hand, "hand-assembled");

        // Open every gate the same way (they start at 0, which would hide the fusion blocks), then run.
        var input = Input(config, c);
        generated.eval();
        using var closed = generated.call(input, null);
        foreach (var model in new[] { generated, runtime, hand })
        {
            OpenGates(model);
            model.eval();
        }

        using var expected = generated.call(input, null);
        Assert.True(config.Fusion.IsEmpty || !TensorAssert.Identical(closed.Logits, expected.Logits), $"{stem}, {c}: opening the gates changed nothing, so the fusion blocks were not compared");
        using var fromRuntime = runtime.call(input, null);
        using var fromHand = hand.call(input, null);
        Assert.True(TensorAssert.Identical(expected.Logits, fromRuntime.Logits), $"{stem}, {c}: logits of the generated and the runtime-built module differ");
        Assert.True(TensorAssert.Identical(expected.Logits, fromHand.Logits), $"{stem}, {c}: logits of the generated and the hand-assembled module differ");
        Assert.Equal(Counts(expected.Counts), Counts(fromRuntime.Counts));
        Assert.Equal(Counts(expected.Counts), Counts(fromHand.Counts));
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentParameters_SoTheEqualityAboveIsNotVacuous()
    {
        using var a = Built(1, () => Zoo.Create("crosslmm", "tiny"));
        using var b = Built(2, () => Zoo.Create("crosslmm", "tiny"));
        var pa = a.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var pb = b.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Assert.False(TensorAssert.Identical(pa["vision_tower.embeddings.patch_embedding.weight"], pb["vision_tower.embeddings.patch_embedding.weight"]));
        Assert.False(TensorAssert.Identical(pa["language_model.model.layers.3.cross_attn.v2v.q_proj.weight"], pb["language_model.model.layers.3.cross_attn.v2v.q_proj.weight"]));
    }

    private static VideoLmm Built(int seed, Func<VideoLmm> build)
    {
        torch.manual_seed(seed);
        return build();
    }

    private static void AssertSameState(VideoLmm expected, VideoLmm actual, string what)
    {
        var e = expected.named_parameters().ToArray();
        var a = actual.named_parameters().ToArray();
        Assert.Equal(e.Select(p => p.name), a.Select(p => p.name));
        for (int i = 0; i < e.Length; i++)
        {
            Assert.Equal(e[i].parameter.shape, a[i].parameter.shape);
            Assert.True(TensorAssert.Identical(e[i].parameter, a[i].parameter), $"{what}: parameter {e[i].name} differs");
        }

        var eb = expected.named_buffers().ToArray();
        var ab = actual.named_buffers().ToArray();
        Assert.Equal(eb.Select(b => b.name), ab.Select(b => b.name));
        for (int i = 0; i < eb.Length; i++)
        {
            Assert.True(TensorAssert.Identical(eb[i].buffer, ab[i].buffer), $"{what}: buffer {eb[i].name} differs");
        }

        Assert.Equal(expected.named_modules().Select(m => m.name), actual.named_modules().Select(m => m.name));
    }

    private static void OpenGates(VideoLmm model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("alpha", StringComparison.Ordinal) || name.EndsWith("beta", StringComparison.Ordinal))
            {
                p.fill_(0.5);
            }
        }
    }

    private static VideoLmmInput Input(ArchitectureConfig config, Case c)
    {
        torch.manual_seed(c.Seed + 1);
        var video = config.Vision.Kind == VisionKind.Vit
            ? torch.randn(new long[] { c.Batch, c.Frames, config.Vision.Channels, config.Vision.Image, config.Vision.Image })
            : torch.randn(new long[] { c.Batch, c.Frames, config.EncoderTokensPerFrame, config.Vision.Hidden });
        var ids = torch.randint(0, config.Llm.Vocab, new long[] { c.Batch, c.Text });
        return new VideoLmmInput(video, ids);
    }

    private static string Counts(VideoTokenCounts counts) =>
        $"{counts.VisualTokensInStream}/{counts.TextTokens}/{counts.TotalSequence}/" +
        string.Join(",", counts.SourceTokens.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
}
