using System;
using System.Collections.Generic;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// A compressor turns encoder features (B, T, N, D) into the visual tokens of the LLM stream.
    /// The hierarchy is closed: one sealed record per kind, each declared by its <see cref="KindAttribute"/> and fields (<see cref="KindDeclaration"/>). Each kind states its
    /// token-count formula (<see cref="Tokens"/>) in terms of the frame count T and the patch grid side g.
    /// </summary>
    public abstract record CompressorConfig
    {
        private protected CompressorConfig()
        {
        }

        /// <summary>The kind's declaration: its <see cref="KindAttribute"/> and fields.</summary>
        public KindDeclaration Declaration => KindDeclaration.Of(GetType());

        /// <summary>The kind's YAML name (<c>pool2d</c>, <c>qformer</c>, ...).</summary>
        public string KindName => Declaration.Name;

        /// <summary>The feature space of the output tokens (the kind's <see cref="KindAttribute.Output"/>); decides their width (<see cref="OutputWidth"/>).</summary>
        public FeatureSpace OutputSpace => Declaration.Attribute.Output;

        /// <summary>Whether the compressor owns learned-query blocks sized by the preset's resampler section.</summary>
        public virtual bool UsesResampler => OutputSpace == FeatureSpace.Resampler;

        /// <summary>
        /// Whether the output is a fixed number of tokens per frame, each depending on its own frame only
        /// (needed by <c>scope: frame</c>).
        /// </summary>
        public abstract bool IsPerFrame { get; }

        /// <summary>
        /// <c>compressor.slow_stride</c>: the spatial stride σ of the <c>slow</c> fusion source of every kind but
        /// <c>temporal_pool</c> (whose slow tokens are pooled by its own stride): every frame's encoder tokens,
        /// average-pooled with kernel = stride = σ in ceil mode, T·⌈g/σ⌉² tokens. 1 keeps every token. So any
        /// compressor can feed the stream while hybrid (or other fusion) layers read their own pooled source.
        /// </summary>
        public int SlowStride { get; init; } = 1;

        /// <summary>The stride σ of the <c>slow</c> source: <see cref="SlowStride"/>, or temporal_pool's own stride.</summary>
        public virtual int SlowSourceStride => SlowStride;

        /// <summary>Tokens of the <c>slow</c> fusion source: T·⌈g/σ⌉² with σ = <see cref="SlowSourceStride"/>.</summary>
        /// <param name="frames">Frame count T ≥ 0.</param>
        /// <param name="patchGrid">Patch grid side g.</param>
        public long SlowTokens(int frames, int patchGrid)
        {
            CheckFrames(frames);
            long side = CeilDiv(patchGrid, SlowSourceStride);
            return frames * side * side;
        }

        /// <summary>The token-count formula in symbols: T = frames, g = patch grid side (e.g. <c>T·grid²</c>).</summary>
        public virtual string TokensFormula => Declaration.Attribute.Tokens ?? string.Empty;

        /// <summary>The formula with this config's values and a patch grid side substituted (e.g. <c>9·T</c>).</summary>
        /// <param name="patchGrid">Patch grid side g = image / patch.</param>
        public abstract string TokensFormulaAt(int patchGrid);

        /// <summary>Output tokens for <paramref name="frames"/> frames (0 frames give 0 tokens).</summary>
        /// <param name="frames">Frame count T ≥ 0.</param>
        /// <param name="patchGrid">Patch grid side g = image / patch.</param>
        /// <exception cref="ArgumentOutOfRangeException">A negative frame count.</exception>
        public abstract long Tokens(int frames, int patchGrid);

        /// <summary>Output tokens per frame for per-frame kinds; <see langword="null"/> for the others.</summary>
        /// <param name="patchGrid">Patch grid side g = image / patch.</param>
        public virtual int? TokensPerFrame(int patchGrid) => null;

        /// <summary>The most frames one forward may receive, or null for no limit (perceiver: the rows of its time embedding).</summary>
        public virtual int? FrameLimit => null;

        /// <summary>
        /// The one wording of the frame-limit rule, used by the block, the cost model and the tools alike: null when
        /// <paramref name="frames"/> fits <see cref="FrameLimit"/>, otherwise
        /// <c>"frames (5000) must be ≤ compressor.max_frames (1024): the perceiver's time embedding has no row for later frames"</c>.
        /// </summary>
        /// <param name="frames">Frame count T.</param>
        public string? FramesProblem(int frames) =>
            FrameLimit is int limit && frames > limit
                ? $"frames ({frames}) must be ≤ compressor.max_frames ({limit}): the {KindName}'s time embedding has no row for later frames"
                : null;

        /// <summary>Width of the output tokens: vision.hidden or resampler.hidden, by <see cref="OutputSpace"/>.</summary>
        /// <param name="vision">The vision config.</param>
        /// <param name="resampler">The resampler config.</param>
        public int OutputWidth(VisionConfig vision, ResamplerConfig resampler) =>
            OutputSpace == FeatureSpace.Vision ? vision.Hidden : resampler.Hidden;

        /// <summary>The shared rules this config breaks against a vision config, as messages (empty when valid).</summary>
        /// <param name="vision">The vision config that defines the patch grid.</param>
        public IReadOnlyList<string> Validate(VisionConfig vision)
        {
            var problems = Problems(vision);
            var messages = new string[problems.Count];
            for (int i = 0; i < messages.Length; i++)
            {
                messages[i] = problems[i].Message;
            }

            return messages;
        }

        /// <summary>
        /// The record's sized rules against <paramref name="vision"/>, each with the field it is about (<c>grid</c>), so the
        /// binder reports it at that YAML value; <see cref="Validate"/> gives their messages.
        /// </summary>
        /// <param name="vision">The vision section (patch grid g).</param>
        public abstract IReadOnlyList<ConfigProblem> Problems(VisionConfig vision);

        /// <summary>Checks a frame count argument.</summary>
        /// <param name="frames">Frame count T.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="frames"/> is negative.</exception>
        protected static void CheckFrames(int frames)
        {
            if (frames < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(frames), frames, ConfigRules.BelowMinimum("frames", frames, 0));
            }
        }

        /// <summary>⌈a / b⌉ for positive b.</summary>
        /// <param name="a">Dividend ≥ 0.</param>
        /// <param name="b">Divisor ≥ 1.</param>
        protected static int CeilDiv(int a, int b) => b <= 0 ? 0 : (a + b - 1) / b;
    }

    /// <summary><c>identity</c>: every encoder token enters the LLM (full tokens, LLaVA-OneVision style). Tokens: T·g².</summary>
    [Kind("identity", "All encoder tokens, no compression (the full-token baseline).", Tokens = "T·g²")]
    public sealed record IdentityCompressorConfig : CompressorConfig
    {
        /// <inheritdoc/>
        public override bool IsPerFrame => true;

        /// <inheritdoc/>
        public override string TokensFormulaAt(int patchGrid) => $"{patchGrid * patchGrid}·T";

        /// <inheritdoc/>
        public override long Tokens(int frames, int patchGrid)
        {
            CheckFrames(frames);
            return (long)frames * patchGrid * patchGrid;
        }

        /// <inheritdoc/>
        public override int? TokensPerFrame(int patchGrid) => patchGrid * patchGrid;

        /// <inheritdoc/>
        public override IReadOnlyList<ConfigProblem> Problems(VisionConfig vision) => new ConfigProblem[0];
    }

    /// <summary>
    /// <c>pool2d</c>: parameter-free adaptive 2D average pooling of each frame's g×g token map to
    /// <paramref name="Grid"/>×<paramref name="Grid"/> (CrossLMM's token merge; 1, 9 or 16 tokens per frame).
    /// Tokens: T·grid².
    /// </summary>
    /// <param name="Grid">Output grid side, 1 ≤ grid ≤ g.</param>
    [Kind("pool2d", "Adaptive 2D average pooling of each frame to a grid × grid map (CrossLMM's token merge).", Tokens = "T·grid²")]
    public sealed record Pool2dCompressorConfig([Field("Output grid side.", Max = 1024, Where = "≤ g")] int Grid) : CompressorConfig
    {
        /// <inheritdoc/>
        public override bool IsPerFrame => true;

        /// <inheritdoc/>
        public override string TokensFormulaAt(int patchGrid) => $"{Grid * Grid}·T";

        /// <inheritdoc/>
        public override long Tokens(int frames, int patchGrid)
        {
            CheckFrames(frames);
            return (long)frames * Grid * Grid;
        }

        /// <inheritdoc/>
        public override int? TokensPerFrame(int patchGrid) => Grid * Grid;

        /// <inheritdoc/>
        public override IReadOnlyList<ConfigProblem> Problems(VisionConfig vision)
        {
            var problems = new List<ConfigProblem>();
            ConfigRules.Positive(problems, "grid", Grid);
            if (Grid > vision.PatchGrid)
            {
                problems.Add(new ConfigProblem("grid", ConfigRules.LargerThanPatchGrid("compressor.grid", Grid, vision)));
            }

            return problems;
        }
    }

    /// <summary>
    /// <c>strided_pool2d</c>: average pooling with kernel = stride = <paramref name="Stride"/> in ceil mode
    /// (LLaVA-OneVision video: 27×27 → 14×14 with stride 2). Tokens: T·⌈g/stride⌉².
    /// </summary>
    /// <param name="Stride">Pooling stride and kernel, 1 ≤ stride ≤ g.</param>
    [Kind("strided_pool2d", "2D average pooling, kernel = stride, ceil mode (LLaVA-OneVision video: 27×27 → 14×14).", Tokens = "T·⌈g/stride⌉²")]
    public sealed record StridedPool2dCompressorConfig([Field("Pooling stride and kernel.", Max = 1024, Where = "≤ g")] int Stride) : CompressorConfig
    {
        /// <inheritdoc/>
        public override bool IsPerFrame => true;

        /// <summary>Output grid side ⌈g / stride⌉.</summary>
        /// <param name="patchGrid">Patch grid side g.</param>
        public int OutputGrid(int patchGrid) => CeilDiv(patchGrid, Stride);

        /// <inheritdoc/>
        public override string TokensFormulaAt(int patchGrid) => $"{OutputGrid(patchGrid) * OutputGrid(patchGrid)}·T";

        /// <inheritdoc/>
        public override long Tokens(int frames, int patchGrid)
        {
            CheckFrames(frames);
            long side = OutputGrid(patchGrid);
            return frames * side * side;
        }

        /// <inheritdoc/>
        public override int? TokensPerFrame(int patchGrid) => OutputGrid(patchGrid) * OutputGrid(patchGrid);

        /// <inheritdoc/>
        public override IReadOnlyList<ConfigProblem> Problems(VisionConfig vision)
        {
            var problems = new List<ConfigProblem>();
            ConfigRules.Positive(problems, "stride", Stride);
            if (Stride > vision.PatchGrid)
            {
                problems.Add(new ConfigProblem("stride", ConfigRules.LargerThanPatchGrid("compressor.stride", Stride, vision)));
            }

            return problems;
        }
    }

    /// <summary>
    /// <c>temporal_pool</c>: Slow-Fast's token paths. Fast tokens (in the stream): frames average-pooled in
    /// time by τ = <paramref name="Frames"/>, then in space by σ = <paramref name="Stride"/>:
    /// max(1, ⌊T/τ⌋)·⌈g/σ⌉². Slow tokens (the <c>slow</c> fusion source): every frame, pooled in space
    /// only: T·⌈g/σ⌉².
    /// </summary>
    /// <param name="Frames">Temporal pooling window τ ≥ 1.</param>
    /// <param name="Stride">Spatial pooling stride σ, 1 ≤ σ ≤ g.</param>
    [Kind("temporal_pool", "Slow-Fast: fast tokens pooled over time (τ frames) and space (σ) in the stream; provides the 'slow' source (every frame, pooled in space only: T·⌈g/σ⌉²).", Tokens = "max(1, ⌊T/frames⌋)·⌈g/stride⌉²")]
    public sealed record TemporalPoolCompressorConfig(
        [Field("Temporal pooling window τ.", Max = 4096)] int Frames,
        [Field("Spatial pooling stride σ.", Max = 1024, Default = 1, Where = "≤ g")] int Stride) : CompressorConfig
    {
        /// <inheritdoc/>
        public override bool IsPerFrame => false;

        /// <inheritdoc/>
        public override int SlowSourceStride => Stride;

        /// <summary>Spatial grid side after pooling, ⌈g / σ⌉.</summary>
        /// <param name="patchGrid">Patch grid side g.</param>
        public int SpatialGrid(int patchGrid) => CeilDiv(patchGrid, Stride);

        /// <summary>Fast frames after temporal pooling: max(1, ⌊T/τ⌋), and 0 for T = 0.</summary>
        /// <param name="frames">Frame count T ≥ 0.</param>
        public int FastFrames(int frames)
        {
            CheckFrames(frames);
            return frames == 0 ? 0 : Math.Max(1, frames / Frames);
        }

        /// <inheritdoc/>
        public override string TokensFormulaAt(int patchGrid)
        {
            int side = SpatialGrid(patchGrid);
            return $"max(1, ⌊T/{Frames}⌋)·{side * side}";
        }

        /// <inheritdoc/>
        public override long Tokens(int frames, int patchGrid)
        {
            long side = SpatialGrid(patchGrid);
            return FastFrames(frames) * side * side;
        }

        /// <inheritdoc/>
        public override IReadOnlyList<ConfigProblem> Problems(VisionConfig vision)
        {
            var problems = new List<ConfigProblem>();
            ConfigRules.Positive(problems, "frames", Frames);
            ConfigRules.Positive(problems, "stride", Stride);
            if (Stride > vision.PatchGrid)
            {
                problems.Add(new ConfigProblem("stride", ConfigRules.LargerThanPatchGrid("compressor.stride", Stride, vision)));
            }

            return problems;
        }
    }

    /// <summary>
    /// <c>qformer</c>: BLIP-2 Q-Former. <paramref name="Queries"/> learned queries self-attend, cross-attend
    /// to the encoder features every <paramref name="CrossEvery"/>-th layer (layers 0, k, 2k, ...), and
    /// have their own FFN. Sized by the resampler section. Tokens: T·queries per frame, or queries per video.
    /// </summary>
    /// <param name="Queries">Learned queries Q ≥ 1 (32 in BLIP-2).</param>
    /// <param name="Per">One query set per frame or per video.</param>
    /// <param name="CrossEvery">Cross-attention in layers whose index is a multiple of this (2 in BLIP-2).</param>
    [Kind("qformer", "BLIP-2 Q-Former: learned queries, self-attention, cross-attention every cross_every layers, own FFN.", Tokens = "T·queries (per frame) or queries (per video)", Output = FeatureSpace.Resampler)]
    public sealed record QFormerCompressorConfig(
        [Field("Learned queries.", Max = 65536, Default = 32)] int Queries,
        [Field("One query set per frame or per video.", Default = Granularity.Frame)] Granularity Per,
        [Field("Cross-attention in resampler layers 0, k, 2k, ...", Max = 1024, Default = 2)] int CrossEvery) : CompressorConfig
    {
        /// <inheritdoc/>
        public override bool IsPerFrame => Per == Granularity.Frame;

        /// <inheritdoc/>
        public override string TokensFormula => Per == Granularity.Frame ? "T·queries" : "queries";

        /// <inheritdoc/>
        public override string TokensFormulaAt(int patchGrid) => Per == Granularity.Frame ? $"{Queries}·T" : $"{Queries}";

        /// <summary>Whether resampler layer <paramref name="layer"/> has a cross-attention to the features.</summary>
        /// <param name="layer">Zero-based layer index.</param>
        public bool HasCrossAttention(int layer) => CrossEvery > 0 && layer % CrossEvery == 0;

        /// <inheritdoc/>
        public override long Tokens(int frames, int patchGrid)
        {
            CheckFrames(frames);
            return frames == 0 ? 0 : Per == Granularity.Frame ? (long)frames * Queries : Queries;
        }

        /// <inheritdoc/>
        public override int? TokensPerFrame(int patchGrid) => Per == Granularity.Frame ? Queries : null;

        /// <inheritdoc/>
        public override IReadOnlyList<ConfigProblem> Problems(VisionConfig vision)
        {
            var problems = new List<ConfigProblem>();
            ConfigRules.Positive(problems, "queries", Queries);
            ConfigRules.Positive(problems, "cross_every", CrossEvery);
            return problems;
        }
    }

    /// <summary>
    /// <c>perceiver</c>: Flamingo Perceiver resampler. <paramref name="Latents"/> learned latents attend to
    /// [features; latents], with a learned time embedding for up to <paramref name="MaxFrames"/> frames.
    /// Sized by the resampler section. Tokens: latents per video, or T·latents per frame.
    /// </summary>
    /// <param name="Latents">Learned latents R ≥ 1 (64 in Flamingo).</param>
    /// <param name="Per">One latent set per video (Flamingo) or per frame.</param>
    /// <param name="MaxFrames">Rows of the time embedding: the most frames a forward may receive.</param>
    [Kind("perceiver", "Flamingo Perceiver resampler: latents attend to [features; latents], learned time embedding.", Tokens = "latents (per video) or T·latents (per frame)", Output = FeatureSpace.Resampler)]
    public sealed record PerceiverCompressorConfig(
        [Field("Learned latents.", Max = 65536, Default = 64)] int Latents,
        [Field("One latent set per video or per frame.", Default = Granularity.Video)] Granularity Per,
        [Field("Rows of the time embedding (most frames per forward).", Max = 1 << 20, Default = 1024)] int MaxFrames) : CompressorConfig
    {
        /// <inheritdoc/>
        public override bool IsPerFrame => Per == Granularity.Frame;

        /// <inheritdoc/>
        public override string TokensFormula => Per == Granularity.Frame ? "T·latents" : "latents";

        /// <inheritdoc/>
        public override int? FrameLimit => MaxFrames;

        /// <inheritdoc/>
        public override string TokensFormulaAt(int patchGrid) => Per == Granularity.Frame ? $"{Latents}·T" : $"{Latents}";

        /// <inheritdoc/>
        public override long Tokens(int frames, int patchGrid)
        {
            CheckFrames(frames);
            return frames == 0 ? 0 : Per == Granularity.Frame ? (long)frames * Latents : Latents;
        }

        /// <inheritdoc/>
        public override int? TokensPerFrame(int patchGrid) => Per == Granularity.Frame ? Latents : null;

        /// <inheritdoc/>
        public override IReadOnlyList<ConfigProblem> Problems(VisionConfig vision)
        {
            var problems = new List<ConfigProblem>();
            ConfigRules.Positive(problems, "latents", Latents);
            ConfigRules.Positive(problems, "max_frames", MaxFrames);
            return problems;
        }
    }

    /// <summary>
    /// <c>ccam</c>: Video-CCAM projector. <paramref name="Queries"/> learned queries cross-attend to all
    /// T·N features under a causal cross-attention mask: queries are split into T time-ordered groups and
    /// query j sees frames 1 … ⌈(j+1)·T/Q⌉ (<see cref="VisibleFrames"/>). Sized by the resampler section.
    /// Tokens: queries (per video).
    /// </summary>
    /// <param name="Queries">Learned queries Q ≥ 1.</param>
    [Kind("ccam", "Video-CCAM projector: queries in time-ordered groups; query j sees frames up to ⌈(j+1)·T/Q⌉.", Tokens = "queries", Output = FeatureSpace.Resampler)]
    public sealed record CcamCompressorConfig(
        [Field("Learned queries Q (the default 1024 is recalled from the Video-CCAM paper, not confirmed against its code).", Max = 65536, Default = 1024)] int Queries) : CompressorConfig
    {
        /// <inheritdoc/>
        public override bool IsPerFrame => false;

        /// <inheritdoc/>
        public override string TokensFormulaAt(int patchGrid) => $"{Queries}";

        /// <summary>How many leading frames query <paramref name="query"/> may see: min(T, ⌈(j+1)·T/Q⌉).</summary>
        /// <param name="query">Zero-based query index j in [0, Q).</param>
        /// <param name="frames">Frame count T ≥ 0.</param>
        /// <exception cref="ArgumentOutOfRangeException">The query index is outside [0, Q).</exception>
        public int VisibleFrames(int query, int frames)
        {
            CheckFrames(frames);
            if (query < 0 || query >= Queries)
            {
                throw new ArgumentOutOfRangeException(nameof(query), query, $"query ({query}) must be in [0, {Queries})");
            }

            long horizon = (((long)query + 1) * frames + Queries - 1) / Queries;
            return (int)Math.Min(frames, horizon);
        }

        /// <inheritdoc/>
        public override long Tokens(int frames, int patchGrid)
        {
            CheckFrames(frames);
            return frames == 0 ? 0 : Queries;
        }

        /// <inheritdoc/>
        public override IReadOnlyList<ConfigProblem> Problems(VisionConfig vision)
        {
            var problems = new List<ConfigProblem>();
            ConfigRules.Positive(problems, "queries", Queries);
            return problems;
        }
    }

    /// <summary>
    /// <c>llama_vid</c>: LLaMA-VID, two tokens per frame: a context token (a text-conditioned Q-Former's
    /// <paramref name="Queries"/> queries attend to the frame; their mean attended feature) and a content
    /// token (the frame's mean feature). The text Q-Former is sized by the resampler section; the output
    /// tokens are in vision space. Tokens: 2·T.
    /// </summary>
    /// <param name="Queries">Text-query count M of the Q-Former (32 in LLaMA-VID).</param>
    [Kind("llama_vid", "LLaMA-VID: a text-guided context token and a mean content token per frame.", Tokens = "2·T")]
    public sealed record LlamaVidCompressorConfig(
        [Field("Text-query count of its Q-Former.", Max = 65536, Default = 32)] int Queries) : CompressorConfig
    {
        /// <inheritdoc/>
        public override bool UsesResampler => true;

        /// <inheritdoc/>
        public override bool IsPerFrame => true;

        /// <inheritdoc/>
        public override string TokensFormulaAt(int patchGrid) => "2·T";

        /// <inheritdoc/>
        public override long Tokens(int frames, int patchGrid)
        {
            CheckFrames(frames);
            return 2L * frames;
        }

        /// <inheritdoc/>
        public override int? TokensPerFrame(int patchGrid) => 2;

        /// <inheritdoc/>
        public override IReadOnlyList<ConfigProblem> Problems(VisionConfig vision)
        {
            var problems = new List<ConfigProblem>();
            ConfigRules.Positive(problems, "queries", Queries);
            return problems;
        }
    }

    /// <summary>
    /// <c>longvlm</c>: LongVLM (Weng et al. 2024, arXiv:2404.03384), parameter-free. Local tokens: the T frames are
    /// cut into ⌈T/F⌉ contiguous segments of F = <paramref name="SegmentFrames"/> frames (the last may be shorter),
    /// and each segment's F·N encoder tokens are reduced to K = <paramref name="SegmentTokens"/> by rounds of ToMe
    /// bipartite soft matching (<see cref="MergeRounds"/>), kept in temporal order. Global token: the mean of all
    /// T·N encoder tokens, placed before the local tokens. Tokens: 1 + ⌈T/F⌉·K. Output in vision space.
    /// docs/kinds/longvlm.md separates what the paper and its code state from what the zoo infers.
    /// </summary>
    /// <param name="SegmentFrames">Frames per segment F ≥ 1 (10 in LongVLM: 100 frames in 10 segments).</param>
    /// <param name="SegmentTokens">Local tokens per segment K, 1 ≤ K ≤ g² (30 in LongVLM's default merge schedule).</param>
    [Kind("longvlm", "LongVLM: frames cut into segments of segment_frames; each segment's tokens ToMe-merged to segment_tokens local tokens, in temporal order, after one global token (the mean of all encoder tokens). Parameter-free.", Tokens = "1 + ⌈T/segment_frames⌉·segment_tokens")]
    public sealed record LongVlmCompressorConfig(
        [Field("Frames per segment F (LongVLM: 10, i.e. 100 frames in 10 segments); the last segment may be shorter.", Max = 4096, Default = 10)] int SegmentFrames,
        [Field("Local tokens K per segment after merging (LongVLM's default schedule: 30).", Max = 1 << 20, Default = 30, Where = "≤ g²")] int SegmentTokens) : CompressorConfig
    {
        /// <inheritdoc/>
        public override bool IsPerFrame => false;

        /// <inheritdoc/>
        public override string TokensFormulaAt(int patchGrid) => $"1 + {SegmentTokens}·⌈T/{SegmentFrames}⌉";

        /// <summary>Segments for <paramref name="frames"/> frames: ⌈T/F⌉.</summary>
        /// <param name="frames">Frame count T ≥ 0.</param>
        public int Segments(int frames)
        {
            CheckFrames(frames);
            return CeilDiv(frames, SegmentFrames);
        }

        /// <inheritdoc/>
        public override long Tokens(int frames, int patchGrid) => frames == 0 ? 0 : 1 + (long)Segments(frames) * SegmentTokens;

        /// <summary>
        /// The merge schedule of one segment of <paramref name="segmentTokens"/> tokens: each round removes
        /// r = min(t − K, ⌊t/2⌋) of the t tokens (bipartite matching pairs at most half), until K remain. For a
        /// 10-frame segment of 256 tokens per frame and K = 30: 2560 → 1280 → 640 → 320 → 160 → 80 → 40 → 30,
        /// LongVLM's default list (1280, 640, 320, 160, 80, 40, 10).
        /// </summary>
        /// <param name="segmentTokens">Tokens t ≥ K of the segment (frames · N).</param>
        /// <returns>(t before the round, r removed) per round.</returns>
        public IReadOnlyList<(int Before, int Removed)> MergeRounds(int segmentTokens)
        {
            var rounds = new List<(int, int)>();
            for (int t = segmentTokens; t > SegmentTokens; t -= Math.Min(t - SegmentTokens, t / 2))
            {
                rounds.Add((t, Math.Min(t - SegmentTokens, t / 2)));
            }

            return rounds;
        }

        /// <inheritdoc/>
        public override IReadOnlyList<ConfigProblem> Problems(VisionConfig vision)
        {
            var problems = new List<ConfigProblem>();
            ConfigRules.Positive(problems, "segment_frames", SegmentFrames);
            ConfigRules.Positive(problems, "segment_tokens", SegmentTokens);
            if (SegmentTokens > vision.TokensPerFrame)
            {
                problems.Add(new ConfigProblem("segment_tokens", $"compressor.segment_tokens ({SegmentTokens}) must be ≤ the tokens of one frame ({vision.TokensPerFrame} = g² with g = {vision.PatchGrid})"));
            }

            return problems;
        }
    }

    /// <summary>
    /// <c>frame_sample</c>: uniform frame sampling, the fewer-frames baseline every long-video paper compares against
    /// (LLaVA-OneVision and CrossLMM sample their frames uniformly before encoding; here the sampling is a compressor, so
    /// its cost can be set against pooling at the same token budget). Frames 0, s, 2s, … keep all their g² tokens, in
    /// order; the others are dropped. Tokens: ⌈T/s⌉·g². Output in vision space; no parameters.
    /// </summary>
    /// <param name="Stride">Keep one frame in every s ≥ 1.</param>
    [Kind("frame_sample", "Uniform frame sampling: frames 0, stride, 2·stride, … keep all their g² tokens, the others are dropped (the fewer-frames baseline).", Tokens = "⌈T/stride⌉·g²")]
    public sealed record FrameSampleCompressorConfig(
        [Field("Keep one frame in every stride frames.", Max = 4096)] int Stride) : CompressorConfig
    {
        /// <inheritdoc/>
        public override bool IsPerFrame => false;

        /// <summary>Frames kept of <paramref name="frames"/>: ⌈T/s⌉.</summary>
        /// <param name="frames">Frame count T ≥ 0.</param>
        public int KeptFrames(int frames)
        {
            CheckFrames(frames);
            return CeilDiv(frames, Stride);
        }

        /// <inheritdoc/>
        public override string TokensFormulaAt(int patchGrid) => $"{patchGrid * patchGrid}·⌈T/{Stride}⌉";

        /// <inheritdoc/>
        public override long Tokens(int frames, int patchGrid) => (long)KeptFrames(frames) * patchGrid * patchGrid;

        /// <inheritdoc/>
        public override IReadOnlyList<ConfigProblem> Problems(VisionConfig vision)
        {
            var problems = new List<ConfigProblem>();
            ConfigRules.Positive(problems, "stride", Stride);
            return problems;
        }
    }
}
