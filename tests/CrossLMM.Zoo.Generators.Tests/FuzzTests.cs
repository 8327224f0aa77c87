using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CrossLMM.Zoo.Spec.Tests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CrossLMM.Zoo.Generators.Tests;

/// <summary>
/// Property: whatever YAML arrives (mutated real specs, random text, deep nesting, anchors and aliases, tabs,
/// unicode), the generator never throws, every diagnostic is a CLMZ diagnostic located inside the file, and
/// whenever it reports no error the generated code compiles.
/// </summary>
public class FuzzTests
{
    private const string SpecPath = Harness.Root + "/architectures/demo.yaml";

    private static readonly string[] Bases = Directory.GetFiles(Repo.PathOf("architectures"), "*.yaml")
        .OrderBy(f => f, StringComparer.Ordinal)
        .Select(File.ReadAllText)
        .Append(TestSpecs.Demo)
        .Append(TestSpecs.Demo + "\nfusion:\n  - { kind: dual_cross_attention, every: 2, branches: [v2v, t2v], scope: frame, gate_init: 0.5, heads: 2 }\n  - { kind: hybrid, layers: [0] }\noverrides:\n  tiny:\n    llm: { layers: 4 }\n    compressor: { grid: 2 }\n")
        .ToArray();

    private static readonly string[] Scalars =
    {
        "", "~", "null", "-1", "0", "1", "4", "3.5", "99999999999999999999", "1e309", ".inf", ".nan", "true", "yes",
        "\"quoted\"", "'single'", "\"3\"", "[", "]", "{", "}", "[1, 2", "{ kind: vit", "*alias", "&anchor v", "!!binary x",
        "!custom tag", "\t", "ü", "😀", "\u202E", "\u2028", "\u0085", "\"\\u0022\"", "#error boom", "*/", "\"\"\"", "|", ">", "- a",
        ": :", "? x", "%YAML 1.2", "---", "...", "pool2d", "dual_cross_attention", "[v2v, v2v]", "[]", "{}", "video_first",
        "cross_attention_only", "slow", "frame", "Name With Spaces", "class", "\"x\\\"; File.Delete(\\\"/\\\")\"",
    };

    private static string[] Lines(string text) => text.Split('\n');

    private static string Join(IEnumerable<string> lines) => string.Join("\n", lines);

    private static readonly Gen<Func<string, string>> Mutation = Gen.OneOf(
        Gen.Choose(0, 10_000).Select(i => (Func<string, string>)(t =>
        {
            var lines = Lines(t).ToList();
            lines.RemoveAt(i % lines.Count);
            return Join(lines);
        })),
        Gen.Choose(0, 10_000).SelectMany(i => Gen.Choose(0, 10_000), (i, j) => (Func<string, string>)(t =>
        {
            var lines = Lines(t);
            int a = i % lines.Length, b = j % lines.Length;
            (lines[a], lines[b]) = (lines[b], lines[a]);
            return Join(lines);
        })),
        Gen.Choose(0, 10_000).SelectMany(i => Gen.Choose(0, 10_000), (i, j) => (Func<string, string>)(t =>
        {
            // Swap the values of two "key: value" lines.
            var lines = Lines(t);
            var pairs = lines.Select((l, k) => (l, k)).Where(x => x.l.Contains(": ")).ToArray();
            if (pairs.Length < 2)
            {
                return t;
            }

            var (la, ka) = pairs[i % pairs.Length];
            var (lb, kb) = pairs[j % pairs.Length];
            int ca = la.IndexOf(": ", StringComparison.Ordinal), cb = lb.IndexOf(": ", StringComparison.Ordinal);
            lines[ka] = la.Substring(0, ca + 2) + lb.Substring(cb + 2);
            lines[kb] = lb.Substring(0, cb + 2) + la.Substring(ca + 2);
            return Join(lines);
        })),
        Gen.Choose(0, 10_000).SelectMany(i => Gen.Elements(Scalars), (i, s) => (Func<string, string>)(t =>
        {
            // Replace the value after a random "key: " with a scalar from the pool.
            var lines = Lines(t);
            var candidates = lines.Select((l, k) => (l, k)).Where(x => x.l.Contains(": ")).ToArray();
            if (candidates.Length == 0)
            {
                return t;
            }

            var (line, k) = candidates[i % candidates.Length];
            int at = line.IndexOf(": ", StringComparison.Ordinal);
            lines[k] = line.Substring(0, at + 2) + s;
            return Join(lines);
        })),
        Gen.Choose(0, 10_000).SelectMany(i => RandomText(12), (i, s) => (Func<string, string>)(t =>
        {
            // Replace a token inside a flow mapping with random characters.
            int at = i % Math.Max(1, t.Length);
            return t.Substring(0, at) + s + t.Substring(Math.Min(t.Length, at + s.Length));
        })),
        Gen.Choose(1, 300).SelectMany(n => Gen.Elements("[", "{a: ", "- "), (n, open) => (Func<string, string>)(t =>
        {
            string close = open == "[" ? "]" : open == "{a: " ? "}" : string.Empty;
            string nested = open == "- "
                ? string.Concat(Enumerable.Range(0, n).Select(k => "\n" + new string(' ', 2 * k) + "- ")) + "x"
                : string.Concat(Enumerable.Repeat(open, n)) + "x" + string.Concat(Enumerable.Repeat(close, n));
            return t + "\ndeep: " + nested + "\n";
        })),
        Gen.Elements(
            "\nlayout: &l video_first\nextra: *l\n",
            "\nvision: &v { kind: vit }\nvision2: *v\n",
            "\nx: *undefined\n",
            "\nbomb0: &a0 [x, x, x, x, x, x, x, x, x, x]\nbomb1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\nbomb2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\nbomb3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\nbomb4: [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\n",
            "\n<<: { name: Merged }\n",
            "\n? [complex, key]\n: value\n",
            "\n---\nname: Second\n",
            "\n%TAG ! tag:example.com,2000:\n",
            "\r\nname: crlf\r\n").Select(s => (Func<string, string>)(t => t + s)),
        Gen.Choose(0, 10_000).Select(i => (Func<string, string>)(t =>
        {
            // Indent a line with a tab.
            var lines = Lines(t);
            int k = i % lines.Length;
            lines[k] = "\t" + lines[k].TrimStart(' ');
            return Join(lines);
        })),
        Gen.Choose(0, 10_000).Select(i => (Func<string, string>)(t => t.Substring(0, i % (t.Length + 1)))));

