using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossLMM.Bench.Plain;

/// <summary>
/// The small CrossLMM written the way one writes Hugging Face's modeling code on TorchSharp directly: functions
/// over a dictionary of state-dict tensors, no modules, no zoo abstractions (no configs, no layer contexts, no
/// checks, no FLOP counting), HF's <c>sdpa</c> attention path (<c>F.scaled_dot_product_attention</c>, the kernel the
/// zoo calls too) with <c>is_causal</c> for the decoder. It is the baseline that measures what the zoo's
/// abstractions cost: same weights, same inputs, same kernels. Port of bench/reference/crosslmm_ref.py (which
/// uses torch 1.13's eager matmul attention because 1.13 has no SDPA).
/// </summary>
public static class PlainCrossLmm
{
    // ---- Qwen2 (HF modeling_qwen2) ------------------------------------------------------------------------------
    public static Tensor RmsNorm(Tensor x, Tensor weight, double eps) =>
        weight * (x * rsqrt(x.pow(2).mean(new long[] { -1 }, keepdim: true) + eps));

    /// <summary>cos, sin (B, S, d) for positions 0..S-1, as HF's Qwen2RotaryEmbedding.</summary>
    public static (Tensor Cos, Tensor Sin) Rotary(long batch, long length, long headDim, double theta)
    {
        var invFreq = 1.0 / pow(theta, arange(0, headDim, 2, dtype: ScalarType.Int64).to(ScalarType.Float32) / headDim);
        var freqs = arange(length, dtype: ScalarType.Float32).unsqueeze(-1) * invFreq;   // [S, d/2]
        var emb = cat(new[] { freqs, freqs }, -1).unsqueeze(0).expand(batch, length, headDim);
        return (emb.cos(), emb.sin());
    }

    private static Tensor RotateHalf(Tensor x)
    {
        var half = x.shape[^1] / 2;
        return cat(new[] { -x.narrow(-1, half, half), x.narrow(-1, 0, half) }, -1);
    }

    private static Tensor Linear(Tensor x, IReadOnlyDictionary<string, Tensor> w, string name) =>
        F.linear(x, w[name + ".weight"], w.TryGetValue(name + ".bias", out var b) ? b : null);

    private static Tensor SplitHeads(Tensor x, long headDim) => x.view(x.shape[0], x.shape[1], -1, headDim).transpose(1, 2);

    private static Tensor MergeHeads(Tensor x) => x.transpose(1, 2).reshape(x.shape[0], x.shape[2], -1);

    private static Tensor RepeatKv(Tensor x, long repeats)
    {
        if (repeats == 1) return x;
        var s = x.shape;
        return x.unsqueeze(2).expand(s[0], s[1], repeats, s[2], s[3]).reshape(s[0], s[1] * repeats, s[2], s[3]);
    }

    private static Tensor SwiGlu(Tensor x, IReadOnlyDictionary<string, Tensor> w, string prefix = "mlp.") =>
        Linear(F.silu(Linear(x, w, prefix + "gate_proj")) * Linear(x, w, prefix + "up_proj"), w, prefix + "down_proj");

    /// <summary>One Qwen2 decoder layer, causal (HF's sdpa path: repeat_kv, then SDPA with is_causal).</summary>
    public static Tensor Qwen2Layer(Tensor h, IReadOnlyDictionary<string, Tensor> w, long heads, long kvHeads, double eps, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var x = RmsNorm(h, w["input_layernorm.weight"], eps);
        var d = h.shape[^1] / heads;
        var q = SplitHeads(Linear(x, w, "self_attn.q_proj"), d);
        var k = SplitHeads(Linear(x, w, "self_attn.k_proj"), d);
        var v = SplitHeads(Linear(x, w, "self_attn.v_proj"), d);
        var c = cos.unsqueeze(1);
        var s = sin.unsqueeze(1);
        q = q * c + RotateHalf(q) * s;
        k = k * c + RotateHalf(k) * s;
        var attended = F.scaled_dot_product_attention(q, RepeatKv(k, heads / kvHeads), RepeatKv(v, heads / kvHeads), null, 0.0, true);
        h = h + Linear(MergeHeads(attended), w, "self_attn.o_proj");
        h = h + SwiGlu(RmsNorm(h, w["post_attention_layernorm.weight"], eps), w);
        return h.MoveToOuterDisposeScope();
    }

