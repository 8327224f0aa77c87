using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CrossLMM.Zoo.Compat.Tests;

/// <summary>
/// The guard itself on small samples compiled against the engine: what it collects (overloads, operators,
/// conversions, indexers, foreach, crefs, overrides, property writes), what it allows (extra trailing optional
/// parameters) and what it rejects (other names, required parameters, missing setters, non-virtual overrides,
/// engine extras), so a green guard means something.
/// </summary>
public sealed class GuardSelfTests
{
    private const string Usings = "using System;\nusing TorchSharp;\nusing TorchSharp.Modules;\nusing static TorchSharp.torch;\n";

    private static ModelCode Compile(string body)
    {
        var code = ModelCode.FromSources(("sample.cs", Usings + body));
        Assert.True(code.Errors.Count == 0, string.Join("\n", code.Errors));
        return code;
    }

    private static ApiGuard Check(string body, string list)
    {
        var parsed = ApiList.Parse(list);
        Assert.Empty(parsed.Errors);
        return ApiGuard.Check(Compile(body), parsed);
    }

    private static string[] Used(string body) => Check(body, "").UsedMembers.ToArray();

    [Fact]
    public void Guard_UnlistedMember_IsReportedWithFileLineAndSignature()
    {
        var guard = Check("static class S {\n  static Tensor F(Tensor x) => x.tanh();\n}\n",
            "type torch  # src/x.cs\ntype torch.Tensor  # src/x.cs\nnamespace TorchSharp  # src/x.cs\nnamespace TorchSharp.Modules  # src/x.cs\n");
        var violation = Assert.Single(guard.Violations);
        Assert.Equal("method torch.Tensor.tanh() : torch.Tensor", violation.Use.Describe());
        Assert.Equal(new[] { "sample.cs:6" }, violation.Locations);
        Assert.Empty(violation.Overloads);
        Assert.Contains("not in build/torchsharp-api.txt", violation.ToString());
    }

    [Fact]
    public void Guard_ParameterNameOrDefaultThatDiffers_IsAnotherSignature()
    {
        const string body = "static class S {\n  static Tensor F(Tensor x) => x.flatten(start_dim: 1);\n}\n";
        const string types = "type torch  # src/x.cs\ntype torch.Tensor  # src/x.cs\nnamespace TorchSharp  # src/x.cs\nnamespace TorchSharp.Modules  # src/x.cs\n";
        Assert.Empty(Check(body, types + "method torch.Tensor.flatten(long start_dim = 0, long end_dim = -1) : torch.Tensor  # src/x.cs\n").Violations);

        var renamed = Check(body, types + "method torch.Tensor.flatten(long start = 0, long end_dim = -1) : torch.Tensor  # src/x.cs\n");
        var violation = Assert.Single(renamed.Violations);
        Assert.Equal("method torch.Tensor.flatten(long start = 0, long end_dim = -1) : torch.Tensor", violation.Overloads.Single().Member.ToString());
        Assert.Contains("TorchSharp has only:", violation.ToString());

        var otherDefault = Check(body, types + "method torch.Tensor.flatten(long start_dim = 0, long end_dim = 2) : torch.Tensor  # src/x.cs\n");
        Assert.Single(otherDefault.Violations);
    }

    [Fact]
    public void Allows_ExtraTrailingOptionalParametersOfTorchSharp_ButNotRequiredOnes()
    {
        var use = new ApiUse(ApiMember.Parse("method static torch.ones(long size, bool requires_grad = false) : torch.Tensor"), UseKind.Reference, "a.cs", 1);
        Assert.True(ApiList.Allows(ApiMember.Parse("method static torch.ones(long size, bool requires_grad = false, string[] names = null) : torch.Tensor"), use));
        Assert.True(ApiList.Allows(ApiMember.Parse("method static torch.ones(long size, bool requires_grad = false, params long[] more) : torch.Tensor"), use));
        Assert.False(ApiList.Allows(ApiMember.Parse("method static torch.ones(long size, bool requires_grad = false, string[] names) : torch.Tensor"), use));
        Assert.False(ApiList.Allows(ApiMember.Parse("method static torch.ones(long size) : torch.Tensor"), use));
        Assert.False(ApiList.Allows(ApiMember.Parse("method static torch.ones(long size, bool requires_grad = false) : torch.Scalar"), use));
        Assert.False(ApiList.Allows(ApiMember.Parse("method torch.ones(long size, bool requires_grad = false) : torch.Tensor"), use)); // not static

        // an override must match exactly: extra parameters make another method
        var over = use with { Kind = UseKind.Override, Member = ApiMember.Parse("method virtual torch.nn.Module<T, TResult>.forward(T input) : TResult") };
        Assert.True(ApiList.Allows(ApiMember.Parse("method virtual torch.nn.Module<T, TResult>.forward(T input) : TResult"), over));
        Assert.False(ApiList.Allows(ApiMember.Parse("method torch.nn.Module<T, TResult>.forward(T input) : TResult"), over));
        Assert.False(ApiList.Allows(ApiMember.Parse("method virtual torch.nn.Module<T, TResult>.forward(T input, bool x = false) : TResult"), over));
    }

