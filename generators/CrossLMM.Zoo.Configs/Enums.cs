namespace CrossLMM.Zoo.Configs
{
    /// <summary>How frames become encoder features (<c>vision.kind</c>).</summary>
    public enum VisionKind
    {
        /// <summary><c>vit</c>: a SigLIP-style ViT (patch conv, learned positions, pre-LN blocks, post-LN).</summary>
        Vit,

        /// <summary><c>precomputed</c>: the caller passes encoder features of shape (B, T, N, D).</summary>
        Precomputed,
    }

    /// <summary>The language model family (<c>llm.kind</c>).</summary>
    public enum LanguageModelKind
    {
        /// <summary><c>qwen2</c>: Qwen2-style decoder (RMSNorm, RoPE, GQA, SwiGLU).</summary>
        Qwen2,
    }

    /// <summary>
    /// The compressor kind (<c>compressor.kind</c>, its <see cref="YamlNameAttribute"/>); kind K has the record
    /// <c>KCompressorConfig</c> and the block <c>KCompressor</c> (<see cref="BlockWiring"/>).
    /// </summary>
    public enum CompressorKind
    {
        /// <summary><c>identity</c>: all encoder tokens (LLaVA-OneVision style full tokens).</summary>
        [YamlName("identity")]
        Identity,

        /// <summary><c>pool2d</c>: adaptive 2D average pooling of each frame to a grid × grid map.</summary>
        [YamlName("pool2d")]
        Pool2d,

        /// <summary><c>strided_pool2d</c>: 2D average pooling with kernel = stride (ceil mode).</summary>
        [YamlName("strided_pool2d")]
        StridedPool2d,

        /// <summary><c>temporal_pool</c>: slow-fast temporal pooling (fast tokens in the stream, slow tokens as a source).</summary>
        [YamlName("temporal_pool")]
        TemporalPool,

        /// <summary><c>qformer</c>: BLIP-2 Q-Former with learned queries.</summary>
        [YamlName("qformer")]
        QFormer,

        /// <summary><c>perceiver</c>: Flamingo Perceiver resampler with learned latents.</summary>
        [YamlName("perceiver")]
        Perceiver,

        /// <summary><c>ccam</c>: Video-CCAM projector (queries with causal cross-attention masks over frames).</summary>
        [YamlName("ccam")]
        Ccam,

        /// <summary><c>llama_vid</c>: LLaMA-VID context token + content token per frame.</summary>
        [YamlName("llama_vid")]
        LlamaVid,

        /// <summary><c>longvlm</c>: LongVLM segment tokens (ToMe-merged per segment) after one global token.</summary>
        [YamlName("longvlm")]
        LongVlm,
    }

    /// <summary>The projector kind (<c>projector.kind</c>).</summary>
    public enum ProjectorKind
    {
        /// <summary><c>mlp</c>: Linear, activation, Linear, ... (depth linear layers).</summary>
        Mlp,

        /// <summary><c>linear</c>: one Linear layer.</summary>
        Linear,
    }

    /// <summary>The in-LLM fusion kind (<c>fusion[i].kind</c>).</summary>
    public enum FusionKind
    {
        /// <summary><c>dual_cross_attention</c>: CrossLMM dual cross-attention layer (V2V ‖ T2V, FFN), after the decoder layer.</summary>
        DualCrossAttention,

        /// <summary><c>hybrid</c>: Slow-Fast hybrid decoder layer (text queries also attend to a visual source).</summary>
        Hybrid,

        /// <summary><c>gated_cross_attention</c>: Flamingo GATED XATTN-DENSE, before the decoder layer.</summary>
        GatedCrossAttention,
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
