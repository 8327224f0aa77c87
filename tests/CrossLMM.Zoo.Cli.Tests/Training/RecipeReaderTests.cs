using CrossLMM.Zoo.Spec.Tests;
using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Cli.Tests.Training;

public sealed class RecipeReaderTests
{
    [Fact]
    public void Read_ShippedMarkerTinyRecipe_HasItsValues()
    {
        var recipe = RecipeReader.Read(Repo.PathOf("recipes/marker-tiny.yaml"));
        Assert.Equal("crosslmm-1tok", recipe.Model.Architecture);
        Assert.Equal("tiny", recipe.Model.Preset);
        Assert.True(recipe.Data.IsMarker);
        Assert.Equal(0.003, recipe.Optimizer.Lr);
        Assert.Equal((0.9, 0.999), (recipe.Optimizer.Beta1, recipe.Optimizer.Beta2));
        Assert.Equal(10, recipe.Schedule.WarmupSteps);
        Assert.Equal(200, recipe.Steps);
        Assert.Equal(1.0, recipe.MaxGradNorm);
        Assert.Equal(TrainingPrecision.Fp32, recipe.Precision);
        Assert.Equal((50, 2), (recipe.CheckpointEvery, recipe.KeepLast));
    }

    [Fact]
    public void Parse_MisspeltKey_ReportsFileLineColumnAndDidYouMean()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse(TinyRecipes.Text().Replace("  batch_size:", "  batch_sise:"), "r.yaml"));
        var d = Assert.Single(e.Diagnostics, d => d.Id == SpecDiagnostics.UnknownKey);
        Assert.Contains("unknown key 'batch_sise'", d.Message);
        Assert.Contains("did you mean 'batch_size'?", d.Message);
        Assert.Equal(21, d.Span.Line);
        Assert.Equal(3, d.Span.Column);
        Assert.StartsWith("r.yaml(21,3): error CLMZ0002", d.ToString());
        Assert.Contains(e.Diagnostics, x => x.Message.Contains("missing required field 'batch_size'"));
    }

    [Fact]
    public void Parse_UnknownArchitectureAndSection_SuggestCloseNames()
    {
        string text = TinyRecipes.Text(architecture: "crosslm-1tok") + "\noptimiser: { lr: 1 }\n";
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse(text, "r.yaml"));
        Assert.Contains(e.Diagnostics, d => d.Message.Contains("unknown architecture 'crosslm-1tok'") && d.Message.Contains("did you mean 'crosslmm-1tok'?") && d.Span.Line == 2);
        Assert.Contains(e.Diagnostics, d => d.Message.Contains("unknown key 'optimiser' in the recipe; did you mean 'optimizer'?"));
    }

    [Theory]
    [InlineData("  steps: 6\n", "  steps: 6\n  epochs: 2\n", "has both 'steps' and 'epochs'")]
    [InlineData("  steps: 6\n", "  epochs: 2\n", "training.epochs needs a finite training split")]
    [InlineData("  betas: [0.9, 0.999]\n", "  betas: [0.9]\n", "optimizer.betas: expected a list of two numbers")]
    [InlineData("  betas: [0.9, 0.999]\n", "  betas: [0.9, 1.5]\n", "optimizer.betas[1]")]
    [InlineData("  lr: 0.003\n", "  lr: -1\n", "optimizer.lr")]
    [InlineData("  source: builtin:marker\n", "  source: builtin:markr\n", "did you mean 'builtin:marker'?")]
    [InlineData("  source: builtin:marker\n", "  source: missing.jsonl\n", "data.source: file not found: 'missing.jsonl'")]
    [InlineData("  preset: tiny\n", "  preset: tinny\n", "did you mean 'tiny'?")]
    public void Parse_InvalidValue_IsAnErrorNamingIt(string from, string to, string expected)
    {
        string text = TinyRecipes.Text();
        Assert.Contains(from, text);
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse(text.Replace(from, to), "r.yaml"));
        Assert.Contains(e.Diagnostics, d => d.Message.Contains(expected) && d.Span.Line > 0);
    }

    [Fact]
    public void Parse_LoraWithoutTargets_IsAnError()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse(TinyRecipes.Text(extra: "lora: { rank: 2, alpha: 4 }"), "r.yaml"));
        Assert.Contains(e.Diagnostics, d => d.Message.Contains("missing required field 'targets'"));
    }

    [Fact]
    public void Parse_YamlSyntaxError_IsLocated()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse("model: { architecture: crosslmm\n", "r.yaml"));
        Assert.Equal(SpecDiagnostics.YamlSyntax, e.Diagnostics[0].Id);
    }

    [Fact]
    public void Resolve_RelativeArchitecturePath_IsAgainstTheRecipeFolder()
    {
        var recipe = RecipeReader.Read(Repo.PathOf("recipes/marker-tradeoff.yaml")) with { };
        Assert.Equal(Repo.PathOf("recipes/architectures/pool-only-1tok.yaml"), recipe.Resolve("architectures/pool-only-1tok.yaml"));
    }
}