    // ---- CrossLMM's DCAL ----------------------------------------------------------------------------------------
    private static Tensor CrossAttention(Tensor queries, Tensor source, IReadOnlyDictionary<string, Tensor> w, string prefix, long heads, long kvHeads)
    {
        var d = queries.shape[^1] / heads;
        var q = SplitHeads(Linear(queries, w, prefix + "q_proj"), d);
        var k = SplitHeads(Linear(source, w, prefix + "k_proj"), d);
        var v = SplitHeads(Linear(source, w, prefix + "v_proj"), d);
        var attended = F.scaled_dot_product_attention(q, RepeatKv(k, heads / kvHeads), RepeatKv(v, heads / kvHeads));
        return Linear(MergeHeads(attended), w, prefix + "o_proj");
    }

    /// <summary>Pre-norm DCAL: h[V] += tanh(α_v)·xattn_v(x[V]); h[text] += tanh(α_t)·xattn_t(x[text]); h += tanh(α_f)·FFN.</summary>
    public static Tensor Dcal(Tensor h, Tensor source, IReadOnlyDictionary<string, Tensor> w, long heads, long kvHeads, double eps, long visualStart, long visualLength)
    {
        using var scope = NewDisposeScope();
        var x = RmsNorm(h, w["input_layernorm.weight"], eps);
        long a = visualStart, b = visualStart + visualLength, s = h.shape[1];
        var visual = tanh(w["v2v_gate.alpha"]) * CrossAttention(x.narrow(1, a, visualLength), source, w, "v2v.", heads, kvHeads);
        var textX = cat(new[] { x.narrow(1, 0, a), x.narrow(1, b, s - b) }, 1);
        var text = tanh(w["t2v_gate.alpha"]) * CrossAttention(textX, source, w, "t2v.", heads, kvHeads);
        h = h + cat(new[] { text.narrow(1, 0, a), visual, text.narrow(1, a, s - b) }, 1);
        h = h + tanh(w["mlp_gate.alpha"]) * SwiGlu(RmsNorm(h, w["post_attention_layernorm.weight"], eps), w);
        return h.MoveToOuterDisposeScope();
    }

    // ---- SigLIP vision tower (HF modeling_siglip) --------------------------------------------------------------
    private static Tensor SiglipLayer(Tensor x, IReadOnlyDictionary<string, Tensor> w, long heads, double eps)
    {
        var d = x.shape[^1];
        var h = F.layer_norm(x, new[] { d }, w["layer_norm1.weight"], w["layer_norm1.bias"], eps);
        var hd = d / heads;
        var attended = F.scaled_dot_product_attention(SplitHeads(Linear(h, w, "self_attn.q_proj"), hd),
            SplitHeads(Linear(h, w, "self_attn.k_proj"), hd), SplitHeads(Linear(h, w, "self_attn.v_proj"), hd));
        x = x + Linear(MergeHeads(attended), w, "self_attn.out_proj");
        h = F.layer_norm(x, new[] { d }, w["layer_norm2.weight"], w["layer_norm2.bias"], eps);
        return x + Linear(F.gelu(Linear(h, w, "mlp.fc1"), TorchSharp.Modules.GELU.Approximate.tanh), w, "mlp.fc2");
    }

    // ---- the whole model ----------------------------------------------------------------------------------------
    /// <summary>Sizes the forward needs (from the bound config).</summary>
    public sealed record Sizes(long VisionHeads, double VisionEps, long Patch, long Grid, double ProjectorEps,
        long Heads, long KvHeads, double Eps, double Theta, long DcalHeads, long DcalKvHeads);

