using System.Linq;
using CrossLMM.Zoo.Modules.Core;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// The stack of SigLIP encoder blocks (HF <c>SiglipEncoder</c>). Tokens (B, S, D) → (B, S, D).
/// Keys: <c>layers.{i}.*</c>.
/// </summary>
public sealed class SiglipEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<SiglipEncoderLayer> layers;

    /// <summary>Creates <paramref name="layers"/> blocks.</summary>
    /// <param name="layers">Number of blocks (27 for so400m).</param>
    /// <param name="hidden">Token width D; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">MLP inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public SiglipEncoder(int layers, long hidden, long heads, long mlp, double normEps) : base(nameof(SiglipEncoder))
    {
        BlockChecks.Positive(layers, "layers");
        this.layers = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new SiglipEncoderLayer(hidden, heads, mlp, normEps)).ToArray());
        RegisterComponents();
    }

    /// <summary>Tokens (B, S, D) → (B, S, D).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var layer in layers) {
            h = layer.call(h);
        }
        return h.MoveToOuterDisposeScope(); // layers ≥ 1, so h is a new tensor
    }

    /// <summary>Number of blocks.</summary>
    public int Count => layers.Count;

    /// <summary>
    /// Tokens (B, S, D) through the first <paramref name="count"/> blocks only: HF's <c>hidden_states[count]</c>
    /// (0 = the input itself), what LLaVA's <c>vision_feature_layer</c> selects.
    /// </summary>
    /// <param name="x">Tokens.</param>
    /// <param name="count">Blocks to run, in [0, <see cref="Count"/>].</param>
    /// <returns>A new tensor; the caller owns it.</returns>
    /// <exception cref="System.ArgumentOutOfRangeException">count outside [0, Count].</exception>
    public Tensor ForwardFirst(Tensor x, int count)
    {
        if (count < 0 || count > layers.Count) {
            throw new System.ArgumentOutOfRangeException(nameof(count), count, $"must be in [0, {layers.Count}] (the encoder's blocks)");
        }
        using var scope = NewDisposeScope();
        var h = x.alias();
        for (int i = 0; i < count; i++) {
            h = layers[i].call(h);
        }
        return h.MoveToOuterDisposeScope();
    }
}
