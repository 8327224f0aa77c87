using System;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>
/// <c>llama_vid</c>: LLaMA-VID's two tokens per frame (Li, Wang and Jia 2023, arXiv:2311.17043;
/// <c>vlm_attention</c> and <c>token_generation</c> in <c>llamavid_arch.py</c>). For every frame t with
/// patches X_t (N, D):
/// <list type="number">
/// <item>a text-conditioned Q-Former (InstructBLIP style: M learned queries self-attend together with the
/// prompt, cross-attend to LN(X_t) every 2nd layer) gives M query outputs, mapped to the vision width:
/// Q_t = W_q·QFormer(queries, prompt, X_t) (M, D);</item>
/// <item>context: A = softmax(Q_t·(W_k·X_t)ᵀ/√D) (M, N), e_ctx = mean over the M queries of A·X_t — a convex
/// combination of the frame's raw patches — then E_ctx = W_v·e_ctx;</item>
/// <item>content: E_content = mean over the N patches of X_t (the <c>compress_type: mean</c> variant).</item>
/// </list>
/// The prompt is the LLM's embedded prompt (B, L, H_llm), brought to the Q-Former width by
/// <c>vlm_att_text_projector</c> (the zoo's stand-in for LLaMA-VID's BERT word embeddings); with no prompt
/// the queries run alone. Padded prompt positions (a false/0 in the text padding mask (B, L), the same mask
/// the LLM gets) are hidden from the Q-Former's self-attention, as BERT's <c>attention_mask</c> hides them in
/// LLaMA-VID, so a padded prompt gives the tokens of its unpadded self. Both tokens stay at the vision width D;
/// the model's projector maps them to the LLM.
/// Features (B, T, N, D), prompt (B, L, H_llm) or null, padding (B, L) or null → tokens (B, 2T, D),
/// [context, content] per frame.
/// Keys: <c>vlm_att_text_projector</c>, <c>vlm_att_query</c> (1, M, H_r), <c>vlm_att_ln</c>,
/// <c>vlm_att_encoder.{layernorm,encoder.layer.{i}.*}</c> (Q-Former with text FFN <c>intermediate</c>/<c>output</c>),
/// <c>vlm_att_projector</c> (H_r → D), <c>vlm_att_key_projector</c> (D → D), <c>vlm_att_val_projector</c> (D → D).
/// </summary>
[BlockFor(typeof(LlamaVidCompressorConfig))]
public sealed class LlamaVidCompressor : VisualCompressor, ICompressorCost<LlamaVidCompressorConfig>
{
    /// <summary>LLaMA-VID's Q-Former cross-attends every 2nd layer (its <c>init_bert(cross_attention_freq=2)</c>).</summary>
    public const int CrossEvery = 2;

    private readonly Linear vlm_att_text_projector;
    private readonly Parameter vlm_att_query;
    private readonly LayerNorm vlm_att_ln;
    private readonly QFormerModel vlm_att_encoder;
    private readonly Linear vlm_att_projector;
    private readonly Linear vlm_att_key_projector;
    private readonly Linear vlm_att_val_projector;

    private readonly LlamaVidCompressorConfig _config;
    private readonly long _textWidth;
    private readonly long _qformerWidth;

    /// <summary>Creates the compressor from explicit sizes.</summary>
    /// <param name="patchGrid">Side g of the encoder's patch grid (N = g²).</param>
    /// <param name="visionWidth">Encoder feature width D (also the output width).</param>
    /// <param name="textWidth">Width H_llm of the embedded prompt.</param>
    /// <param name="queries">Text-query count M of the Q-Former (32 in LLaMA-VID).</param>
    /// <param name="hidden">Q-Former width H_r; divisible by <paramref name="heads"/>.</param>
    /// <param name="layers">Q-Former layers.</param>
    /// <param name="heads">Q-Former attention heads.</param>
    /// <param name="mlp">Q-Former FFN inner width.</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    /// <exception cref="ArgumentException">A size is invalid; the message quotes it.</exception>
    public LlamaVidCompressor(int patchGrid, long visionWidth, long textWidth, int queries, long hidden, int layers, long heads, long mlp, double normEps)
        : base(nameof(LlamaVidCompressor), patchGrid, visionWidth, visionWidth)
    {
        BlockChecks.Positive(textWidth, "textWidth");
        BlockChecks.Positive(queries, "queries");
        BlockChecks.Positive(hidden, "hidden");
        BlockChecks.Epsilon(normEps, "normEps");
        _config = new LlamaVidCompressorConfig(queries);
        _textWidth = textWidth;
        _qformerWidth = hidden;
        vlm_att_text_projector = nn.Linear(textWidth, hidden);
        vlm_att_query = nn.Parameter(torch.empty(1, queries, hidden));
        nn.init.normal_(vlm_att_query, 0.0, 0.02); // BERT's initializer_range, as LLaMA-VID's init_bert
        vlm_att_ln = nn.LayerNorm(visionWidth, normEps);
        vlm_att_encoder = new QFormerModel(layers, hidden, heads, mlp, normEps, visionWidth, queries, CrossEvery, hasTextInput: true);
        vlm_att_projector = nn.Linear(hidden, visionWidth);
        vlm_att_key_projector = nn.Linear(visionWidth, visionWidth);
        vlm_att_val_projector = nn.Linear(visionWidth, visionWidth);
        RegisterComponents();
    }

