using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Language;

public class Qwen2ForCausalLMTests
{
    /// <summary>Random small decoder configs: 2–4 layers, tied or not, plus batch/length/seed.</summary>
    private static Arbitrary<(SmallCase Case, int Layers, bool Tied)> LmCases() =>
        (from c in LmTestData.Cases(maxLength: 7).Generator
         from layers in Gen.Choose(2, 4)
         from tied in Gen.Elements(true, false)
         select (c, layers, tied)).ToArbitrary();

    /// <summary><see cref="LmCases"/> for <c>[Property]</c> (replaying a failure: see <see cref="Arbitraries"/>).</summary>
    public static class DecoderCases
    {
        public static Arbitrary<(SmallCase Case, int Layers, bool Tied)> Case() => LmCases();
    }

    private static Qwen2ForCausalLM Lm(int hidden, int layers, bool tied, int seed)
    {
        var lm = new Qwen2ForCausalLM(LmTestData.Llm(hidden, layers, vocab: 61, tied: tied));
        LmTestData.Randomize(lm, seed, scale: 0.3);
        return lm;
    }

    [Fact]
    public void Keys_AreExactlyHuggingFaceQwen2ForCausalLMKeys()
    {
        using var tied = new Qwen2ForCausalLM(LmTestData.Llm(layers: 3, tied: true));
        using var untied = new Qwen2ForCausalLM(LmTestData.Llm(layers: 3, tied: false));
        var expected = new List<string> { "model.embed_tokens.weight", "model.norm.weight" };
        for (int i = 0; i < 3; i++)
        {
            expected.AddRange(LmTestData.Qwen2LayerKeys($"model.layers.{i}."));
        }

        Assert.Equal(LmTestData.Sorted(expected), LmTestData.Keys(tied));
        Assert.Equal(LmTestData.Sorted(expected.Append("lm_head.weight")), LmTestData.Keys(untied));
        Assert.True(tied.TiedEmbeddings);
        Assert.Equal(new long[] { 97, 32 }, untied.state_dict()["lm_head.weight"].shape);
    }

    [Property(MaxTest = 10, Arbitrary = new[] { typeof(DecoderCases) })]
    public void LogitsToKeep_ComputesTheHeadOnTheLastKPositionsOnly((SmallCase Case, int Layers, bool Tied) t)
    {
        var (c, layers, tied) = t;
        using var scope = torch.NewDisposeScope();
        using var lm = Lm(c.Hidden, layers, tied, c.Seed);
        var rng = new Random(c.Seed);
        var ids = LmTestData.Ids(rng, 61, c.Batch, c.Length);
        var all = lm.call(ids, new DecoderInputs(LogitsToKeep: 0));
        Assert.Equal(new long[] { c.Batch, c.Length, 61 }, all.shape);
        int keep = rng.Next(1, c.Length + 2);
        long k = Math.Min(keep, c.Length);
        using var flops = CrossLMM.Zoo.Engine.FlopCounter.Start(lm);
        var some = lm.call(ids, new DecoderInputs(LogitsToKeep: keep));
        flops.Stop();
        TensorAssert.AllClose(all.narrow(1, c.Length - k, k), some, rtol: 1e-5, atol: 1e-6);
        // The head's FLOPs: 2·B·k·H·V, charged to lm_head (untied) or to the model itself (tied F.linear).
        long head = tied ? flops.ByModule[""].Exclusive : flops.ByModule["lm_head"].Exclusive;
        Assert.Equal(2L * c.Batch * k * c.Hidden * 61, head);
    }

    [Fact]
    public void LogitsToKeep_Negative_IsRejectedWithItsValue()
    {
        using var lm2 = Lm(16, 2, true, 1);
        var e = Assert.Throws<ArgumentException>(() => lm2.call(torch.zeros(1, 3, ScalarType.Int64), new DecoderInputs(LogitsToKeep: -2)));
        Assert.Contains("inputs.LogitsToKeep (-2) must be ≥ 0", e.Message);
    }

    [Property(MaxTest = 12, Arbitrary = new[] { typeof(DecoderCases) })]
    public void Logits_AnySizes_HaveVocabWidth_AndNeverDependOnLaterTokens((SmallCase Case, int Layers, bool Tied) t)
    {
        var (c, layers, tied) = t;
        using var scope = torch.NewDisposeScope();
        using var lm = Lm(c.Hidden, layers, tied, c.Seed);
        var rng = new Random(c.Seed);
        var ids = LmTestData.Ids(rng, 61, c.Batch, c.Length);
        var logits = lm.call(ids, null);
        Assert.Equal(new long[] { c.Batch, c.Length, 61 }, logits.shape);
        int cut = rng.Next(0, c.Length);
        var other = ids.clone();
        other[TensorIndex.Colon, TensorIndex.Slice(cut)] = LmTestData.Ids(rng, 61, c.Batch, c.Length - cut);
        var logits2 = lm.call(other, null);
        Assert.True(TensorAssert.Identical(logits.narrow(1, 0, cut), logits2.narrow(1, 0, cut)));
    }