    [Fact]
    public void Guard_PropertyWrite_NeedsTheSetter()
    {
        const string body = "static class S {\n  static void F() {\n    var l = nn.Linear(2, 2);\n    l.bias = null;\n    var n = l.in_features;\n  }\n}\n";
        var used = Used(body);
        Assert.Contains("property Modules.Linear.bias : Modules.Parameter { set; }", used);
        Assert.Contains("property Modules.Linear.in_features : long { get; }", used);

        const string list = "property Modules.Linear.in_features : long { get; set; }  # src/x.cs\nproperty Modules.Linear.bias : Modules.Parameter { get; }  # src/x.cs\n";
        var guard = Check(body, list);
        Assert.Contains(guard.Violations, v => v.Use.Describe() == "property Modules.Linear.bias : Modules.Parameter { set; }" && v.Locations.Single() == "sample.cs:8");
        Assert.DoesNotContain(guard.Violations, v => v.Use.Member.Name == "in_features");
    }

    [Fact]
    public void Collector_SeesOverloadsOperatorsConversionsIndexersForeachCrefsAndBaseCalls()
    {
        var used = Used(
            "/// <summary>Uses <see cref=\"torch.Tensor.reshape(long[])\"/>.</summary>\n" +
            "sealed class M : nn.Module<Tensor, Tensor> {\n" +
            "  private readonly ModuleList<Linear> layers = nn.ModuleList(nn.Linear(2, 2));\n" +
            "  public M() : base(nameof(M)) { RegisterComponents(); }\n" +
            "  public override Tensor forward(Tensor x) {\n" +
            "    Scalar s = 2.0;\n" +
            "    var y = x * s;\n" +
            "    y = y[0];\n" +
            "    foreach (var layer in layers) y = layer.call(y);\n" +
            "    return y;\n" +
            "  }\n" +
            "}\n");
        Assert.Contains("method torch.Tensor.reshape(params long[] shape) : torch.Tensor", used);             // cref
        Assert.Contains("operator static Scalar.op_Implicit(double) : Scalar", used);                        // conversion
        Assert.Contains("operator static torch.Tensor.op_Multiply(torch.Tensor, Scalar) : torch.Tensor", used); // operator
        Assert.Contains(used, u => u.StartsWith("indexer torch.Tensor[", System.StringComparison.Ordinal));      // indexer
        Assert.Contains("method Modules.ModuleList<T>.GetEnumerator() : System.Collections.Generic.IEnumerator<T>", used); // foreach
        Assert.Contains("ctor torch.nn.Module<T, TResult>(string name)", used);                             // base(...)
        Assert.Contains("method virtual torch.nn.Module<T, TResult>.forward(T input) : TResult", used);      // override
        Assert.Contains("method torch.nn.Module<T, TResult>.call(T input) : TResult", used);
        Assert.Contains("type torch.nn.Module<T, TResult>", used);
        Assert.Contains("namespace TorchSharp.Modules", used);

        var guard = Check(
            "sealed class M : nn.Module<Tensor, Tensor> {\n  public M() : base(\"m\") { }\n  public override Tensor forward(Tensor x) => x;\n}\n",
            "type torch  # src/x.cs\ntype torch.Tensor  # src/x.cs\ntype torch.nn  # src/x.cs\ntype torch.nn.Module<T, TResult>  # src/x.cs\n" +
            "namespace TorchSharp  # src/x.cs\nnamespace TorchSharp.Modules  # src/x.cs\nctor torch.nn.Module<T, TResult>(string name)  # src/x.cs\n" +
            "method torch.nn.Module<T, TResult>.forward(T input) : TResult  # src/x.cs\n");
        var notVirtual = Assert.Single(guard.Violations);
        Assert.StartsWith("override of method virtual torch.nn.Module<T, TResult>.forward", notVirtual.Use.Describe());
    }

    [Fact]
    public void Collector_SkipsLibTorchOnlyCode_FlagsEngineExtras_AndCountsTorchSharpOnlyLines()
    {
        var code = Compile(
            "static class S {\n" +
            "  static long F() {\n" +
            "#if !TORCHSHARP\n" +
            "    var live = CrossLMM.Zoo.Engine.NativeTensors.Live;\n" +
            "#else\n" +
            "    var live = 0L;\n" +
            "#endif\n" +
            "    return live + CrossLMM.Zoo.Engine.NativeTensors.Managed;\n" +
            "  }\n" +
            "}\n");
        Assert.Equal(1, code.TorchSharpOnlyLines);
        var guard = ApiGuard.Check(code, ApiList.Parse(""));
        var extras = guard.Violations.Where(v => v.Use.Member.Container.StartsWith("CrossLMM.Zoo.Engine", System.StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "property static CrossLMM.Zoo.Engine.NativeTensors.Managed : long { get; }" }, extras.Select(v => v.Use.Describe()));
        Assert.Equal(new[] { "sample.cs:12" }, extras.Single().Locations);
        Assert.Contains(guard.Violations, v => v.Use.Describe() == "namespace CrossLMM.Zoo.Engine");
        Assert.DoesNotContain(guard.Violations, v => v.Use.Describe() is "namespace CrossLMM" or "namespace CrossLMM.Zoo");
    }

