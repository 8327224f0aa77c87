using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;

namespace CrossLMM.Zoo.Notebooks.Attention;

/// <summary>
/// Reads the attention weights of every CrossLMM dual cross-attention layer (DCAL) of a <see cref="VideoLmm"/>
/// during a forward pass, without touching the model's code. The DCAL does not return its weights, so the
/// probe hooks the public projections of each branch (<c>…cross_attn.v2v.q_proj</c>, <c>k_proj</c>,
/// <c>v_proj</c>, <c>o_proj</c>; the same for <c>t2v</c>), keeps what they compute, and forms
/// <c>softmax(Q·Kᵀ/√d)</c> per head (key/value heads repeated for grouped-query attention) — the weights
/// <see cref="CrossAttention.Attend"/> applies; with <c>scope: frame</c> each frame's queries see only their
/// frame, and the other frames get weight 0. <see cref="AttentionMap.CheckAgainstBlock"/> confirms it: the
/// weights times the captured values equal the input of the block's own <c>o_proj</c>.
/// <para>Use it around one prefill forward (no cache, no padding): attach, run, read <see cref="Maps"/>,
/// dispose (removes the hooks).</para>
/// </summary>
public sealed class AttentionProbe : IDisposable
{
    private readonly List<Action> _hooks = new();
    private readonly List<Branch> _branches = new();
    private readonly int _tokensPerFrame;

    private AttentionProbe(VideoLmm model, int tokensPerFrame)
    {
        _tokensPerFrame = tokensPerFrame;
        foreach (var (path, module) in model.named_modules())
        {
            if (module is not DualCrossAttentionLayer dcal)
            {
                continue;
            }

            foreach (var (name, kind) in new[] { ("v2v", CrossAttentionBranch.V2V), ("t2v", CrossAttentionBranch.T2V) })
            {
                if (model.get_submodule($"{path}.{name}") is not CrossAttention attention)
                {
                    continue;
                }

                var branch = new Branch(path, kind, attention, dcal.Scope);
                _branches.Add(branch);
                Hook(model, $"{path}.{name}.q_proj", t => branch.Queries = Keep(branch.Queries, t));
                Hook(model, $"{path}.{name}.k_proj", t => branch.Keys = Keep(branch.Keys, t));
                Hook(model, $"{path}.{name}.v_proj", t => branch.Values = Keep(branch.Values, t));
                HookInput(model, $"{path}.{name}.o_proj", t => branch.Attended = Keep(branch.Attended, t));
            }
        }

        if (_branches.Count == 0)
        {
            throw new ArgumentException("the model has no dual cross-attention layer (DCAL) to probe", nameof(model));
        }
    }

    /// <summary>Attaches a probe to every DCAL branch of <paramref name="model"/>.</summary>
    /// <param name="model">A model with DCALs reading the <c>original</c> source.</param>
    /// <param name="config">Its config (patch tokens per frame N, to split keys into frames).</param>
    /// <exception cref="ArgumentException">No DCAL in the model.</exception>
    public static AttentionProbe Attach(VideoLmm model, ArchitectureConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        return new AttentionProbe(model, config.EncoderTokensPerFrame);
    }

    /// <summary>The maps of the last forward: one per DCAL layer and branch that ran, in layer order (V2V before T2V).</summary>
    public IReadOnlyList<AttentionMap> Maps => _branches.Where(b => b.Queries is not null && b.Keys is not null).Select(Map).ToArray();

    /// <summary>The map of one layer's branch (the first DCAL when <paramref name="layer"/> is null).</summary>
    /// <param name="branch">V2V or T2V.</param>
    /// <param name="layer">Decoder layer index, or null.</param>
    /// <exception cref="InvalidOperationException">No such branch ran in the last forward.</exception>
    public AttentionMap Get(CrossAttentionBranch branch, int? layer = null) =>
        Maps.FirstOrDefault(m => m.Branch == branch && (layer is null || m.Layer == layer))
        ?? throw new InvalidOperationException($"no {YamlNames.Of(branch)} attention was captured{(layer is null ? string.Empty : $" on layer {layer}")}; run a forward with the probe attached");

    /// <summary>Removes the hooks and frees the captured tensors.</summary>
    public void Dispose()
    {
        foreach (var remove in _hooks)
        {
            remove();
        }

        _hooks.Clear();
        foreach (var branch in _branches)
        {
            branch.Dispose();
        }
    }

    private void Hook(VideoLmm model, string path, Action<Tensor> keep)
    {
        var linear = model.get_submodule(path) as nn.Module<Tensor, Tensor> ?? throw new InvalidOperationException($"{path} is not a projection");
        _hooks.Add(linear.register_forward_hook((_, _, output) =>
        {
            keep(output);
            return null!;   // null: the output is not replaced
        }).remove);
    }