    [Property(MaxTest = 10, Arbitrary = new[] { typeof(DecoderCases) })]
    public void CachedIncrementalDecoding_EqualsFullForward((SmallCase Case, int Layers, bool Tied) t)
    {
        var (c, layers, tied) = t;
        using var scope = torch.NewDisposeScope();
        using var lm = Lm(c.Hidden, layers, tied, c.Seed);
        var rng = new Random(c.Seed);
        var ids = LmTestData.Ids(rng, 61, c.Batch, c.Length);
        var full = lm.call(ids, null);
        using var cache = new KvCache();
        int prefill = rng.Next(1, c.Length + 1);
        var parts = new List<Tensor> { lm.call(ids.narrow(1, 0, prefill), new DecoderInputs(Cache: cache)) };
        for (int p = prefill; p < c.Length; p++)
        {
            parts.Add(lm.call(ids.narrow(1, p, 1), new DecoderInputs(Cache: cache)));
        }

        Assert.Equal(c.Length, cache.Length);
        TensorAssert.AllClose(full, torch.cat(parts, 1), rtol: 1e-4, atol: 1e-4);
    }

    [Fact]
    public void LeftPaddedRow_EqualsTheUnpaddedSequence_AlsoWhenDecoding()
    {
        using var scope = torch.NewDisposeScope();
        using var lm = Lm(32, 2, tied: false, seed: 5);
        var rng = new Random(5);
        var ids = LmTestData.Ids(rng, 61, 1, 4);
        var alone = lm.call(ids, null);
        var padded = torch.cat(new[] { LmTestData.Ids(rng, 61, 1, 3), ids }, 1);   // 3 pad tokens on the left
        var batch = torch.cat(new[] { padded, LmTestData.Ids(rng, 61, 1, 7) }, 0);
        var mask = torch.ones(2, 7, ScalarType.Bool);
        mask[0, TensorIndex.Slice(0, 3)] = torch.tensor(false);
        var logits = lm.call(batch, new DecoderInputs(mask));
        TensorAssert.AllClose(alone, logits.narrow(0, 0, 1).narrow(1, 3, 4), rtol: 1e-4, atol: 1e-5);

        var next = LmTestData.Ids(rng, 61, 2, 1);
        var aloneNext = lm.call(torch.cat(new[] { ids, next.narrow(0, 0, 1) }, 1), null).narrow(1, 4, 1);
        using var cache = new KvCache();
        lm.call(batch, new DecoderInputs(mask, cache));
        var stepped = lm.call(next, new DecoderInputs(Cache: cache));
        TensorAssert.AllClose(aloneNext, stepped.narrow(0, 0, 1), rtol: 1e-4, atol: 1e-5);
    }

    [Fact]
    public void Generate_GreedyOverCache_EqualsArgmaxOfFullForwards()
    {
        using var scope = torch.NewDisposeScope();
        using var lm = Lm(32, 3, tied: true, seed: 8);
        var ids = LmTestData.Ids(new Random(8), 61, 2, 5);
        var generated = lm.Generate(ids, 6);
        Assert.Equal(new long[] { 2, 6 }, generated.shape);
        var sequence = ids;
        for (int i = 0; i < 6; i++)
        {
            var next = lm.call(sequence, null).select(1, sequence.shape[1] - 1).argmax(-1, keepdim: true);
            sequence = torch.cat(new[] { sequence, next }, 1);
        }

        Assert.True(TensorAssert.Identical(sequence.narrow(1, 5, 6), generated));
    }

    [Fact]
    public void Generate_StopsWhenEveryRowHasEmittedEos()
    {
        using var scope = torch.NewDisposeScope();
        using var lm = Lm(16, 2, tied: true, seed: 9);
        var ids = LmTestData.Ids(new Random(9), 61, 1, 3);
        var first = lm.Generate(ids, 1);
        long eos = first.item<long>();
        var generated = lm.Generate(ids, 5, eosTokenId: eos);
        Assert.Equal(new long[] { 1, 1 }, generated.shape);
        Assert.Equal(eos, generated.item<long>());

        // Two rows: row 0 emits eos first and is held at eos; row 1 decodes as without eos until it emits eos too.
        var rows = LmTestData.Ids(new Random(10), 61, 2, 3);
        var plain = lm.Generate(rows, 5);
        long rowEos = plain[0, 0].item<long>();
        var stopped = lm.Generate(rows, 5, eosTokenId: rowEos);
        var row1 = plain[1].data<long>().ToArray();
        int firstEos = Array.IndexOf(row1, rowEos);
        long expectedLength = firstEos < 0 ? 5 : firstEos + 1;
        Assert.Equal(new long[] { 2, expectedLength }, stopped.shape);
        Assert.True(TensorAssert.Identical(torch.full(expectedLength, rowEos, ScalarType.Int64), stopped[0]));
        Assert.True(TensorAssert.Identical(plain[1].narrow(0, 0, expectedLength), stopped[1]));

        // An eos that is never emitted changes nothing.
        Assert.True(TensorAssert.Identical(plain, lm.Generate(rows, 5, eosTokenId: -1)));
    }
}
