using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Yaml;
using Xunit;

namespace CrossLMM.Zoo.Spec.Tests;

/// <summary>
/// The message catalogue (<see cref="SpecMessages"/>): every ID has its wording there and a documentation page,
/// every entry shows the values it is given, and one representative message per ID is pinned word for word.
/// </summary>
public class MessageCatalogueTests
{
    private static readonly YScalar Got = new("three", YScalarStyle.Plain, SourceSpan.FileStart);
    private static readonly VisionConfig Vision = new(VisionKind.Vit, 32, 8, 3, 32, 2, 4, 64, 1e-6);

    private static IEnumerable<MethodInfo> Entries =>
        typeof(SpecMessages).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(SpecMessage));

    [Fact]
    public void EveryDescriptor_HasACatalogueEntryAndADocumentationPage()
    {
        var ids = Entries.Select(m => ((SpecMessage)m.Invoke(null, SampleArguments(m, out _))!).Id).ToHashSet();
        Assert.Equal(SpecDiagnostics.All.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal), ids.OrderBy(id => id, StringComparer.Ordinal));
        Assert.All(SpecDiagnostics.All, d => Assert.True(System.IO.File.Exists(Repo.PathOf(d.HelpPath)), "missing " + d.HelpPath));
    }

    [Fact]
    public void DiagnosticsIndex_ListsEveryIdWithItsTitle()
    {
        string index = System.IO.File.ReadAllText(Repo.PathOf("docs/diagnostics/README.md"));
        Assert.All(SpecDiagnostics.All, d => Assert.Contains($"| [{d.Id}]({d.Id}.md) | {d.Title} |", index));
    }

    [Fact]
    public void EveryCatalogueEntry_ShowsEveryValueItIsGiven()
    {
        Assert.True(Entries.Count() >= SpecDiagnostics.All.Count);
        foreach (var method in Entries)
        {
            string text = ((SpecMessage)method.Invoke(null, SampleArguments(method, out var shown))!).ToString();
            Assert.DoesNotMatch(@"\{[0-9]", text);
            foreach (string value in shown)
            {
                Assert.True(text.Contains(value, StringComparison.Ordinal), $"{method.Name}: '{text}' does not show '{value}'");
            }
        }
    }

    public static TheoryData<string, string> Representatives => new()
    {
        { SpecMessages.YamlError("did not find expected key").ToString(), "YAML syntax error: did not find expected key" },
        { SpecMessages.UnknownKey("gird", "compressor (pool2d)", new[] { "grid", "slow_stride", "kind" }).ToString(), "unknown key 'gird' in compressor (pool2d); did you mean 'grid'?" },
        { SpecMessages.UnknownKey("a\tb", "zoo.yaml", new[] { "presets", "architectures" }).ToString(), "unknown key 'a\\u0009b' in zoo.yaml; expected one of: presets, architectures" },
        { SpecMessages.UnknownCompressorOverride("gird", "overrides.tiny.compressor", "pool2d", new[] { "grid" }).ToString(), "unknown key 'gird' in overrides.tiny.compressor (overrides may set the pool2d size fields: grid); did you mean 'grid'?" },
        { SpecMessages.UnknownKind("fusion", "fusion[1]", "gated", new[] { "gated_cross_attention", "hybrid" }).ToString(), "unknown fusion kind 'gated' in fusion[1]; did you mean 'gated_cross_attention'?" },
        { SpecMessages.UnknownValue("gleu", "projector.activation", new[] { "gelu", "silu" }).ToString(), "unknown value 'gleu' for projector.activation; did you mean 'gelu'?" },
        { SpecMessages.MissingField("vision (vit)", "kind", "one of vit, precomputed").ToString(), "vision (vit) is missing required field 'kind' (one of vit, precomputed)" },
        { SpecMessages.WrongType("compressor.grid", "an integer", Got).ToString(), "compressor.grid: expected an integer, got 'three'" },
        { SpecMessages.OutOfRange("vision.norm_eps", 1.5, "in (0, 1)").ToString(), "vision.norm_eps (1.5) must be in (0, 1)" },
        { SpecMessages.DuplicateKey("grid", "compressor", 3).ToString(), "duplicate key 'grid' in compressor (first defined at line 3)" },
        { SpecMessages.NameAllLowerCase("demo", "Demo").ToString(), "name 'demo' has no upper-case letter: C# reserves all-lower-case type names (CS8981); write it in PascalCase, e.g. 'Demo'" },
        { SpecMessages.HiddenNotDivisibleByHeads("llm.hidden", 32, "fusion[0].heads", 5, "tiny").ToString(), "llm.hidden (32) must be divisible by fusion[0].heads (5) in preset 'tiny'" },
        { SpecMessages.HeadsNotDivisibleByDefaultKvHeads("fusion[0]", 3, 2, "tiny").ToString(), "fusion[0].heads (3) must be divisible by llm.kv_heads (2) in preset 'tiny'; fusion[0].kv_heads defaults to llm.kv_heads: set it" },
        { SpecMessages.ImageNotDivisibleByPatch("vision.image", 30, "vision.patch", 8, "tiny").ToString(), "vision.image (30) must be divisible by vision.patch (8) in preset 'tiny'" },
        { SpecMessages.LargerThanPatchGrid("compressor.grid", 5, Vision, "tiny").ToString(), "compressor.grid (5) must be ≤ the patch grid side (4 = vision.image 32 / vision.patch 8) in preset 'tiny'" },
        { SpecMessages.FusionLayerOutOfRange("fusion[0]", 9, 4, "tiny").ToString(), "fusion[0].layers: layer 9 is outside the LLM (llm.layers = 4: valid indices 0…3) in preset 'tiny'; a paper's layer list can name the presets it fits with presets: [...]" },
        { SpecMessages.PlacesNoLayer("fusion[0]", 7, 4, "tiny").ToString(), "fusion[0] places no layer: start (7) must be < llm.layers (4) in preset 'tiny'" },
        { SpecMessages.FusionLayerCollision("fusion[1]", "hybrid", "fusion[0]", "gated_cross_attention", 3, "tiny").ToString(), "fusion[1] (hybrid) and fusion[0] (gated_cross_attention) both sit on layer 3 in preset 'tiny'" },
        { SpecMessages.SlowStrideUnread(2).ToString(), "compressor.slow_stride (2) has no effect: no fusion entry reads source: slow" },
        { SpecMessages.V2VWithoutStreamTokens("fusion[0]").ToString(), "fusion[0] branch v2v needs visual tokens in the LLM stream, but layout is cross_attention_only; use branches: [t2v] or another layout" },
        { SpecMessages.FrameScopeNeedsPerFrame("fusion[0]", "qformer per video", "identity, pool2d").ToString(), "fusion[0].scope frame needs a per-frame compressor, but qformer per video is not per-frame (per-frame: identity, pool2d)" },
        { SpecMessages.CrossAttentionOnlyWithoutFusion().ToString(), "layout cross_attention_only needs at least one fusion entry: without one no visual information reaches the LLM" },
        { SpecMessages.PlacementMissing("fusion[0]", "hybrid").ToString(), "fusion[0] (hybrid) needs exactly one of 'every' or 'layers'" },
        { SpecMessages.ListedTwice("fusion[0].layers", 3).ToString(), "fusion[0].layers: 3 is listed twice" },
        { SpecMessages.UnknownRequestedPreset("smal", new[] { "tiny", "small" }).ToString(), "unknown preset 'smal'; zoo.yaml defines tiny, small; did you mean 'small'?" },
        { SpecMessages.UnknownRequestedPreset("huge", Array.Empty<string>()).ToString(), "unknown preset 'huge'; zoo.yaml defines none" },
        { SpecMessages.NameInUse("Demo", "architectures/demo.yaml").ToString(), "name 'Demo' is already used by architectures/demo.yaml (names are compared ignoring case)" },
        { SpecMessages.ListedArchitectureMissing("demo").ToString(), "zoo.yaml lists architecture 'demo' but there is no architectures/demo.yaml among the spec files" },
        { SpecMessages.ArchitectureNotListed("extra.yaml", "extra").ToString(), "extra.yaml is not listed in zoo.yaml; add '- extra' to its architectures" },
        { SpecMessages.RegistryDuplicated("b/zoo.yaml", "a/zoo.yaml").ToString(), "more than one zoo.yaml among the AdditionalFiles: b/zoo.yaml is ignored, a/zoo.yaml is used" },
        { SpecMessages.PresetPropertyClash("2b", "2-b", "Size2B").ToString(), "presets '2b' and '2-b' both become the C# property 'Size2B'" },
        { SpecMessages.InvalidStem("architectures[0]", "Demo").ToString(), "architectures[0] 'Demo' is not a file stem: use lower-case letters and digits joined by '-' or '_' (e.g. crosslmm-1tok), naming architectures/<stem>.yaml" },
        { SpecMessages.HybridHeadsDiffer("fusion[0].kv_heads", 4, "llm.kv_heads", 2, "tiny").ToString(), "fusion[0].kv_heads (4) must equal llm.kv_heads (2) in preset 'tiny': a hybrid layer reuses its decoder layer's queries and starts its keys/values as copies of that layer's k_proj/v_proj" },
        { SpecMessages.InternalError("NullReferenceException", "Object reference not set").ToString(), "internal error in the spec core (NullReferenceException: Object reference not set); please report this with the YAML" },
    };

    [Theory]
    [MemberData(nameof(Representatives))]
    public void RepresentativeMessage_ReadsAsPinned(string actual, string expected) => Assert.Equal(expected, actual);

    [Fact]
    public void RepresentativeMessages_CoverEveryId()
    {
        // The pinned texts above, by the ID their entry reports: every ID has at least one.
        var pinned = new[]
        {
            SpecMessages.YamlError("x"), SpecMessages.UnknownKey("x", "y", Array.Empty<string>()), SpecMessages.UnknownKind("s", "s", "k", Array.Empty<string>()),
            SpecMessages.UnknownValue("v", "p", Array.Empty<string>()), SpecMessages.MissingField("p", "f", "n"), SpecMessages.WrongType("p", "e", Got),
            SpecMessages.OutOfRange("p", 1, "r"), SpecMessages.DuplicateKey("k", "p", 1), SpecMessages.NameAllLowerCase("n", "N"),
            SpecMessages.HiddenNotDivisibleByHeads("a", 1, "b", 2, "t"), SpecMessages.HeadsNotDivisibleByDefaultKvHeads("f", 1, 2, "t"),
            SpecMessages.ImageNotDivisibleByPatch("a", 1, "b", 2, "t"), SpecMessages.LargerThanPatchGrid("g", 5, Vision, "t"),
            SpecMessages.FusionLayerOutOfRange("f", 1, 1, "t"), SpecMessages.PlacesNoLayer("f", 1, 1, "t"), SpecMessages.FusionLayerCollision("a", "b", "c", "d", 1, "t"),
            SpecMessages.SlowStrideUnread(2), SpecMessages.V2VWithoutStreamTokens("f"), SpecMessages.FrameScopeNeedsPerFrame("f", "c", "l"),
            SpecMessages.CrossAttentionOnlyWithoutFusion(), SpecMessages.PlacementMissing("f", "k"), SpecMessages.ListedTwice("p", 1),
            SpecMessages.UnknownRequestedPreset("p", Array.Empty<string>()), SpecMessages.NameInUse("n", "p"), SpecMessages.ListedArchitectureMissing("s"),
            SpecMessages.ArchitectureNotListed("f", "s"), SpecMessages.RegistryDuplicated("a", "b"), SpecMessages.PresetPropertyClash("a", "b", "c"),
            SpecMessages.InvalidStem("p", "s"), SpecMessages.HybridHeadsDiffer("a", 1, "b", 2, "t"), SpecMessages.InternalError("T", "m"),
        };
        Assert.Equal(SpecDiagnostics.All.Select(d => d.Id), pinned.Select(m => m.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal));
    }

    [Fact]
    public void ReportedDiagnostic_IsFormattedWhenRead_AndEqualsTheSameDiagnosticGivenAsText()
    {
        var span = new SourceSpan(10, 4, 1, 2, 1, 6);
        var lazy = new SpecDiagnostic(SpecMessages.UnknownKey("gird", "compressor (pool2d)", new[] { "grid" }), "/a.yaml", span);
        var eager = new SpecDiagnostic("CLMZ0002", SpecSeverity.Error, "unknown key 'gird' in compressor (pool2d); did you mean 'grid'?", "/a.yaml", span);
        Assert.Equal(eager.GetHashCode(), lazy.GetHashCode());
        Assert.Equal(eager, lazy);
        Assert.Equal("/a.yaml(2,3): error CLMZ0002: unknown key 'gird' in compressor (pool2d); did you mean 'grid'?", lazy.ToString());
        Assert.NotEqual(eager, new SpecDiagnostic(SpecMessages.UnknownKey("gird", "compressor (pool2d)", Array.Empty<string>()), "/a.yaml", span));
    }

    [Fact]
    public void Bag_ReportsOneDiagnosticPerIdAndLocation_InReportOrder()
    {
        var bag = new DiagnosticBag("/a.yaml");
        var first = new SourceSpan(10, 4, 1, 2, 1, 6);
        var second = new SourceSpan(20, 1, 2, 0, 2, 1);
        bag.Report(SpecMessages.EmptyList("a"), second);
        bag.Report(SpecMessages.EmptyList("b"), second);
        bag.Report(SpecMessages.UnknownValue("v", "p", Array.Empty<string>()), second);
        bag.Report(SpecMessages.EmptyList("c"), first);
        Assert.Equal(new[] { "a must not be empty", "unknown value 'v' for p", "c must not be empty" }, bag.ToArray().Select(d => d.Message));
        Assert.Equal(3, bag.ErrorCount);
    }

    // One value per parameter: distinct strings and numbers (the ones a message must show are returned in shown),
    // candidate lists whose names are far from every value (so the list is shown), a node, a vision config.
    private static object?[] SampleArguments(MethodInfo method, out List<string> shown)
    {
        var values = new List<object?>();
        shown = new List<string>();
        int n = 0;
        foreach (var p in method.GetParameters())
        {
            n++;
            if (p.ParameterType == typeof(string))
            {
                string s = $"v{n}x{method.Name.Length}";
                values.Add(s);
                shown.Add(s);
            }
            else if (p.ParameterType == typeof(int) || p.ParameterType == typeof(long) || p.ParameterType == typeof(object))
            {
                int i = 7000 + n;
                values.Add(p.ParameterType == typeof(long) ? (object)(long)i : i);
                shown.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (p.ParameterType == typeof(double))
            {
                values.Add(0.25 + n);
                shown.Add((0.25 + n).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (p.ParameterType == typeof(IEnumerable<string>) || p.ParameterType == typeof(IReadOnlyCollection<string>))
            {
                values.Add(new[] { $"zzzzzzzz{n}" });
            }
            else if (p.ParameterType == typeof(YNode))
            {
                values.Add(Got);
                shown.Add("'three'");
            }
            else if (p.ParameterType == typeof(VisionConfig))
            {
                values.Add(Vision);
            }
            else
            {
                throw new InvalidOperationException($"{method.Name}: no sample for parameter {p.Name} of type {p.ParameterType}");
            }
        }

        return values.ToArray();
    }
}
