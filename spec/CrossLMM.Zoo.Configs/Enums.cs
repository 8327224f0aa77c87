namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// How frames become encoder features (<c>vision.kind</c>). Vision kinds have no fields (their sizes come from the
    /// preset), so a member with its <see cref="KindAttribute"/> is the whole declaration; its block names it in a
    /// <see cref="BlockForAttribute"/>.
    /// </summary>
    public enum VisionKind
    {
        /// <summary><c>vit</c>: a SigLIP-style ViT (patch conv, learned positions, pre-LN blocks, post-LN).</summary>
        [Kind("vit", "SigLIP-style ViT: patch conv, learned positions, pre-LN blocks, post-LN. N = g² tokens per frame.")]
        Vit,

        /// <summary><c>precomputed</c>: the caller passes encoder features of shape (B, T, N, D).</summary>
        [Kind("precomputed", "The caller passes (B, T, N, D) features; N and D from the preset's vision section.")]
        Precomputed,
    }

    /// <summary>
    /// The language model family (<c>llm.kind</c>): like <see cref="VisionKind"/>, a member with its <see cref="KindAttribute"/>
    /// is the declaration, and its block names it in a <see cref="BlockForAttribute"/>.
    /// </summary>
    public enum LanguageModelKind
    {
        /// <summary><c>qwen2</c>: Qwen2-style decoder (RMSNorm, RoPE, GQA, SwiGLU).</summary>
        [Kind("qwen2", "Qwen2-style decoder: embeddings, RMSNorm, RoPE, GQA, SwiGLU, tied or separate head.")]
        Qwen2,
    }

    /// <summary>Where the video sits in the LLM stream (<c>layout</c>).</summary>
    public enum Layout
    {
        /// <summary><c>video_first</c>: [visual tokens][text]. Under the causal mask visual tokens cannot see the question.</summary>
        VideoFirst,

        /// <summary><c>question_first</c>: [text][visual tokens]; visual positions (and V2V queries) see the question.</summary>
        QuestionFirst,

        /// <summary><c>cross_attention_only</c>: no visual tokens in the stream; vision enters only through fusion (Flamingo).</summary>
        CrossAttentionOnly,
    }

    /// <summary>Which visual tokens a fusion entry reads as keys and values (<c>fusion[i].source</c>).</summary>
    public enum FusionSource
    {
        /// <summary><c>original</c>: all T·N encoder tokens (any compressor).</summary>
        Original,

        /// <summary><c>compressed</c>: the compressor's output tokens.</summary>
        Compressed,

        /// <summary><c>slow</c>: temporal_pool's slow tokens, T·⌈g/σ⌉² (spatially pooled only).</summary>
        Slow,
    }

    /// <summary>Which keys a V2V query may attend to (<c>scope</c> of dual_cross_attention).</summary>
    public enum TokenScope
    {
        /// <summary><c>global</c>: every token of the source (all frames).</summary>
        Global,

        /// <summary><c>frame</c>: only the source tokens of the query's own frame.</summary>
        Frame,
    }

    /// <summary>The two cross-attention branches of a CrossLMM dual cross-attention layer.</summary>
    public enum CrossAttentionBranch
    {
        /// <summary><c>v2v</c>: queries at the visual positions of the stream.</summary>
        V2V,

        /// <summary><c>t2v</c>: queries at the text positions of the stream.</summary>
        T2V,
    }

    /// <summary>Whether a resampler produces its tokens per frame or per video (<c>per</c>).</summary>
    public enum Granularity
    {
        /// <summary><c>frame</c>: one token set per frame (T·n tokens).</summary>
        Frame,

        /// <summary><c>video</c>: one token set for the whole video.</summary>
        Video,
    }

    /// <summary>Activation function of an MLP projector (<c>activation</c>).</summary>
    public enum Activation
    {
        /// <summary><c>gelu</c>: exact GELU (erf).</summary>
        Gelu,

        /// <summary><c>gelu_tanh</c>: GELU, tanh approximation.</summary>
        GeluTanh,

        /// <summary><c>silu</c>: SiLU / swish.</summary>
        Silu,

        /// <summary><c>relu</c>: ReLU.</summary>
        Relu,
    }

    /// <summary>Normalisation in front of an MLP projector (<c>norm</c>).</summary>
    public enum ProjectorNorm
    {
        /// <summary><c>none</c>.</summary>
        None,

        /// <summary><c>layer_norm</c>: LayerNorm over the input width before the first Linear.</summary>
        LayerNorm,
    }

    /// <summary>
    /// The feature space a tensor of visual tokens lives in before projection: the vision encoder's
    /// (width vision.hidden) or the resampler's (width resampler.hidden).
    /// </summary>
    public enum FeatureSpace
    {
        /// <summary>Vision encoder features, width <see cref="VisionConfig.Hidden"/>.</summary>
        Vision,

        /// <summary>Resampler outputs, width <see cref="ResamplerConfig.Hidden"/>.</summary>
        Resampler,
    }
}
