using TorchSharp.Utils;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// One Perceiver-resampler layer (Flamingo, arXiv:2204.14198; OpenFlamingo's <c>[PerceiverAttention,
/// FeedForward]</c> pair): x ← x + Attn(q = LN(x), kv = [LN(source); LN(x)]); x ← x + FFW(x).
/// source (B, S, H), latents (B, R, H) → (B, R, H). Keys: <c>0.*</c> (attention), <c>1.*</c> (feed-forward).
/// </summary>
public sealed class PerceiverLayer : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "0")]
    private readonly PerceiverAttention attn;
    [ComponentName(Name = "1")]
    private readonly PerceiverFeedForward ff;

    /// <summary>Creates the layer.</summary>
    /// <param name="hidden">Width H; divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="mlp">Feed-forward inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="System.ArgumentException">A size is invalid.</exception>
    public PerceiverLayer(long hidden, long heads, long mlp, double normEps) : base(nameof(PerceiverLayer))
    {
        attn = new PerceiverAttention(hidden, heads, normEps);
        ff = new PerceiverFeedForward(hidden, mlp, normEps);
        RegisterComponents();
    }

    /// <summary>source (B, S, H), latents (B, R, H) → (B, R, H).</summary>
    public override Tensor forward(Tensor source, Tensor latents)
    {
        using var scope = NewDisposeScope();
        var x = latents.add(attn.call(source, latents));
        return x.add(ff.call(x)).MoveToOuterDisposeScope();
    }
}
