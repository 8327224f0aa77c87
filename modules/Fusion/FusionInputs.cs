using System;
using System.Collections.Generic;
using CrossLMM.Zoo.Modules.Core;

namespace CrossLMM.Zoo.Modules.Fusion;

/// <summary>
/// The visual tokens one fusion source offers to the fusion blocks, already at the LLM width H (projected
/// once per forward by the composed model and shared by every fusion layer).
/// </summary>
/// <param name="Tokens">(B, M, H): the source tokens, frame-major (frame t's tokens are contiguous).</param>
/// <param name="Padding">(B, M) boolean, true for real tokens; null when every token is real.</param>
public sealed record FusionSourceTokens(Tensor Tokens, Tensor? Padding = null)
{
    /// <summary>(B, M) boolean, true for real tokens; null when every token is real.</summary>
    /// <exception cref="ArgumentException">A mask that is not (B, M) for the tokens (B, M, H).</exception>
    public Tensor? Padding { get; init; } = CheckedPadding(Tokens, Padding);

    /// <summary>The key mask of a cross-attention over these tokens: <see cref="Padding"/> as (B, 1, 1, M).</summary>
    /// <returns>A bool tensor the caller owns, or null when every token is real.</returns>
    public Tensor? KeyMask() => Padding is null ? null : AttentionMasks.KeyPadding(Padding);

    // The mask becomes the attention's (B, 1, 1, M) key mask; checked here, where its shape still reads as given.
    private static Tensor? CheckedPadding(Tensor tokens, Tensor? padding)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (padding is not null)
        {
            long[] t = tokens.shape, p = padding.shape;
            if (t.Length != 3 || p.Length != 2 || p[0] != t[0] || p[1] != t[1])
            {
                throw new ArgumentException($"Padding {BlockChecks.Format(p)} must be (B, M) for the source tokens {BlockChecks.Format(t)} (B, M, H)", nameof(padding));
            }
        }

        return padding;
    }
}

/// <summary>
/// What the fusion blocks of a decoder read during one forward pass (prefill or decoding step):
/// the visual sources, where the visual tokens sit in the current sequence, and the frame count.
/// <para>Shapes: B batch, S positions of this pass, M source tokens, T frames.</para>
/// <para>Text positions are every position outside [<see cref="VisualStart"/>, <see cref="VisualStart"/> +
/// <see cref="VisualLength"/>): system prompt, question and generated answer alike (the T2V and hybrid
/// branches update all of them). During cached decoding the new tokens are text
/// (<see cref="VisualLength"/> = 0) and the sources may be omitted: the blocks then read the keys and values
/// they cached at prefill.</para>
/// </summary>
public sealed class FusionInputs
{
    /// <summary>Creates the inputs.</summary>
    /// <param name="sources">The sources by kind (original, compressed, slow); tensors stay owned by the caller.</param>
    /// <param name="visualStart">First visual position in this pass's sequence, ≥ 0.</param>
    /// <param name="visualLength">Number of visual positions L_v ≥ 0 (0 when the stream has none in this pass).</param>
    /// <param name="frames">Frame count T ≥ 0 of the video (needed by <c>scope: frame</c>).</param>
    /// <exception cref="ArgumentException">A negative start, length or frame count.</exception>
    public FusionInputs(IReadOnlyDictionary<FusionSource, FusionSourceTokens> sources, long visualStart, long visualLength, int frames)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (visualStart < 0)
        {
            throw new ArgumentException(ConfigRules.BelowMinimum(nameof(visualStart), visualStart, 0), nameof(visualStart));
        }

        if (visualLength < 0)
        {
            throw new ArgumentException(ConfigRules.BelowMinimum(nameof(visualLength), visualLength, 0), nameof(visualLength));
        }

        if (frames < 0)
        {
            throw new ArgumentException(ConfigRules.BelowMinimum(nameof(frames), frames, 0), nameof(frames));
        }

        Sources = sources;
        VisualStart = visualStart;
        VisualLength = visualLength;
        Frames = frames;
    }

    /// <summary>The sources by kind.</summary>
    public IReadOnlyDictionary<FusionSource, FusionSourceTokens> Sources { get; }

    /// <summary>First visual position of this pass.</summary>
    public long VisualStart { get; }

    /// <summary>Number of visual positions L_v of this pass.</summary>
    public long VisualLength { get; }

    /// <summary>Frame count T.</summary>
    public int Frames { get; }

    /// <summary>The tokens of <paramref name="source"/>, or null when this pass does not carry them.</summary>
    /// <param name="source">The source kind.</param>
    public FusionSourceTokens? Source(FusionSource source) => Sources.TryGetValue(source, out var tokens) ? tokens : null;
}