    /// <summary>
    /// A CrossLMM over [video; text] (layout video_first), on the tensors of a zoo model's state dict (shared, not
    /// copied): returns forward(video, input_ids) → logits (B, S, V).
    /// </summary>
    public static Func<Tensor, Tensor, Tensor> CrossLmm(IReadOnlyDictionary<string, Tensor> weights, Sizes m)
    {
        Dictionary<string, Tensor> Part(string prefix, IReadOnlyDictionary<string, Tensor>? from = null) =>
            (from ?? weights).Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);

        var vision = Part("vision_tower.");
        var projector = Part("multi_modal_projector.");
        var lm = Part("language_model.model.");
        var layerCount = lm.Keys.Where(k => k.StartsWith("layers.", StringComparison.Ordinal)).Select(k => int.Parse(k.Split('.')[1])).Max() + 1;
        var layers = Enumerable.Range(0, layerCount).Select(i => Part($"layers.{i}.", lm)).ToArray();
        var fusions = layers.Select(l => Part("cross_attn.", l)).Select(f => f.Count == 0 ? null : f).ToArray();
        var visionLayers = vision.Keys.Where(k => k.StartsWith("encoder.layers.", StringComparison.Ordinal)).Select(k => int.Parse(k.Split('.')[2])).Distinct().OrderBy(i => i)
            .Select(i => Part($"encoder.layers.{i}.", vision)).ToArray();

        Tensor Projector(Tensor x)
        {
            x = F.layer_norm(x, new[] { x.shape[^1] }, projector["norm.weight"], projector["norm.bias"], m.ProjectorEps);
            return Linear(F.gelu(Linear(x, projector, "linear_1")), projector, "linear_2");
        }

        return (video, inputIds) =>
        {
            using var scope = NewDisposeScope();
            long batch = video.shape[0], frames = video.shape[1];
            // SigLIP: (B, T, C, H, W) → (B, T, N, D)
            var x = F.conv2d(video.flatten(0, 1), vision["embeddings.patch_embedding.weight"], vision["embeddings.patch_embedding.bias"], strides: new[] { m.Patch });
            x = x.flatten(2).transpose(1, 2) + vision["embeddings.position_embedding.weight"];
            foreach (var lw in visionLayers) x = SiglipLayer(x, lw, m.VisionHeads, m.VisionEps);
            var width = x.shape[^1];
            x = F.layer_norm(x, new[] { width }, vision["post_layernorm.weight"], vision["post_layernorm.bias"], m.VisionEps);
            var features = x.view(batch, frames, x.shape[1], width);                                      // [B, T, N, D]
            // 2-D adaptive average pooling of each frame's √N×√N map to g×g
            var side = (long)Math.Sqrt(features.shape[2]);
            var maps = features.reshape(batch * frames, side, side, width).permute(0, 3, 1, 2);
            var pooled = F.adaptive_avg_pool2d(maps, new[] { m.Grid, m.Grid }).permute(0, 2, 3, 1).reshape(batch, frames * m.Grid * m.Grid, width);
            var visual = Projector(pooled);                                                               // [B, T·g², H]
            var source = Projector(features.flatten(1, 2));                                              // [B, T·N, H]
            var h = cat(new[] { visual, lm["embed_tokens.weight"].index_select(0, inputIds.flatten()).view(inputIds.shape[0], inputIds.shape[1], -1) }, 1);
            long s = h.shape[1], hidden = h.shape[2];
            var (cos, sin) = Rotary(batch, s, hidden / m.Heads, m.Theta);
            for (var i = 0; i < layers.Length; i++)
            {
                h = Qwen2Layer(h, layers[i], m.Heads, m.KvHeads, m.Eps, cos, sin);
                if (fusions[i] is { } fw) h = Dcal(h, source, fw, m.DcalHeads, m.DcalKvHeads, m.Eps, 0, visual.shape[1]);
            }

            return F.linear(RmsNorm(h, lm["norm.weight"], m.Eps), lm["embed_tokens.weight"]).MoveToOuterDisposeScope();
        };
    }
}