    private static Gen<string> RandomText(int maxLength) =>
        Gen.Choose(0, maxLength).SelectMany(n => Gen.OneOf(Gen.Choose(0x20, 0x7E), Gen.Choose(0, 0xFFFF), Gen.Elements(9, 10, 13, 0x2028, 0xD800, 0xFEFF)).ArrayOf(n),
            (n, codes) => new string(codes.Select(c => (char)c).ToArray()));

    private static readonly Gen<string> MutatedSpecs =
        Gen.Elements(Bases).SelectMany(b => Gen.Choose(1, 3).SelectMany(n => Mutation.ArrayOf(n)), (b, ops) => ops.Aggregate(b, (text, op) => op(text)));

    private static Gen<string> MutatedRegistries() =>
        Gen.Constant(Repo.Read("zoo.yaml")).SelectMany(b => Gen.Choose(1, 3).SelectMany(n => Mutation.ArrayOf(n)), (b, ops) => ops.Aggregate(b, (text, op) => op(text)));

    // The generators of the properties below, one class each (all three generate strings). Like the
    // Prop.ForAll checks they replace, they have no shrinker: a failure reports the original text. Seeds are
    // random; to replay a failure, put the seed pair of its message, "Falsifiable, after N tests (k shrinks)
    // (SEED,GAMMA)", into the attribute as Replay = "SEED,GAMMA", or the triple of its line "Replay directly at
    // failing step with (A,B,S)" as Replay = "A,B,S" to start at the failing case; remove it before committing.

    /// <summary>Real specs (and the demo) with 1–3 mutations.</summary>
    public static class MutatedSpecTexts
    {
        public static Arbitrary<string> Yaml() => Arb.From(MutatedSpecs);
    }

    /// <summary>Up to 400 random characters (printable ASCII, any UTF-16 unit, line breaks, lone surrogates, BOM).</summary>
    public static class RandomTexts
    {
        public static Arbitrary<string> Text() => Arb.From(RandomText(400));
    }

    /// <summary>The repository's zoo.yaml with 1–3 mutations.</summary>
    public static class MutatedRegistryTexts
    {
        public static Arbitrary<string> Zoo() => Arb.From(MutatedRegistries());
    }

    [Property(MaxTest = 250, Arbitrary = new[] { typeof(MutatedSpecTexts) })]
    public void MutatedSpecs_NeverCrashTheGenerator(string yaml) => CheckRun(yaml);

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(RandomTexts) })]
    public void RandomText_NeverCrashesTheGenerator(string yaml) => CheckRun(yaml);

    [Property(MaxTest = 60, Arbitrary = new[] { typeof(MutatedRegistryTexts) })]
    public void MutatedRegistry_NeverCrashesTheGenerator(string zoo) => CheckRun(TestSpecs.Demo, zoo);

    private static void CheckRun(string yaml, string? zoo = null)
    {
        var texts = new Dictionary<string, string>
        {
            [Harness.Root + "/zoo.yaml"] = zoo ?? Harness.ZooYaml("demo"),
            [SpecPath] = yaml,
        };
        var run = Harness.RunGenerator(texts.Select(kv => (AdditionalText)new InMemoryAdditionalText(kv.Key, kv.Value)));
        Assert.Null(run.Generator.Exception);
        foreach (var d in run.Diagnostics)
        {
            Assert.StartsWith("CLMZ", d.Id);
            Assert.NotEqual("CLMZ9999", d.Id);
            if (d.Location == Location.None)
            {
                Assert.Equal("CLMZ0027", d.Id);
                continue;
            }

            Assert.Equal(LocationKind.ExternalFile, d.Location.Kind);
            var span = d.Location.GetLineSpan();
            Assert.True(texts.ContainsKey(span.Path), span.Path);

            // Inside the file, and the line/column agree with Roslyn's own view of the same offsets.
            var text = Microsoft.CodeAnalysis.Text.SourceText.From(texts[span.Path]);
            Assert.InRange(d.Location.SourceSpan.End, 0, text.Length);
            Assert.Equal(text.Lines.GetLinePositionSpan(d.Location.SourceSpan), span.Span);
        }

        if (!run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            var errors = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => e.ToString())));
        }
    }
}
