using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Support;

/// <summary>
/// Deterministic test data for the language-side blocks: weights and inputs come from a seeded
/// <see cref="System.Random"/>, never from libtorch's global generator, so tests running in parallel cannot
/// disturb each other's values and pinned numbers stay valid across engine changes.
/// </summary>
public static class LmTestData
{
    /// <summary>Standard normal values (Box–Muller) scaled by <paramref name="scale"/>, as a float32 tensor.</summary>
    public static Tensor Randn(Random rng, double scale, params long[] shape)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        for (long i = 0; i < n; i++)
        {
            double u1 = 1.0 - rng.NextDouble();
            double u2 = rng.NextDouble();
            values[i] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return torch.tensor(values, shape);
    }

    /// <summary>Random token ids in [0, vocab).</summary>
    public static Tensor Ids(Random rng, long vocab, long batch, long length)
    {
        var values = new long[batch * length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = rng.NextInt64(vocab);
        }

        return torch.tensor(values, new[] { batch, length });
    }

    /// <summary>
    /// Overwrites every parameter with seeded values: norm weights 1 ± noise, other weights N(0, scale²);
    /// gate parameters (<c>alpha</c>, <c>beta</c>) are left alone unless <paramref name="gates"/> is given.
    /// </summary>
    public static void Randomize(nn.Module module, int seed, double scale = 0.2, double? gates = null)
    {
        var rng = new Random(seed);
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in module.named_parameters().OrderBy(x => x.name, StringComparer.Ordinal))
        {
            bool isGate = name.EndsWith("alpha", StringComparison.Ordinal) || name.EndsWith("beta", StringComparison.Ordinal);
            if (isGate)
            {
                if (gates is double g)
                {
                    p.fill_(g);
                }

                continue;
            }

            using var values = Randn(rng, scale, p.shape);
            bool isNorm = name.EndsWith("norm.weight", StringComparison.Ordinal) || name.EndsWith("layernorm.weight", StringComparison.Ordinal);
            if (isNorm)
            {
                using var shifted = values.mul(0.5).add(1.0);
                p.copy_(shifted);
            }
            else
            {
                p.copy_(values);
            }
        }
    }

    /// <summary>Sets every gate parameter (<c>alpha</c>, <c>beta</c>) to <paramref name="value"/>.</summary>
    public static void SetGates(nn.Module module, double value)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in module.named_parameters())
        {
            if (name.EndsWith("alpha", StringComparison.Ordinal) || name.EndsWith("beta", StringComparison.Ordinal))
            {
                p.fill_(value);
            }
        }
    }

    /// <summary>Asserts |expected − actual| ≤ tol·(1 + |expected|).</summary>
    public static void Close(double expected, double actual, double tol)
    {
        double bound = tol * (1 + Math.Abs(expected));
        if (!(Math.Abs(expected - actual) <= bound))
        {
            throw new Xunit.Sdk.XunitException($"expected {expected:R}, got {actual:R} (|diff| {Math.Abs(expected - actual):R} > {bound:R})");
        }
    }

    /// <summary>The parameter and buffer keys of a module, sorted.</summary>
    public static string[] Keys(nn.Module module) => module.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary>Sorted copy of expected keys, for <c>Assert.Equal</c> against <see cref="Keys"/>.</summary>
    public static string[] Sorted(IEnumerable<string> keys) => keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary>HF's keys of one Qwen2 decoder layer under <paramref name="prefix"/>.</summary>
    public static IEnumerable<string> Qwen2LayerKeys(string prefix = "") => new[]
    {
        "input_layernorm.weight",
        "self_attn.q_proj.weight", "self_attn.q_proj.bias",
        "self_attn.k_proj.weight", "self_attn.k_proj.bias",
        "self_attn.v_proj.weight", "self_attn.v_proj.bias",
        "self_attn.o_proj.weight",
        "post_attention_layernorm.weight",
        "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight",
    }.Select(k => prefix + k);

    /// <summary>Copies the values of every key both modules share from <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static void CopyShared(nn.Module from, nn.Module to)
    {
        var source = from.state_dict();
        var own = to.state_dict();
        var shared = source.Where(kv => own.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        to.load_state_dict(shared, strict: false);
    }

    /// <summary>A tiny Qwen2 config (hidden, 4 heads, 2 KV heads).</summary>
    public static CrossLMM.Zoo.Configs.LanguageModelConfig Llm(int hidden = 32, int layers = 2, int vocab = 97, bool tied = true, int heads = 4, int kvHeads = 2) =>
        new(CrossLMM.Zoo.Configs.LanguageModelKind.Qwen2, hidden, layers, heads, kvHeads, Mlp: 2 * hidden, vocab, RopeTheta: 10000, NormEps: 1e-6, tied, MaxPositions: 4096);

    /// <summary>Random small sizes for properties: batch 1–3, length 1–8, hidden ∈ {16, 32, 48, 64}, a seed.</summary>
    public static Arbitrary<SmallCase> Cases(int maxBatch = 3, int maxLength = 8) =>
        (from b in Gen.Choose(1, maxBatch)
         from s in Gen.Choose(1, maxLength)
         from h in Gen.Elements(16, 32, 48, 64)
         from seed in Gen.Choose(0, 1_000_000)
         select new SmallCase(b, s, h, seed)).ToArbitrary();
}

/// <summary>Sizes of one property case.</summary>
public sealed record SmallCase(int Batch, int Length, int Hidden, int Seed)
{
    /// <summary>4 query heads.</summary>
    public int Heads => 4;

    /// <summary>2 key/value heads.</summary>
    public int KvHeads => 2;
}
