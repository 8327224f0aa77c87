using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// Boolean attention masks (true = the query may attend to the key, PyTorch's boolean
/// <c>attn_mask</c> convention) for decoder self-attention and for cross-attention to visual tokens.
/// <para>Shapes: B batch, S new (query) positions, P cached (past) positions, K = P + S keys, M source tokens.</para>
/// </summary>
public static class AttentionMasks
{
    // Masks made by Causal without past or padding: exactly "key j ≤ query i" over a square S×S.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, object> s_plainCausal = new();

    /// <summary>
    /// Whether <paramref name="mask"/> is a tensor <see cref="Causal"/> returned for a prefill without past or
    /// padding (the same object, not a view of it): a square lower-triangular mask, which attention can run as
    /// libtorch's <c>is_causal</c> instead of reading it.
    /// </summary>
    public static bool IsPlainCausal(Tensor? mask) => mask is not null && s_plainCausal.TryGetValue(mask, out _);

    /// <summary>
    /// The causal mask for S new positions after P cached ones: query i (absolute position P + i) sees keys
    /// 0 … P + i (bottom-right aligned, as HF's cached decoding needs), combined with key padding.
    /// </summary>
    /// <param name="queryLength">S ≥ 1.</param>
    /// <param name="pastLength">P ≥ 0.</param>
    /// <param name="keyPadding">Optional (B, P + S) boolean/integer mask, true/1 for real tokens; padded keys are hidden.</param>
    /// <param name="device">Device of the mask (defaults to the padding mask's, else CPU).</param>
    /// <returns>(1, 1, S, P + S) without padding, else (B, 1, S, P + S); bool; the caller owns it.</returns>
    public static Tensor Causal(long queryLength, long pastLength = 0, Tensor? keyPadding = null, Device? device = null)
    {
        BlockChecks.Positive(queryLength, nameof(queryLength));
        if (pastLength < 0)
        {
            throw new ArgumentException(ConfigRules.BelowMinimum(nameof(pastLength), pastLength, 0), nameof(pastLength));
        }

        long keys = pastLength + queryLength;
        device ??= keyPadding?.device;
        using var scope = torch.NewDisposeScope();
        var queryPos = torch.arange(pastLength, keys, dtype: ScalarType.Int64, device: device).unsqueeze(1);   // [S, 1]
        var keyPos = torch.arange(0, keys, dtype: ScalarType.Int64, device: device).unsqueeze(0);             // [1, K]
        var causal = keyPos.le(queryPos).unsqueeze(0).unsqueeze(0);                            // [1, 1, S, K]
        if (keyPadding is null)
        {
            var mask = causal.MoveToOuterDisposeScope();
            if (pastLength == 0)
            {
                // Lets the attention kernel run libtorch's is_causal path (which skips the masked half) instead of
                // reading an S×S mask; see ScaledDotProductAttention.
                s_plainCausal.AddOrUpdate(mask, new object());
            }

            return mask;
        }

        if (keyPadding.shape.Length != 2 || keyPadding.shape[1] != keys)
        {
            throw new ArgumentException(
                $"keyPadding has shape {BlockChecks.Format(keyPadding.shape)}; expected (B, {keys}) = (B, past {pastLength} + new {queryLength})",
                nameof(keyPadding));
        }

        var valid = keyPadding.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);   // [B, 1, 1, K]
        return causal.logical_and(valid).MoveToOuterDisposeScope();
    }

    /// <summary>A key-padding mask for cross-attention: (B, M) → (B, 1, 1, M), broadcast over heads and queries.</summary>
    /// <param name="keyPadding">(B, M), true/1 for real source tokens.</param>
    /// <returns>(B, 1, 1, M) bool; the caller owns it.</returns>
    public static Tensor KeyPadding(Tensor keyPadding)
    {
        BlockChecks.Rank(keyPadding, 2, nameof(keyPadding), "(B, M)");
        using var scope = torch.NewDisposeScope();
        return keyPadding.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1).MoveToOuterDisposeScope();   // [B, 1, 1, M]
    }

    /// <summary>
    /// The per-frame mask of <c>scope: frame</c>: query i (of frame ⌊i / n_q⌋) sees only the source tokens of
    /// its own frame (token j belongs to frame ⌊j / n_s⌋). Both sequences must be frame-major.
    /// </summary>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="queriesPerFrame">n_q ≥ 1 (e.g. grid² pooled tokens).</param>
    /// <param name="keysPerFrame">n_s ≥ 1 (e.g. N original tokens).</param>
    /// <param name="device">Device of the mask.</param>
    /// <returns>(1, 1, T·n_q, T·n_s) bool; the caller owns it.</returns>
    public static Tensor SameFrame(long frames, long queriesPerFrame, long keysPerFrame, Device? device = null)
    {
        BlockChecks.Positive(frames, nameof(frames));
        BlockChecks.Positive(queriesPerFrame, nameof(queriesPerFrame));
        BlockChecks.Positive(keysPerFrame, nameof(keysPerFrame));
        using var scope = torch.NewDisposeScope();
        var frame = torch.arange(0, frames, dtype: ScalarType.Int64, device: device).unsqueeze(1);           // [T, 1]
        var queryFrame = frame.expand(frames, queriesPerFrame).reshape(frames * queriesPerFrame);   // [T·n_q]
        var keyFrame = frame.expand(frames, keysPerFrame).reshape(frames * keysPerFrame);           // [T·n_s]
        return queryFrame.unsqueeze(1).eq(keyFrame.unsqueeze(0))   // [T·n_q, T·n_s]
            .unsqueeze(0).unsqueeze(0)                              // [1, 1, T·n_q, T·n_s]
            .MoveToOuterDisposeScope();
    }
}
