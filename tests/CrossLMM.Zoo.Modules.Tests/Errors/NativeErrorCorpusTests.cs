using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Projectors;
using CrossLMM.Zoo.Modules.Tests.Composed;
using CrossLMM.Zoo.Modules.Tests.Support;
using CrossLMM.Zoo.Modules.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Errors;

/// <summary>
/// "Never a crashed process": inputs that would reach libtorch with shapes, dtypes or indices it rejects, given
/// through the zoo's public API (blocks, <see cref="VideoLmm"/>, the builder). Each must raise a .NET exception
/// whose message quotes the offending shape(s) — never an <see cref="System.Runtime.InteropServices.ExternalException"/>
/// with libtorch's wording, and never <c>terminate called after throwing an instance of 'c10::Error'</c>, which
/// is what TorchSharp's unguarded <c>matmul</c> does — and the same objects must still run a correct forward after.
/// <para>Sizes: hidden 32, 4 heads, 2 KV heads (head width 8); vision width 24 on a 4×4 patch grid (N = 16).</para>
/// </summary>
public class NativeErrorCorpusTests
{
    private const int Hidden = 32;
    private const int Heads = 4;
    private const int KvHeads = 2;
    private const int VisionWidth = 24;
    private const int PatchGrid = 4;
    private const int Vocab = 97;

    /// <summary>One corpus entry: what to build, the misuse, what it must raise and quote, and a correct call after.</summary>
    /// <param name="Exception">The exact exception type expected.</param>
    /// <param name="Quotes">Substrings the message must contain (the offending shapes, as <c>[2, 5, 17]</c>).</param>
    /// <param name="Arrange">Builds the objects; returns the misuse and a correct call on the same objects (its output shape).</param>
    public sealed record Case(Type Exception, string[] Quotes, Func<(Action Misuse, Func<long[]> Correct, long[] CorrectShape)> Arrange);