    private void HookInput(VideoLmm model, string path, Action<Tensor> keep)
    {
        var linear = model.get_submodule(path) as nn.Module<Tensor, Tensor> ?? throw new InvalidOperationException($"{path} is not a projection");
        _hooks.Add(linear.register_forward_pre_hook((_, input) =>
        {
            keep(input);
            return null!;   // null: the input is not replaced
        }).remove);
    }

    private static Tensor Keep(Tensor? previous, Tensor value)
    {
        previous?.Dispose();
        return value.detach().clone().DetachFromDisposeScope();
    }

    private AttentionMap Map(Branch branch)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        // With scope: frame the block runs B·T small attentions: the captured queries are (B·T, n, h·d) and the
        // keys (B·T, N, g·d); with scope: global (B, Q, h·d) and (B, M, g·d).
        long rows = branch.Queries!.shape[0], lq = branch.Queries.shape[1], m = branch.Keys!.shape[1];
        long heads = branch.Attention.Heads, kvHeads = branch.Attention.KvHeads, d = branch.Attention.HeadDim;
        var q = branch.Queries.view(rows, lq, heads, d).transpose(1, 2);                     // [R, h, Lq, d]
        var k = branch.Keys.view(rows, m, kvHeads, d).transpose(1, 2);                       // [R, g, M, d]
        k = ScaledDotProductAttention.RepeatKeyValueHeads(k, heads / kvHeads);               // [R, h, M, d]
        var weights = q.matmul(k.transpose(2, 3)).div(Math.Sqrt(d)).softmax(-1);            // [R, h, Lq, M]
        double? check = null;
        if (branch.Values is not null && branch.Attended is not null)
        {
            var v = branch.Values.view(rows, m, kvHeads, d).transpose(1, 2);                 // [R, g, M, d]
            v = ScaledDotProductAttention.RepeatKeyValueHeads(v, heads / kvHeads);           // [R, h, M, d]
            var mixed = weights.matmul(v).transpose(1, 2).reshape(branch.Attended.shape);    // [B, Q, h·d]
            check = mixed.sub(branch.Attended).abs().max().item<float>();
        }

        bool perFrame = branch.Kind == CrossAttentionBranch.V2V && branch.Scope == TokenScope.Frame;
        long batch = perFrame ? branch.Attended?.shape[0] ?? throw new InvalidOperationException("frame-scope V2V needs the block's o_proj input") : rows;
        int frames = perFrame ? (int)(rows / batch) : (int)(m / _tokensPerFrame);
        float[] data = weights.contiguous().data<float>().ToArray();
        int[] shape = perFrame
            ? new[] { (int)batch, (int)heads, (int)(frames * lq), (int)(frames * m) }
            : new[] { (int)rows, (int)heads, (int)lq, (int)m };
        if (perFrame)
        {
            data = Spread(data, (int)batch, frames, (int)heads, (int)lq, (int)m);
        }

        int layer = LayerIndex(branch.Path);
        return new AttentionMap(layer, branch.Kind, branch.Scope, shape, data, frames, _tokensPerFrame, check);
    }

    // Per-frame weights [B·T, h, n, N] → the global layout [B, h, T·n, T·N], zero outside the query's frame.
    private static float[] Spread(float[] perFrame, int batch, int frames, int heads, int n, int keys)
    {
        long q = (long)frames * n, m = (long)frames * keys;
        var full = new float[batch * heads * q * m];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < frames; t++)
            {
                for (int h = 0; h < heads; h++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        long from = ((((long)b * frames + t) * heads + h) * n + i) * keys;
                        long to = (((long)b * heads + h) * q + (long)t * n + i) * m + (long)t * keys;
                        Array.Copy(perFrame, from, full, to, keys);
                    }
                }
            }
        }

        return full;
    }

    // language_model.model.layers.3.cross_attn → 3.
    private static int LayerIndex(string path)
    {
        var parts = path.Split('.');
        int at = Array.IndexOf(parts, "layers");
        return at >= 0 && at + 1 < parts.Length && int.TryParse(parts[at + 1], out int layer) ? layer : -1;
    }

    private sealed class Branch : IDisposable
    {
        public Branch(string path, CrossAttentionBranch kind, CrossAttention attention, TokenScope scope)
        {
            Path = path;
            Kind = kind;
            Attention = attention;
            Scope = scope;
        }

        public string Path { get; }

        public CrossAttentionBranch Kind { get; }

        public CrossAttention Attention { get; }

        public TokenScope Scope { get; }

        public Tensor? Queries { get; set; }

        public Tensor? Keys { get; set; }

        public Tensor? Values { get; set; }

        public Tensor? Attended { get; set; }

        public void Dispose()
        {
            Queries?.Dispose();
            Keys?.Dispose();
            Values?.Dispose();
            Attended?.Dispose();
            Queries = Keys = Values = Attended = null;
        }
    }
}
