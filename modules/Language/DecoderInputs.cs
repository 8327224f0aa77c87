using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;

namespace CrossLMM.Zoo.Modules.Language;

/// <summary>
/// Optional inputs of a decoder pass besides the embeddings (HF's <c>attention_mask</c>,
/// <c>past_key_values</c>, plus the fusion blocks' visual inputs).
/// <para>Shapes: B batch, S new positions.</para>
/// </summary>
/// <param name="Padding">(B, S) mask of the new positions, true/1 for real tokens (left padding for batched
/// generation); null = all real. Positions follow HF's <c>cumsum(mask) − 1</c> rule; with a cache, the masks of
/// earlier passes are remembered, so pass only the new positions' mask.</param>
/// <param name="Cache">Decoding state to read and extend, or null for a stateless full forward.</param>
/// <param name="Fusion">Visual inputs of the fusion blocks, or null (text only, or decoding on cached visual keys/values).</param>
/// <param name="LogitsToKeep">HF's <c>logits_to_keep</c>, read by <see cref="Qwen2ForCausalLM"/>: 0 = logits for all S positions,
/// k &gt; 0 = for the last k only (k ≥ S: all). The decoder stack itself ignores it.</param>
public sealed record DecoderInputs(Tensor? Padding = null, KvCache? Cache = null, FusionInputs? Fusion = null, int LogitsToKeep = 0);
