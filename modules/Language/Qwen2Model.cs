using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Core;

namespace CrossLMM.Zoo.Modules.Language;

/// <summary>
/// The Qwen2 decoder stack (HF <c>Qwen2Model</c>): token embeddings, N decoder layers — any of which may carry
/// a fusion block or be a hybrid layer — and a final RMSNorm; rotary positions are computed once per pass and
/// shared by every layer. Masks are causal (bottom-right aligned for cached decoding) and hide padded keys.
/// <para>Shapes: B batch, S new positions, P cached positions, H width, V vocabulary.
/// forward: embeddings (B, S, H) → final hidden states (B, S, H).</para>
/// <para>Keys: <c>embed_tokens.weight</c> (V, H), <c>layers.{i}.*</c> (see <see cref="Qwen2DecoderLayer"/>),
/// <c>norm.weight</c> (H) — exactly HF's (the rotary embedding has none).</para>
/// </summary>
public sealed class Qwen2Model : nn.Module<Tensor, DecoderInputs?, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly RMSNorm norm;
    private readonly RotaryEmbedding rotary_emb;
    private readonly DecoderLayer[] _layers;

    /// <summary>Assembles the decoder from its parts.</summary>
    /// <param name="embedTokens">Token embedding (V, H) (key <c>embed_tokens</c>).</param>
    /// <param name="layers">The decoder layers in order (keys <c>layers.{i}</c>), at least one.</param>
    /// <param name="norm">Final RMSNorm (key <c>norm</c>).</param>
    /// <param name="rotaryEmbedding">Rotary embedding of the layers' head width (no keys).</param>
    /// <exception cref="ArgumentException">No layers, or parts of different widths.</exception>
    public Qwen2Model(Embedding embedTokens, IEnumerable<DecoderLayer> layers, RMSNorm norm, RotaryEmbedding rotaryEmbedding)
        : base(nameof(Qwen2Model))
    {
        ArgumentNullException.ThrowIfNull(embedTokens);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(norm);
        ArgumentNullException.ThrowIfNull(rotaryEmbedding);
        var list = layers.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("layers must contain at least one decoder layer", nameof(layers));
        }

        long hidden = embedTokens.weight!.shape[1];   // '!': some TorchSharp releases declare it nullable
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i].Hidden != hidden)
            {
                throw new ArgumentException($"layers[{i}] has width {list[i].Hidden}, but embed_tokens has width {hidden}", nameof(layers));
            }
        }

        Qwen2DecoderLayer.SameWidth(hidden, norm.Hidden, nameof(norm));
        Hidden = hidden;
        Vocab = embedTokens.weight!.shape[0];
        embed_tokens = embedTokens;
        this.layers = nn.ModuleList(list);
        _layers = list;
        this.norm = norm;
        rotary_emb = rotaryEmbedding;
        RegisterComponents();
    }

    /// <summary>Builds a freshly initialised decoder from the LLM config.</summary>
    /// <param name="config">LLM sizes.</param>
    /// <param name="layer">Builds layer i (e.g. with its fusion block); null = plain <see cref="Qwen2DecoderLayer"/>s.</param>
    /// <exception cref="ArgumentException">An invalid config.</exception>
    public Qwen2Model(LanguageModelConfig config, Func<int, DecoderLayer>? layer = null)
        : this(
            nn.Embedding(Qwen2DecoderLayer.Valid(config).Vocab, config.Hidden),
            Enumerable.Range(0, config.Layers).Select(i => layer?.Invoke(i) ?? new Qwen2DecoderLayer(config)).ToArray(),
            new RMSNorm(config.Hidden, config.NormEps),
            new RotaryEmbedding(config.HeadDim, config.RopeTheta))
    {
    }

    /// <summary>Model width H.</summary>
    public long Hidden { get; }

    /// <summary>Vocabulary size V.</summary>
    public long Vocab { get; }

    /// <summary>The decoder layers.</summary>
    public IReadOnlyList<DecoderLayer> Layers => _layers;

    /// <summary>The token embedding (its weight is the LM head when tied).</summary>
    public Embedding EmbedTokens => embed_tokens;

    /// <summary>Token embeddings: ids (B, S) int64 → (B, S, H).</summary>
    /// <param name="inputIds">Token ids (B, S), int64 or int32, each in [0, V).</param>
    /// <returns>A new tensor; the caller owns it.</returns>
    /// <exception cref="ArgumentException">Ids of another rank or dtype, or an id outside the vocabulary; the message
    /// names the ids' shape (libtorch would only say "index out of range in self").</exception>
    public Tensor Embed(Tensor inputIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        BlockChecks.Rank(inputIds, 2, nameof(inputIds), "(B, S) token ids");
        if (inputIds.dtype is not (ScalarType.Int64 or ScalarType.Int32))
        {
            throw new ArgumentException($"inputIds {BlockChecks.Format(inputIds.shape)} are {inputIds.dtype}; token ids are int64 (or int32)", nameof(inputIds));
        }

        try
        {
            return embed_tokens.call(inputIds);
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            // The range is checked only once libtorch has refused the ids: a min/max over every id would be per-element
            // work on each decoding step, and libtorch's own bounds check is a recoverable error on the CPU.
            throw OutOfVocabulary(inputIds, e);
        }
    }

    private Exception OutOfVocabulary(Tensor inputIds, Exception inner)
    {
        using var scope = torch.NewDisposeScope();
        long min = inputIds.min().item<long>(), max = inputIds.max().item<long>();
        return min < 0 || max >= Vocab
            ? new ArgumentException(
                $"inputIds {BlockChecks.Format(inputIds.shape)} hold token ids in [{min}, {max}], outside the vocabulary [0, {Vocab})", nameof(inputIds), inner)
            : new ArgumentException($"inputIds {BlockChecks.Format(inputIds.shape)} could not be embedded: {inner.Message.Split('\n')[0]}", nameof(inputIds), inner);
    }

    /// <summary>Runs the layers over the embeddings of S new positions.</summary>
    /// <param name="inputsEmbeds">(B, S, H).</param>
    /// <param name="inputs">Padding, cache and fusion inputs, or null.</param>
    /// <returns>Final hidden states (B, S, H); the caller owns them.</returns>
    public override Tensor forward(Tensor inputsEmbeds, DecoderInputs? inputs)
    {
        BlockChecks.Rank(inputsEmbeds, 3, nameof(inputsEmbeds), "(B, S, H)");
        BlockChecks.LastDim(inputsEmbeds, Hidden, nameof(inputsEmbeds));
        inputs ??= new DecoderInputs();
        using var scope = torch.NewDisposeScope();
        long b = inputsEmbeds.shape[0], s = inputsEmbeds.shape[1];
        var device = inputsEmbeds.device;
        if (inputs.Padding is not null && (inputs.Padding.shape.Length != 2 || inputs.Padding.shape[0] != b || inputs.Padding.shape[1] != s))
        {
            throw new ArgumentException($"the padding mask has shape {BlockChecks.Format(inputs.Padding.shape)}; expected (B, S) = ({b}, {s})", nameof(inputs));
        }

        var cache = inputs.Cache;
        long past = cache?.Length ?? 0;
        Tensor? padding = inputs.Padding;   // [B, P + S] once the cache's history is prepended
        if (cache is not null)
        {
            cache.CheckBatch(b, $"inputsEmbeds {BlockChecks.Format(inputsEmbeds.shape)}");
            cache.Advance(s, inputs.Padding, b);
            padding = cache.Padding();
        }

        var positions = Positions(b, s, past, padding, device);   // [B, S]
        using var rotary = rotary_emb.call(positions);
        var mask = AttentionMasks.Causal(s, past, padding, device);   // [B or 1, 1, S, P + S]
        var h = inputsEmbeds;
        for (int i = 0; i < _layers.Length; i++)
        {
            var context = new LayerContext(rotary, mask, cache?.Layer(i), inputs.Fusion);
            h = _layers[i].call(h, context);
        }

        return norm.call(h).MoveToOuterDisposeScope();
    }

    /// <summary>HF's position ids: P … P+S−1 without padding, else <c>cumsum(mask) − 1</c> (padded positions get 1).</summary>
    private static Tensor Positions(long batch, long length, long past, Tensor? padding, Device device)
    {
        if (padding is null)
        {
            return torch.arange(past, past + length, dtype: ScalarType.Int64, device: device).unsqueeze(0).expand(batch, length);   // [B, S]
        }

        var valid = padding.to(ScalarType.Bool);
        using var one = 1.ToScalar();   // referenced until both ops return (docs/engine.md, "Scalars")
        var counted = valid.to(ScalarType.Int64).cumsum(1).sub(one).masked_fill(valid.logical_not(), one);   // [B, P + S]
        return counted.narrow(1, past, length);
    }
}