    /// <summary>Creates the compressor from its record, the preset's vision and resampler sections and the LLM width.</summary>
    /// <param name="config">Text-query count.</param>
    /// <param name="vision">Defines g and D.</param>
    /// <param name="resampler">Q-Former sizes.</param>
    /// <param name="textWidth">Width of the embedded prompt (llm.hidden).</param>
    public LlamaVidCompressor(LlamaVidCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth)
        : this(CompressorArguments.Checked(config, vision, resampler).PatchGrid, vision.Hidden, textWidth, config.Queries,
            resampler.Hidden, resampler.Layers, resampler.Heads, resampler.Mlp, resampler.NormEps)
    {
    }

    /// <summary>Text-query count M.</summary>
    public int Queries => _config.Queries;

    /// <summary>Width of the embedded prompt.</summary>
    public long TextWidth => _textWidth;

    /// <inheritdoc/>
    public override HfKeyMap HfKeys => HfKeyMap.New("LLaMA-VID, arXiv:2311.17043");

    /// <inheritdoc/>
    public override long TokensFor(int frames) => _config.Tokens(frames, PatchGrid);

    /// <summary>
    /// Features (B, T, N, D), prompt (B, L, H_llm) or null, prompt padding (B, L) (true/1 = a real token) or null →
    /// tokens (B, 2T, D): per frame [W_v·e_ctx, mean patch].
    /// </summary>
    /// <exception cref="ArgumentException">The features, the prompt or its padding are malformed.</exception>
    public override CompressorOutput forward(Tensor features, Tensor? text, Tensor? textPadding)
    {
        CheckFeatures(features);
        CheckText(features, text, textPadding);
        using var scope = NewDisposeScope();
        long batch = features.shape[0], time = features.shape[1];
        var patches = features.reshape(batch * time, InputTokensPerFrame, InputWidth);    // [B·T, N, D]
        var context = vlm_att_val_projector.call(Context(patches, text, textPadding, batch, time));   // [B·T, D]
        var content = patches.mean(new long[] { 1 });                                     // [B·T, D]
        var tokens = torch.stack(new[] { context, content }, 1)                           // [B·T, 2, D]
            .reshape(batch, 2 * time, InputWidth);                                        // [B, 2T, D]
        return new CompressorOutput(tokens.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The context feature e_ctx of every frame before <c>vlm_att_val_projector</c>: a convex combination of
    /// the frame's patches. Features (B, T, N, D), prompt (B, L, H_llm) or null, its padding (B, L) or null → (B, T, D).
    /// </summary>
    /// <exception cref="ArgumentException">The features, the prompt or its padding are malformed.</exception>
    public Tensor ContextFeatures(Tensor features, Tensor? text, Tensor? textPadding = null)
    {
        CheckFeatures(features);
        CheckText(features, text, textPadding);
        using var scope = NewDisposeScope();
        long batch = features.shape[0], time = features.shape[1];
        var patches = features.reshape(batch * time, InputTokensPerFrame, InputWidth);    // [B·T, N, D]
        return Context(patches, text, textPadding, batch, time).reshape(batch, time, InputWidth).MoveToOuterDisposeScope(); // [B, T, D]
    }

    // patches (B·T, N, D), prompt (B, L, H_llm)?, padding (B, L)? → e_ctx (B·T, D)
    private Tensor Context(Tensor patches, Tensor? text, Tensor? textPadding, long batch, long time)
    {
        long frames = batch * time;
        var embeddings = vlm_att_query.expand(frames, Queries, _qformerWidth);                    // [B·T, M, H_r]
        Tensor? padding = null;
        if (text is not null && text.shape[1] > 0) {
            long length = text.shape[1];
            var prompt = vlm_att_text_projector.call(text)                                       // [B, L, H_r]
                .unsqueeze(1).expand(batch, time, length, _qformerWidth)                         // [B, T, L, H_r]
                .reshape(frames, length, _qformerWidth);                                         // [B·T, L, H_r]
            embeddings = torch.cat(new[] { embeddings, prompt }, 1);                             // [B·T, M+L, H_r]
            padding = textPadding?.to(ScalarType.Bool)
                .unsqueeze(1).expand(batch, time, length)                                        // [B, T, L]
                .reshape(frames, length);                                                        // [B·T, L]
        }
        var queryOut = vlm_att_encoder.call(embeddings, vlm_att_ln.call(patches), padding);      // [B·T, M, H_r]
        var textQueries = vlm_att_projector.call(queryOut);                                      // [B·T, M, D]
        var keys = vlm_att_key_projector.call(patches);                                          // [B·T, N, D]
        // softmax(Q·Kᵀ/√D)·X with the raw patches as values: each row is a convex combination of patches
        var attended = ScaledDotProductAttention.Compute(textQueries, keys, patches);  // [B·T, M, D]
        return attended.mean(new long[] { 1 });                                                  // [B·T, D]
    }

    private void CheckText(Tensor features, Tensor? text, Tensor? textPadding)
    {
        if (text is null) {
            return;
        }
        var shape = text.shape;
        if (shape.Length != 3 || shape[0] != features.shape[0] || shape[2] != _textWidth) {
            throw new ArgumentException(
                $"{GetName()}: prompt {BlockChecks.Format(shape)} must be (B = {features.shape[0]}, L, {_textWidth})", nameof(text));
        }
        if (textPadding is not null && (textPadding.shape.Length != 2 || textPadding.shape[0] != shape[0] || textPadding.shape[1] != shape[1])) {
            throw new ArgumentException(
                $"{GetName()}: prompt padding {BlockChecks.Format(textPadding.shape)} must be (B = {shape[0]}, L = {shape[1]})", nameof(textPadding));
        }
    }

    /// <summary>
    /// FLOPs per frame: a text Q-Former (m queries + L prompt tokens) → m text queries in vision width; keys = W_k X;
    /// context = mean over queries of softmax(QKᵀ/√D)·X (raw patches as values) → W_val; and the prompt's text projector
    /// once per sample.
    /// </summary>
    /// <inheritdoc/>
    public static FlopBreakdown Flops(LlamaVidCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vision);
        ArgumentNullException.ThrowIfNull(resampler);
        checked
        {
            long r = resampler.Hidden, m = config.Queries, d = vision.Hidden, n = vision.TokensPerFrame, images = (long)batch * frames;
            var qformer = VisualBlockFlops.QFormer(resampler, m, CrossEvery, d, n, promptTokens).Times(images);
            long linear = VisualBlockFlops.Linear((long)batch * promptTokens, textWidth, r)   // vlm_att_text_projector (once per sample)
                + images * (VisualBlockFlops.Linear(m, r, d)                                // vlm_att_projector
                    + VisualBlockFlops.Linear(n, d, d)                                      // vlm_att_key_projector
                    + VisualBlockFlops.Linear(1, d, d));                                    // vlm_att_val_projector on the context
            long matmul = images * VisualBlockFlops.Attention(m, n, d);
            return qformer + VisualBlockFlops.Compressor(linear, matmul);
        }
    }

    /// <summary>Parameters: text projector H·R + R, queries m·R, LayerNorm 2D, the text Q-Former body, query projector R·D + D, key and value projectors 2(D² + D).</summary>
    /// <inheritdoc/>
    public static long Parameters(LlamaVidCompressorConfig config, VisionConfig vision, ResamplerConfig resampler, long textWidth)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vision);
        ArgumentNullException.ThrowIfNull(resampler);
        checked
        {
            long d = vision.Hidden, r = resampler.Hidden;
            return BlockParameters.Linear(textWidth, r) + config.Queries * r + 2 * d
                + BlockParameters.QFormer(resampler, CrossEvery, d, hasText: true)
                + BlockParameters.Linear(r, d) + 2 * BlockParameters.Linear(d, d);
        }
    }
}
