using System;
using System.Collections.Generic;

namespace CrossLMM.Zoo.Modules;

/// <summary>
/// One input of <see cref="VideoLmm"/>.
/// <para>Shapes: B batch, T frames, L text tokens.</para>
/// </summary>
/// <param name="Video">Frames (B, T, C, H, W) for a ViT vision tower, or encoder features (B, T, N, D) for
/// <c>vision.kind: precomputed</c>.</param>
/// <param name="InputIds">Text token ids (B, L) int64 (the prompt; left-pad a batch of different lengths).</param>
/// <param name="Padding">(B, L) text mask, true/1 for real tokens; null = all real.</param>
/// <param name="VideoPosition">Where the video block goes in the text, 0 ≤ p ≤ L: the video is placed before
/// text token p. Null = the layout's place: <c>video_first</c> → 0, <c>question_first</c> → L (after the whole
/// prompt). Set it to put a system prompt before the video, or — with <c>question_first</c> — to run
/// [question; video; answer] in one teacher-forced pass (p = question length). Ignored for
/// <c>cross_attention_only</c>.</param>
/// <param name="LogitsToKeep">HF's <c>logits_to_keep</c>: 0 (the default) computes the logits of every stream position
/// (training, teacher forcing, scoring); k &gt; 0 computes them for the last k positions only (k ≥ S: all), so the LM
/// head — 2·B·H·V FLOPs per position — runs where it is read. Generation's prefill uses 1.</param>
public sealed record VideoLmmInput(Tensor Video, Tensor InputIds, Tensor? Padding = null, long? VideoPosition = null, int LogitsToKeep = 0);

/// <summary>Token counts of one <see cref="VideoLmm"/> pass (what the cost model predicts).</summary>
/// <param name="VisualTokensInStream">Visual tokens placed in the LLM stream (0 for cross_attention_only).</param>
/// <param name="TextTokens">Text tokens L in the stream.</param>
/// <param name="TotalSequence">Stream length S = visual + text.</param>
/// <param name="SourceTokens">Tokens of each fusion source in use (original T·N, compressed M, slow T·n).</param>
public sealed record VideoTokenCounts(long VisualTokensInStream, long TextTokens, long TotalSequence, IReadOnlyDictionary<FusionSource, long> SourceTokens);

/// <summary>What a <see cref="VideoLmm"/> pass returns; the caller owns (and disposes) the logits.</summary>
/// <param name="Logits">(B, S, V) logits over the whole stream (visual positions included), or (B, min(k, S), V) for the
/// last k positions when the input's <see cref="VideoLmmInput.LogitsToKeep"/> is k &gt; 0.</param>
/// <param name="Counts">Token counts of the pass.</param>
public sealed record VideoLmmOutput(Tensor Logits, VideoTokenCounts Counts) : IDisposable
{
    /// <summary>Disposes the logits.</summary>
    public void Dispose() => Logits.Dispose();
}