    private static readonly Dictionary<string, Case> Corpus = new(StringComparer.Ordinal)
    {
        ["GroupedQueryAttention_InputWidthNotHidden"] = Argument(new[] { "[2, 5, 17]" }, () =>
        {
            var attention = new GroupedQueryAttention(Hidden, Heads, KvHeads);
            return (() => attention.call(Randn(2, 5, 17), null, null, null), () => attention.call(Randn(2, 5, Hidden), null, null, null).shape, new long[] { 2, 5, Hidden });
        }),
        ["GroupedQueryAttention_RotaryForOtherLength"] = Argument(new[] { "[2, 4, 5, 8]", "[2, 7, 8]" }, () =>
        {
            var attention = new GroupedQueryAttention(Hidden, Heads, KvHeads);
            var rope = new RotaryEmbedding(Hidden / Heads, 10000);
            return (() => attention.call(Randn(2, 5, Hidden), rope.call(Positions(2, 7)), null, null),
                () => attention.call(Randn(2, 5, Hidden), rope.call(Positions(2, 5)), null, null).shape, new long[] { 2, 5, Hidden });
        }),
        ["GroupedQueryAttention_MaskOverTooManyKeys"] = Argument(new[] { "[2, 1, 5, 6]" }, () =>
        {
            var attention = new GroupedQueryAttention(Hidden, Heads, KvHeads);
            return (() => attention.call(Randn(2, 5, Hidden), null, torch.ones(new long[] { 2, 1, 5, 6 }, ScalarType.Bool), null),
                () => attention.call(Randn(2, 5, Hidden), null, torch.ones(new long[] { 2, 1, 5, 5 }, ScalarType.Bool), null).shape, new long[] { 2, 5, Hidden });
        }),
        ["GroupedQueryAttention_FloatMask"] = Argument(new[] { "[2, 1, 5, 5]", "Float32" }, () =>
        {
            var attention = new GroupedQueryAttention(Hidden, Heads, KvHeads);
            return (() => attention.call(Randn(2, 5, Hidden), null, torch.ones(2, 1, 5, 5), null),
                () => attention.call(Randn(2, 5, Hidden), null, null, null).shape, new long[] { 2, 5, Hidden });
        }),
        ["GroupedQueryAttention_CacheOfAnotherBatch"] = Argument(new[] { "[2, 2, 3, 8]", "[3, 2, 1, 8]" }, () =>
        {
            var attention = new GroupedQueryAttention(Hidden, Heads, KvHeads);
            var cache = new KvCacheEntry();
            attention.call(Randn(2, 3, Hidden), null, null, cache);
            return (() => attention.call(Randn(3, 1, Hidden), null, null, cache),
                () => attention.call(Randn(2, 1, Hidden), null, torch.ones(new long[] { 1, 1, 1, 4 }, ScalarType.Bool), cache).shape, new long[] { 2, 1, Hidden });
        }),
        ["CrossAttention_SourceOfAnotherWidth"] = Argument(new[] { "[2, 6, 20]" }, () =>
        {
            var attention = new CrossAttention(Hidden, Heads, kvHeads: KvHeads);
            return (() => attention.call(Randn(2, 5, Hidden), Randn(2, 6, 20), null, null),
                () => attention.call(Randn(2, 5, Hidden), Randn(2, 6, Hidden), null, null).shape, new long[] { 2, 5, Hidden });
        }),
        ["CrossAttention_SourceOfAnotherBatch"] = Argument(new[] { "[2, 5, 32]", "[3, 6, 32]" }, () =>
        {
            var attention = new CrossAttention(Hidden, Heads, kvHeads: KvHeads);
            return (() => attention.call(Randn(2, 5, Hidden), Randn(3, 6, Hidden), null, null),
                () => attention.call(Randn(2, 5, Hidden), Randn(2, 6, Hidden), null, null).shape, new long[] { 2, 5, Hidden });
        }),
        ["CrossAttention_MaskOverTooManyKeys"] = Argument(new[] { "[2, 5, 7]", "[2, 6, 32]" }, () =>
        {
            var attention = new CrossAttention(Hidden, Heads, kvHeads: KvHeads);
            return (() => attention.call(Randn(2, 5, Hidden), Randn(2, 6, Hidden), torch.ones(new long[] { 2, 5, 7 }, ScalarType.Bool), null),
                () => attention.call(Randn(2, 5, Hidden), Randn(2, 6, Hidden), torch.ones(new long[] { 2, 5, 6 }, ScalarType.Bool), null).shape, new long[] { 2, 5, Hidden });
        }),
        ["DualCrossAttentionLayer_HiddenOfAnotherWidth"] = Argument(new[] { "[1, 8, 16]" }, () =>
        {
            var dcal = Dcal(TokenScope.Global);
            return (() => dcal.call(Randn(1, 8, 16), Context(Randn(1, 12, Hidden), 2, 4, 2)),
                () => dcal.call(Randn(1, 8, Hidden), Context(Randn(1, 12, Hidden), 2, 4, 2)).shape, new long[] { 1, 8, Hidden });
        }),
        ["DualCrossAttentionLayer_SourceOfAnotherBatch"] = Argument(new[] { "[2, 8, 32]", "[3, 12, 32]" }, () =>
        {
            var dcal = Dcal(TokenScope.Global);
            return (() => dcal.call(Randn(2, 8, Hidden), Context(Randn(3, 12, Hidden), 2, 4, 2)),
                () => dcal.call(Randn(2, 8, Hidden), Context(Randn(2, 12, Hidden), 2, 4, 2)).shape, new long[] { 2, 8, Hidden });
        }),
        ["DualCrossAttentionLayer_FrameScopeWithPartialFrames"] = Argument(new[] { "[1, 8, 32]", "[1, 10, 32]" }, () =>
        {
            var dcal = Dcal(TokenScope.Frame);
            return (() => dcal.call(Randn(1, 8, Hidden), Context(Randn(1, 10, Hidden), 2, 4, 4)),
                () => dcal.call(Randn(1, 8, Hidden), Context(Randn(1, 12, Hidden), 2, 4, 2)).shape, new long[] { 1, 8, Hidden });
        }),
        ["DualCrossAttentionLayer_VisualBlockPastTheStream"] = Argument(new[] { "[1, 8, 32]", "[6, 10)" }, () =>
        {
            var dcal = Dcal(TokenScope.Global);
            return (() => dcal.call(Randn(1, 8, Hidden), Context(Randn(1, 12, Hidden), 6, 4, 2)),
                () => dcal.call(Randn(1, 8, Hidden), Context(Randn(1, 12, Hidden), 4, 4, 2)).shape, new long[] { 1, 8, Hidden });
        }),
        ["GatedCrossAttentionLayer_SourcePaddingOfAnotherLength"] = Argument(new[] { "[1, 5]", "[1, 12, 32]" }, () =>
        {
            var gated = new GatedCrossAttentionLayer(Hidden, Heads, 2 * Hidden, kvHeads: KvHeads);
            var tokens = Randn(1, 12, Hidden);
            return (() => gated.call(Randn(1, 6, Hidden), Context(tokens, 0, 0, 2, torch.ones(new long[] { 1, 5 }, ScalarType.Bool), FusionSource.Compressed)),
                () => gated.call(Randn(1, 6, Hidden), Context(tokens, 0, 0, 2, torch.ones(new long[] { 1, 12 }, ScalarType.Bool), FusionSource.Compressed)).shape,
                new long[] { 1, 6, Hidden });
        }),
        ["SwiGluMlp_InputOfAnotherWidth"] = Argument(new[] { "[2, 5, 17]" }, () =>
        {
            var mlp = new SwiGluMlp(Hidden, 2 * Hidden);
            return (() => mlp.call(Randn(2, 5, 17)), () => mlp.call(Randn(2, 5, Hidden)).shape, new long[] { 2, 5, Hidden });
        }),
        ["HybridCrossAttention_QueriesOfAnotherLength"] = Argument(new[] { "[1, 6, 32]", "[1, 4, 5, 8]" }, () =>
        {
            var slowFast = new HybridCrossAttention(Hidden, Heads, KvHeads, betaInit: 0.5);
            return (() => slowFast.call(Randn(1, 6, Hidden), Randn(1, Heads, 5, Hidden / Heads), Randn(1, 8, Hidden), Context(Randn(1, 8, Hidden), 0, 2, 1)),
                () => slowFast.call(Randn(1, 6, Hidden), Randn(1, Heads, 6, Hidden / Heads), Randn(1, 8, Hidden), Context(Randn(1, 8, Hidden), 0, 2, 1)).shape,
                new long[] { 1, 6, Hidden });
        }),
        ["SiglipAttention_TokensOfAnotherWidth"] = Argument(new[] { "[2, 16, 20]" }, () =>
        {
            var attention = new SiglipAttention(VisionWidth, 4);
            return (() => attention.call(Randn(2, 16, 20)), () => attention.call(Randn(2, 16, VisionWidth)).shape, new long[] { 2, 16, VisionWidth });
        }),
        ["QFormerMultiHeadAttention_ContextOfAnotherBatch"] = Argument(new[] { "[2, 4, 32]", "[3, 16, 24]" }, () =>
        {
            var attention = new QFormerMultiHeadAttention(Hidden, Heads, VisionWidth);
            return (() => attention.call(Randn(2, 4, Hidden), Randn(3, 16, VisionWidth), null),
                () => attention.call(Randn(2, 4, Hidden), Randn(2, 16, VisionWidth), null).shape, new long[] { 2, 4, Hidden });
        }),
        ["PerceiverAttention_LatentsOfAnotherBatch"] = Argument(new[] { "[2, 16, 32]", "[1, 4, 32]" }, () =>
        {
            var attention = new PerceiverAttention(Hidden, Heads, 1e-5);
            return (() => attention.call(Randn(2, 16, Hidden), Randn(1, 4, Hidden)),
                () => attention.call(Randn(2, 16, Hidden), Randn(2, 4, Hidden)).shape, new long[] { 2, 4, Hidden });
        }),
        ["CcamLayer_MediaOfAnotherWidth"] = Argument(new[] { "[1, 32, 20]" }, () =>
        {
            var layer = new CcamLayer(Hidden, Heads, 2 * Hidden, 1e-5, VisionWidth);
            var allowed = torch.ones(new long[] { 4, 32 }, ScalarType.Bool);
            return (() => layer.call(Randn(1, 4, Hidden), Randn(1, 32, 20), allowed),
                () => layer.call(Randn(1, 4, Hidden), Randn(1, 32, VisionWidth), allowed).shape, new long[] { 1, 4, Hidden });
        }),
        ["Pool2dCompressor_FeaturesWithOtherTokensPerFrame"] = Argument(new[] { "[1, 2, 15, 24]" }, () =>
        {
            var pool = new Pool2dCompressor(PatchGrid, 2, VisionWidth);
            return (() => pool.call(Randn(1, 2, 15, VisionWidth), null, null), () => pool.call(Randn(1, 2, 16, VisionWidth), null, null).Tokens.shape, new long[] { 1, 8, VisionWidth });
        }),
        ["PerceiverCompressor_MoreFramesThanItsTimeEmbedding"] = Argument(new[] { "[1, 9, 16, 24]" }, () =>
        {
            var perceiver = new PerceiverCompressor(PatchGrid, VisionWidth, 4, Granularity.Video, 8, Hidden, 1, Heads, 2 * Hidden, 1e-5);
            return (() => perceiver.call(Randn(1, 9, 16, VisionWidth), null, null), () => perceiver.call(Randn(1, 8, 16, VisionWidth), null, null).Tokens.shape, new long[] { 1, 4, Hidden });
        }),
        ["LlamaVidCompressor_PromptOfAnotherWidth"] = Argument(new[] { "[1, 4, 20]" }, () =>
        {
            var llamaVid = LlamaVid();
            return (() => llamaVid.call(Randn(1, 2, 16, VisionWidth), Randn(1, 4, 20), null),
                () => llamaVid.call(Randn(1, 2, 16, VisionWidth), Randn(1, 4, Hidden), null).Tokens.shape, new long[] { 1, 4, VisionWidth });
        }),
        ["LlamaVidCompressor_PromptPaddingOfAnotherLength"] = Argument(new[] { "[1, 3]" }, () =>
        {
            var llamaVid = LlamaVid();
            return (() => llamaVid.call(Randn(1, 2, 16, VisionWidth), Randn(1, 4, Hidden), torch.ones(new long[] { 1, 3 }, ScalarType.Bool)),
                () => llamaVid.call(Randn(1, 2, 16, VisionWidth), Randn(1, 4, Hidden), torch.ones(new long[] { 1, 4 }, ScalarType.Bool)).Tokens.shape, new long[] { 1, 4, VisionWidth });
        }),
        ["MlpProjector_InputOfAnotherWidth"] = Argument(new[] { "[2, 7, 20]" }, () =>
        {
            var projector = new MlpProjector(VisionWidth, Hidden, layerNorm: ProjectorNorm.LayerNorm);
            return (() => projector.call(Randn(2, 7, 20)), () => projector.call(Randn(2, 7, VisionWidth)).shape, new long[] { 2, 7, Hidden });
        }),
        ["LinearProjector_InputOfAnotherWidth"] = Argument(new[] { "[2, 7, 20]" }, () =>
        {
            var projector = new LinearProjector(VisionWidth, Hidden);
            return (() => projector.call(Randn(2, 7, 20)), () => projector.call(Randn(2, 7, VisionWidth)).shape, new long[] { 2, 7, Hidden });
        }),
        ["SiglipVisionTransformer_FramesOfAnotherSize"] = Argument(new[] { "[1, 2, 3, 30, 30]" }, () =>
        {
            var vit = Vit();
            return (() => vit.call(Randn(1, 2, 3, 30, 30)), () => vit.call(Randn(1, 2, 3, 16, 16)).shape, new long[] { 1, 2, 16, VisionWidth });
        }),
        ["SiglipVisionTransformer_ImagesWithoutTheTimeAxis"] = Argument(new[] { "[2, 3, 16, 16]" }, () =>
        {
            var vit = Vit();
            return (() => vit.call(Randn(2, 3, 16, 16)), () => vit.call(Randn(2, 1, 3, 16, 16)).shape, new long[] { 2, 1, 16, VisionWidth });
        }),
        ["Qwen2ForCausalLM_TokenIdPastTheVocabulary"] = Argument(new[] { "[1, 3]", "97" }, () =>
        {
            var lm = new Qwen2ForCausalLM(LmTestData.Llm(Hidden, 2, Vocab));
            return (() => lm.call(Ids(1, 97, 3), null), () => lm.call(Ids(1, 96, 3), null).shape, new long[] { 1, 3, Vocab });
        }),
        ["Qwen2ForCausalLM_NegativeTokenId"] = Argument(new[] { "[1, 3]", "-1" }, () =>
        {
            var lm = new Qwen2ForCausalLM(LmTestData.Llm(Hidden, 2, Vocab));
            return (() => lm.call(Ids(1, -1, 3), null), () => lm.call(Ids(1, 0, 3), null).shape, new long[] { 1, 3, Vocab });
        }),
        ["Qwen2ForCausalLM_FloatTokenIds"] = Argument(new[] { "[1, 3]", "Float32" }, () =>
        {
            var lm = new Qwen2ForCausalLM(LmTestData.Llm(Hidden, 2, Vocab));
            return (() => lm.call(torch.ones(1, 3), null), () => lm.call(torch.ones(new long[] { 1, 3 }, ScalarType.Int64), null).shape, new long[] { 1, 3, Vocab });
        }),
        ["Qwen2ForCausalLM_GeneratePaddingOfAnotherLength"] = Argument(new[] { "[1, 4]", "(1, 3)" }, () =>
        {
            var lm = new Qwen2ForCausalLM(LmTestData.Llm(Hidden, 2, Vocab));
            return (() => lm.Generate(Ids(1, 3), 2, torch.ones(new long[] { 1, 4 }, ScalarType.Bool)),
                () => lm.Generate(Ids(1, 3), 2, torch.ones(new long[] { 1, 3 }, ScalarType.Bool)).shape, new long[] { 1, 2 });
        }),
        ["VideoLmm_VideoBatchDiffersFromTextBatch"] = Argument(new[] { "[3, 2, 16, 24]", "[2, 4]" }, () =>
        {
            var model = TinyVideoLmm();
            return (() => model.call(new VideoLmmInput(Randn(3, 2, 16, VisionWidth), Ids(2, 4)), null),
                () => model.call(new VideoLmmInput(Randn(2, 2, 16, VisionWidth), Ids(2, 4)), null).Logits.shape, new long[] { 2, 12, VideoLmmCase.Vocab });
        }),
        ["VideoLmm_FeaturesOfAnotherWidth"] = Argument(new[] { "[1, 2, 16, 20]" }, () =>
        {
            var model = TinyVideoLmm();
            return (() => model.call(new VideoLmmInput(Randn(1, 2, 16, 20), Ids(1, 4)), null),
                () => model.call(new VideoLmmInput(Randn(1, 2, 16, VisionWidth), Ids(1, 4)), null).Logits.shape, new long[] { 1, 12, VideoLmmCase.Vocab });
        }),
        ["VideoLmm_TextPaddingOfAnotherLength"] = Argument(new[] { "[1, 5]", "(1, 4)" }, () =>
        {
            var model = TinyVideoLmm();
            return (() => model.call(new VideoLmmInput(Randn(1, 2, 16, VisionWidth), Ids(1, 4), torch.ones(new long[] { 1, 5 }, ScalarType.Bool)), null),
                () => model.call(new VideoLmmInput(Randn(1, 2, 16, VisionWidth), Ids(1, 4), torch.ones(new long[] { 1, 4 }, ScalarType.Bool)), null).Logits.shape,
                new long[] { 1, 12, VideoLmmCase.Vocab });
        }),
        ["VideoLmm_DecodeWithAnotherBatchThanThePrefill"] = Argument(new[] { "[2, 1]", "batch 1" }, () =>
        {
            var model = TinyVideoLmm();
            var cache = new KvCache();
            model.call(new VideoLmmInput(Randn(1, 2, 16, VisionWidth), Ids(1, 4)), cache).Dispose();
            return (() => model.Decode(Ids(2, 1), cache), () => model.Decode(Ids(1, 1), cache).shape, new long[] { 1, 1, VideoLmmCase.Vocab });
        }),
        ["VideoLmm_DecodeTokenIdPastTheVocabulary"] = Argument(new[] { "[1, 1]", "53" }, () =>
        {
            var model = TinyVideoLmm();
            var cache = new KvCache();
            model.call(new VideoLmmInput(Randn(1, 2, 16, VisionWidth), Ids(1, 4)), cache).Dispose();
            return (() => model.Decode(Ids(1, 53, 1), cache), () => model.Decode(Ids(1, 52, 1), cache).shape, new long[] { 1, 1, VideoLmmCase.Vocab });
        }),
        ["VideoLmm_DecodeIdsWithoutTheBatchAxis"] = Argument(new[] { "[3]" }, () =>
        {
            var model = TinyVideoLmm();
            var cache = new KvCache();
            model.call(new VideoLmmInput(Randn(1, 2, 16, VisionWidth), Ids(1, 4)), cache).Dispose();
            return (() => model.Decode(torch.zeros(new long[] { 3 }, ScalarType.Int64), cache), () => model.Decode(Ids(1, 3), cache).shape, new long[] { 1, 3, VideoLmmCase.Vocab });
        }),
        ["VideoLmm_GenerateFromAPromptPastTheVocabulary"] = Argument(new[] { "[1, 4]", "53" }, () =>
        {
            var model = TinyVideoLmm();
            return (() => model.Generate(new VideoLmmInput(Randn(1, 2, 16, VisionWidth), Ids(1, 53, 4)), 2),
                () => model.Generate(new VideoLmmInput(Randn(1, 2, 16, VisionWidth), Ids(1, 4)), 2).shape, new long[] { 1, 2 });
        }),
        ["VideoLmmBuilder_HeadsNotDividingHidden"] = Argument(new[] { "heads (5)" }, () =>
        {
            var c = VideoCase();
            var config = c.Config();
            return (() => VideoLmmBuilder.Build(config with { Llm = config.Llm with { Heads = 5 } }),
                () => Shape(VideoLmmBuilder.Build(config).call(new VideoLmmInput(Randn(1, 2, 16, VisionWidth), Ids(1, 4)), null).Logits), new long[] { 1, 12, VideoLmmCase.Vocab });
        }),
    };

