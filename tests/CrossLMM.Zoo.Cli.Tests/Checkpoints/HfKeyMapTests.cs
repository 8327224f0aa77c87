using System;
using System.Linq;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Tools.Checkpoints;

namespace CrossLMM.Zoo.Cli.Tests.Checkpoints;

/// <summary>The per-block Hugging Face key declarations and their composition down the module tree.</summary>
public class HfKeyMapTests
{
    private static LlavaOnevisionCheckpointConfig Tiny() => new(
        new VisionConfig(VisionKind.Vit, 40, 8, 3, 32, 3, 4, 64, 1e-6),
        new LanguageModelConfig(LanguageModelKind.Qwen2, 32, 4, 4, 2, 64, 512, 10000, 1e-6, false, 256),
        -1, 151647, 151646, new[] { 151645 }, null);

    [Theory]
    [InlineData(false, "vision_tower.encoder.layers.2.self_attn.q_proj.weight", "vision_tower.vision_model.encoder.layers.2.self_attn.q_proj.weight")]
    [InlineData(false, "multi_modal_projector.mlp.linear_1.bias", "multi_modal_projector.linear_1.bias")]
    [InlineData(false, "multi_modal_projector.image_newline", "image_newline")]
    [InlineData(false, "language_model.model.layers.1.mlp.gate_proj.weight", "language_model.model.layers.1.mlp.gate_proj.weight")]
    [InlineData(false, "language_model.lm_head.weight", "language_model.lm_head.weight")]
    [InlineData(true, "vision_tower.post_layernorm.weight", "model.vision_tower.vision_model.post_layernorm.weight")]
    [InlineData(true, "multi_modal_projector.mlp.linear_2.weight", "model.multi_modal_projector.linear_2.weight")]
    [InlineData(true, "multi_modal_projector.image_newline", "model.image_newline")]
    [InlineData(true, "language_model.model.embed_tokens.weight", "model.language_model.embed_tokens.weight")]
    [InlineData(true, "language_model.lm_head.weight", "lm_head.weight")]
    public void LlavaOnevision_ComposedKeys_AreHuggingFacesExactly(bool current, string zoo, string hf)
    {
        using var model = LlavaOnevisionCheckpoint.Build(Tiny(), LlavaOnevisionVariant.Base);
        var keys = HfKeyMap.Compose(model, current ? LlavaOnevisionCheckpoint.CurrentLayout : LlavaOnevisionCheckpoint.LegacyLayout);
        Assert.Equal(hf, keys[zoo]);
        Assert.Equal(keys.Count, keys.Values.Distinct(StringComparer.Ordinal).Count());   // one model key per checkpoint key in the base model
    }

    [Fact]
    public void CrossLmm_SourceProjectorReadsTheBaseProjector_AndItsFusionBlocksAreDeclaredNew()
    {
        using var model = LlavaOnevisionCheckpoint.Build(Tiny(), LlavaOnevisionVariant.CrossLmm);
        var keys = HfKeyMap.Compose(model, LlavaOnevisionCheckpoint.LegacyLayout);
        Assert.Equal("multi_modal_projector.linear_1.weight", keys["source_projector.linear_1.weight"]);
        var fresh = HfKeyMap.NewBlockKeys(model);
        Assert.NotEmpty(fresh);
        Assert.All(fresh, kv => Assert.Equal("language_model.model.layers.3.cross_attn", kv.Value));
        Assert.Equal(model.state_dict().Keys.Count(k => k.Contains(".cross_attn.", StringComparison.Ordinal)), fresh.Count);
    }

    [Fact]
    public void Rules_MatchWholeKeysOrDottedPrefixes_LongestFirst()
    {
        var map = new HfKeyMap("Test", new HfKeyRule("a.", "x."), new HfKeyRule("a.b.", "y."), new HfKeyRule("n", "m"));
        Assert.Equal("y.c", map.Apply("a.b.c"));
        Assert.Equal("x.c", map.Apply("a.c"));
        Assert.Equal("m", map.Apply("n"));
        Assert.Equal("nn", map.Apply("nn"));       // "n" is a whole key, not a prefix
        Assert.Equal("ab.c", map.Apply("ab.c"));   // "a." needs the dot
        Assert.Throws<ArgumentException>(() => new HfKeyMap("Twice", new HfKeyRule("a.", "x."), new HfKeyRule("a.", "y.")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ParameterCounts_WithoutAllocating_EqualTheBuiltModels(bool head)
    {
        var siglip = new SiglipCheckpointConfig(Tiny().Vision, head, null);
        using (var tower = SiglipCheckpoint.Build(siglip))
        {
            Assert.Equal(tower.parameters().Sum(p => p.numel()), SiglipCheckpoint.ParameterCount(siglip));
        }

        using var llava = LlavaOnevisionCheckpoint.Build(Tiny(), LlavaOnevisionVariant.Base);
        Assert.Equal(llava.parameters().Sum(p => p.numel()), LlavaOnevisionCheckpoint.ParameterCount(Tiny()));
    }
}
