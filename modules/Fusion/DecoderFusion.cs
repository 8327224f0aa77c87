using System;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Language;

namespace CrossLMM.Zoo.Modules.Fusion;

/// <summary>Where a <see cref="DecoderFusion"/> block runs relative to the decoder layer that carries it.</summary>
public enum FusionPlacement
{
    /// <summary>Before the layer (Flamingo's GATED XATTN-DENSE precedes its frozen LM block).</summary>
    BeforeLayer,

    /// <summary>After the layer (CrossLMM's DCAL follows the LLM layers it is inserted after).</summary>
    AfterLayer,
}

/// <summary>
/// A residual fusion block a <see cref="Qwen2DecoderLayer"/> carries under the key <c>cross_attn</c>: hidden
/// states (B, S, H) and the pass's <see cref="LayerContext"/> → hidden states (B, S, H). Every block is gated
/// and is the exact identity while its gates are closed (α = 0) or when the pass has no visual input.
/// </summary>
public abstract class DecoderFusion : nn.Module<Tensor, LayerContext, Tensor>
{
    /// <summary>Names the block and records the source it reads.</summary>
    /// <param name="name">The module's type name.</param>
    /// <param name="source">The visual source whose tokens are the keys/values.</param>
    protected DecoderFusion(string name, FusionSource source) : base(name) => Source = source;

    /// <summary>The visual source the block reads (looked up in <see cref="FusionInputs.Sources"/>).</summary>
    public FusionSource Source { get; }

    /// <summary>Whether the block runs before or after its decoder layer.</summary>
    public abstract FusionPlacement Placement { get; }

    /// <summary>Model width H.</summary>
    public abstract long Hidden { get; }

    /// <summary>
    /// Checks a forward's inputs in the layer's own terms, before any projection: the stream (B, S, H) and the
    /// source tokens (B, M, ·) of the same batch. Past this point the shapes are per head, and the attention
    /// kernel's message would quote (B, h, S, d) tensors the caller never built.
    /// </summary>
    /// <param name="hidden">The stream (B, S, H).</param>
    /// <param name="source">The source this layer reads, or null.</param>
    /// <exception cref="ArgumentException">Another rank, width or batch; the message names both shapes.</exception>
    protected void CheckInputs(Tensor hidden, FusionSourceTokens? source)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        BlockChecks.Rank(hidden, 3, nameof(hidden), "(B, S, H)");
        BlockChecks.LastDim(hidden, Hidden, nameof(hidden));
        if (source is null)
        {
            return;
        }

        long[] h = hidden.shape, m = source.Tokens.shape;
        if (m.Length != 3 || m[0] != h[0])
        {
            throw new ArgumentException(
                $"{GetName()}: the {YamlNames.Of(Source)} source tokens {BlockChecks.Format(m)} must be (B, M, H) with the batch of hidden {BlockChecks.Format(h)}", nameof(source));
        }
    }
}