    /// <summary>The case names, for the theory.</summary>
    public static TheoryData<string> Names => new(Corpus.Keys.OrderBy(k => k, StringComparer.Ordinal));

    [Fact]
    public void Corpus_HasAtLeastTwentyCases_ThroughEveryKindOfEntryPoint()
    {
        Assert.True(Corpus.Count >= 20, $"{Corpus.Count} cases");
        foreach (var prefix in new[] { "GroupedQueryAttention_", "CrossAttention_", "DualCrossAttentionLayer_", "GatedCrossAttentionLayer_", "Compressor_", "Projector_", "SiglipVisionTransformer_", "SiglipAttention_", "Qwen2ForCausalLM_", "VideoLmm_", "VideoLmmBuilder_" })
        {
            Assert.Contains(Corpus.Keys, k => k.Contains(prefix, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Misuse_ThroughThePublicApi_ThrowsANamedShapeError_AndTheSameObjectsStillRun(string name)
    {
        var c = Corpus[name];
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        var (misuse, correct, shape) = c.Arrange();
        var e = Assert.Throws(c.Exception, misuse);
        foreach (var quote in c.Quotes)
        {
            Assert.Contains(quote, e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(shape, correct());
    }

    private static Case Argument(string[] quotes, Func<(Action, Func<long[]>, long[])> arrange) => new(typeof(ArgumentException), quotes, arrange);

    private static Tensor Randn(params long[] shape) => torch.randn(shape);

    private static long[] Shape(Tensor t) => t.shape;

    private static Tensor Positions(long batch, long length) => torch.arange(length, dtype: ScalarType.Int64).unsqueeze(0).expand(batch, length);

    // (B, L) ids all 1 except position 1 (when L > 1) or 0, which holds 'special'.
    private static Tensor Ids(long batch, long special, long length, long fill = 1)
    {
        var ids = torch.full(new[] { batch, length }, fill, ScalarType.Int64);
        ids[0, length > 1 ? 1 : 0] = torch.tensor(special);
        return ids;
    }

    private static Tensor Ids(long batch, long length) => torch.full(new[] { batch, length }, 3L, ScalarType.Int64);

    private static DualCrossAttentionLayer Dcal(TokenScope scope) =>
        new(Hidden, Heads, 2 * Hidden, new[] { CrossAttentionBranch.V2V, CrossAttentionBranch.T2V }, scope, kvHeads: KvHeads, gateInit: 0.5);

    // A decoder-layer context with the source tokens and a visual block [start, start + length) of 'frames' frames.
    private static LayerContext Context(Tensor tokens, long start, long length, int frames, Tensor? padding = null, FusionSource source = FusionSource.Original) =>
        new(null, null, null, new FusionInputs(new Dictionary<FusionSource, FusionSourceTokens> { [source] = new FusionSourceTokens(tokens, padding) }, start, length, frames));

    private static LlamaVidCompressor LlamaVid() => new(PatchGrid, VisionWidth, Hidden, 2, Hidden, 1, Heads, 2 * Hidden, 1e-5);

    private static SiglipVisionTransformer Vit() => new(image: 16, patch: 4, channels: 3, hidden: VisionWidth, layers: 1, heads: 4, mlp: 48, normEps: 1e-6);

    // Precomputed 4×4 features of width 24, pool2d to 2×2 → 4 tokens per frame, DCAL on both layers, video first.
    private static VideoLmmCase VideoCase() =>
        new(1, 2, 2, 4, Hidden, 2, 1, FusionKind.DualCrossAttention, Layout.VideoFirst, TokenScope.Global, Seed: 0);

    private static VideoLmm TinyVideoLmm() => VideoLmmBuilder.Build(VideoCase().Config(gateInit: 0.5));
}
