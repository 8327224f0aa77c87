using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using static CrossLMM.Zoo.Spec.Tests.TestSpecs;

namespace CrossLMM.Zoo.Generators.Tests;

/// <summary>
/// Text crafted to break out of a string literal, a comment or an XML doc: names are rejected, summaries and
/// papers are escaped; the output compiles cleanly, declares only the expected types, and keeps the exact text.
/// </summary>
public class InjectionTests
{
    public static readonly string[] Payloads =
    {
        "\"; } class Evil { //",
        "*/ class Evil { } /*",
        "\"\"\" raw \"\"\"",
        "line1\nline2\n#error injected",
        "#error boom",
        "\\u0022 escape \\u000A",
        "</summary><script>x</script><summary>",
        "&amp; &lt; & < >",
        "]]> <![CDATA[",
        "\u2028#error after a line separator",
        "\u0085#error after NEL",
        "\u202E reversed \u2066isolate",
        "tab\there",
        "emoji 😀",
        "{0} {1} $\"{Evil()}\"",
        "// comment",
        "/// <summary>",
        "\\",
        "\\\"",
        "\r\n#error crlf",
        "#pragma warning disable",
        "\u0000 nul",
    };

    public static readonly string[] BadNames =
    {
        "X\"; System.IO.File.Delete(\"/\"); //",
        "A*/B",
        "A\nB",
        "#error",
        "A\\u0022B",
        "A\\u0041",
        "A</summary>B",
        "A B",
        "Ωmega",
        "A\u202EB",
        "class",
        "@class",
        "A.B",
        "A-B",
        "A;B",
        "",
        "_",
        "Zoo",
    };

    /// <summary>A YAML double-quoted scalar with exactly <paramref name="value"/> as its content.</summary>
    public static string YamlQuoted(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c == '"' || c == '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c < 0x20 || c > 0x7E)
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append('"').ToString();
    }

    [Fact]
    public void InjectedNames_AreRejected_AndNeverEmitted()
    {
        var specs = BadNames.Select((name, i) => ($"bad{i}", Demo.Replace("name: Demo", "name: " + YamlQuoted(name)))).ToArray();
        var run = Harness.RunGenerator(Harness.Files(specs));
        Assert.Equal(BadNames.Length, run.Diagnostics.Count(d => d.Id == "CLMZ0009"));
        Assert.All(run.Diagnostics, d => Assert.Equal("CLMZ0009", d.Id));
        Assert.Equal(new[] { "Zoo.g.cs" }, run.HintNames);
        string zoo = run.Source("Zoo.g.cs");
        Assert.DoesNotContain("Evil", zoo);
        Assert.DoesNotContain("Delete", zoo);
    }

    [Fact]
    public void InjectedSummariesAndPapers_AreEscaped_CompileCleanly_AndKeepTheirText()
    {
        var specs = Payloads.Select((p, i) => ($"inj{i}", Demo.Replace("name: Demo", $"name: Inj{i}\nsummary: {YamlQuoted(p)}\npaper: {YamlQuoted(p + " (paper)")}"))).ToArray();
        var run = Harness.RunGenerator(Harness.Files(specs));
        Assert.Empty(run.Diagnostics);
        Assert.Equal(2 * Payloads.Length + 1, run.HintNames.Length);

        // Compiles with documentation diagnostics on and nothing to report, not even a warning.
        var diagnostics = run.Output.GetDiagnostics().Where(d => d.Severity != DiagnosticSeverity.Hidden).ToArray();
        Assert.True(diagnostics.Length == 0, string.Join("\n", diagnostics.Select(d => d.ToString())));

        var trees = run.Output.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2 * Payloads.Length + 1, trees.Length);
        var allowedElements = new HashSet<string> { "summary", "remarks", "para", "c", "see", "param", "paramref", "exception" };
        foreach (var tree in trees)
        {
            var root = tree.GetRoot();

            // Only the expected types, and no directive but '#nullable enable'.
            var types = root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Select(t => t.Identifier.ValueText).ToArray();
            Assert.Single(types);
            Assert.Matches("^(Zoo|Inj[0-9]+(Config)?)$", types[0]);
            Assert.All(root.DescendantTrivia(descendIntoTrivia: true).Where(t => t.IsDirective), t => Assert.Equal("#nullable enable", t.ToString().Trim()));

            // Doc comments hold only our own XML elements.
            foreach (var doc in root.DescendantTrivia().Select(t => t.GetStructure()).OfType<DocumentationCommentTriviaSyntax>())
            {
                Assert.All(doc.DescendantNodes().OfType<XmlElementSyntax>(), e => Assert.Contains(e.StartTag.Name.LocalName.ValueText, allowedElements));
                Assert.All(doc.DescendantNodes().OfType<XmlEmptyElementSyntax>(), e => Assert.Contains(e.Name.LocalName.ValueText, allowedElements));
            }

            // String literals are pure printable ASCII (everything else is a \u escape).
            Assert.All(root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.StringLiteralToken)), t => Assert.True(t.Text.All(c => c >= 0x20 && c < 0x7F), t.Text));
        }

        // The constants keep the exact text of the YAML.
        for (int i = 0; i < Payloads.Length; i++)
        {
            var type = run.Output.GetTypeByMetadataName($"CrossLMM.Zoo.Inj{i}Config")!;
            Assert.Equal(Payloads[i], type.GetMembers("Summary").OfType<IFieldSymbol>().Single().ConstantValue);
            Assert.Equal(Payloads[i] + " (paper)", type.GetMembers("Paper").OfType<IFieldSymbol>().Single().ConstantValue);
        }
    }
}