    [Fact]
    public void Signatures_PrintTheCanonicalForm_AndParseBack()
    {
        var compilation = ModelCode.FromSources(("empty.cs", "")).Files.Single().Compilation;
        var functional = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+functional")!;
        var avgPool = functional.GetMembers("avg_pool2d").OfType<IMethodSymbol>()
            .Single(m => m.Parameters[1].Type is IArrayTypeSymbol);
        const string expected = "method static torch.nn.functional.avg_pool2d(torch.Tensor input, long[] kernel_size, long[] stride = null, long[] padding = null, " +
                                "bool ceil_mode = false, bool count_include_pad = true, long? divisor_override = null) : torch.Tensor";
        Assert.Equal(expected, ApiSignatures.Of(avgPool)!.ToString());

        foreach (var line in new[] {
            expected,
            "type torch.nn.Module<T1, T2, TResult>",
            "ctor torch.nn.Module<T, TResult>(string name)",
            "operator static Scalar.op_Implicit(double) : Scalar",
            "property torch.Tensor.shape : long[] { get; }",
            "indexer torch.Tensor[params TensorIndex[] indices] : torch.Tensor { get; set; }",
            "field const Foo.bar : int",
            "field static Foo.baz : string",
            "enum torch.ScalarType.Float32",
            "method virtual torch.nn.Module.named_children() : System.Collections.Generic.IEnumerable<(string name, torch.nn.Module module)>",
            "method static torch.tensor(bool[] rawArray, System.ReadOnlySpan<long> dimensions, string[] names = null) : torch.Tensor",
        }) {
            Assert.Equal(line, ApiMember.Parse(line).ToString());
        }
    }

    [Fact]
    public void ApiList_MalformedLines_AreErrorsNamingTheLine()
    {
        var list = ApiList.Parse(string.Join("\n",
            "# comment",
            "method torch.Tensor.tanh() : torch.Tensor  # src/TorchSharp/Tensor/Tensor.Trig.cs",
            "method torch.Tensor.tanh() : torch.Tensor  # src/TorchSharp/Tensor/Tensor.Trig.cs",
            "function torch.Tensor.tanh() : torch.Tensor  # src/a.cs",
            "method torch.Tensor.cos( : torch.Tensor  # src/a.cs",
            "method  torch.Tensor.sin() :  torch.Tensor  # src/a.cs",
            "method torch.Tensor.exp() : torch.Tensor",
            "operator static torch.Tensor.plus(torch.Tensor, torch.Tensor) : torch.Tensor  # src/a.cs",
            "# unverified",
            "method torch.Tensor.log() : torch.Tensor",
            "method torch.Tensor.log2() : torch.Tensor  # not in the index"), "api.txt");
        Assert.Equal(2, list.Entries.Count);
        Assert.True(list.Entries[0].Verified);
        Assert.False(list.Entries[1].Verified);
        Assert.Equal("not in the index", list.Entries[1].Comment);
        Assert.Collection(list.Errors,
            e => Assert.StartsWith("api.txt:3: repeats line 2", e),
            e => Assert.StartsWith("api.txt:4: does not parse (unknown kind 'function'", e),
            e => Assert.StartsWith("api.txt:5: does not parse", e),
            e => Assert.Equal("api.txt:6: not in canonical form; write it as: method torch.Tensor.sin() : torch.Tensor", e),
            e => Assert.StartsWith("api.txt:7: a verified member needs the TorchSharp source file", e),
            e => Assert.StartsWith("api.txt:8: does not parse (an operator's name is its metadata name", e),
            e => Assert.StartsWith("api.txt:10: an unverified member needs the reason", e));
    }

    [Fact]
    public void Guard_UnverifiedEntry_AllowsTheUseButReportsIt()
    {
        var guard = Check("static class S {\n  static Tensor F(Tensor x) => x.tanh();\n}\n",
            "type torch  # src/x.cs\ntype torch.Tensor  # src/x.cs\nnamespace TorchSharp  # src/x.cs\nnamespace TorchSharp.Modules  # src/x.cs\n" +
            "# unverified\nmethod torch.Tensor.tanh() : torch.Tensor  # declaration not readable\n");
        Assert.Empty(guard.Violations);
        var (use, entry) = Assert.Single(guard.UnverifiedUses);
        Assert.Equal("sample.cs:6", use.Location);
        Assert.Equal("declaration not readable", entry.Comment);
    }
}
