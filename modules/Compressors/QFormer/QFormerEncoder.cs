using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// The Q-Former layer stack (HF <c>Blip2QFormerEncoder</c>). Layer i cross-attends to the features when
/// i mod <c>crossEvery</c> = 0 — layers 0, 2, 4, … with BLIP-2's <c>cross_attention_frequency</c> 2.
/// hidden (B, Q + L, H), features (B, S, W), self-attention key mask (B, 1, 1, Q + L) or null → (B, Q + L, H).
/// Keys: <c>layer.{i}.*</c>.
/// </summary>
public sealed class QFormerEncoder : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly ModuleList<QFormerLayer> layer;

    /// <summary>Creates the stack.</summary>
    /// <param name="layers">Number of layers (12 in BLIP-2).</param>
    /// <param name="hidden">Width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">FFN inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <param name="encoderWidth">Width W of the features.</param>
    /// <param name="queries">Learned queries Q at the front of the hidden states.</param>
    /// <param name="crossEvery">Cross-attention in layers whose index is a multiple of this (≥ 1).</param>
    /// <param name="hasTextInput">Whether text tokens may follow the queries.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public QFormerEncoder(int layers, long hidden, long heads, long mlp, double normEps, long encoderWidth, int queries, int crossEvery, bool hasTextInput)
        : base(nameof(QFormerEncoder))
    {
        BlockChecks.Positive(layers, "layers");
        BlockChecks.Positive(crossEvery, "crossEvery");
        layer = nn.ModuleList(Enumerable.Range(0, layers)
            .Select(i => new QFormerLayer(hidden, heads, mlp, normEps, encoderWidth, queries, i % crossEvery == 0, hasTextInput))
            .ToArray());
        CrossAttentionLayers = Enumerable.Range(0, layers).Where(i => i % crossEvery == 0).ToArray();
        RegisterComponents();
    }

    /// <summary>Indices of the layers that cross-attend to the features.</summary>
    public IReadOnlyList<int> CrossAttentionLayers { get; }

    /// <summary>hidden (B, Q + L, H), features (B, S, W), key mask (B, 1, 1, Q + L) or null → (B, Q + L, H).</summary>
    public override Tensor forward(Tensor hidden, Tensor features, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var h = hidden;
        foreach (var l in layer) {
            h = l.call(h, features, mask);
        }
        return h.MoveToOuterDisposeScope(); // layers ≥ 1, so h is a new tensor
    }
}
