using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Spec.Docs;
using CrossLMM.Zoo.Spec.Vocabulary;
using Xunit;

namespace CrossLMM.Zoo.Spec.Tests;

/// <summary>The JSON Schemas and the reference page are generated from the vocabulary tables; the checked-in copies must match.</summary>
public class DocumentationTests
{
    [Fact]
    public void ArchitectureSchema_MatchesTheVocabulary() =>
        Approvals.Verify(Repo.PathOf("architectures/schema/architecture.schema.json"), SchemaWriter.ArchitectureSchema());

    [Fact]
    public void ZooSchema_MatchesTheVocabulary() =>
        Approvals.Verify(Repo.PathOf("architectures/schema/zoo.schema.json"), SchemaWriter.ZooSchema());

    [Fact]
    public void ReferencePage_MatchesTheVocabulary() =>
        Approvals.Verify(Repo.PathOf("architectures/README.md"), ReferenceWriter.Markdown());

    [Fact]
    public void Schemas_AreJsonWithTheVocabularysKeys_AndEveryRefResolves()
    {
        using var architecture = JsonDocument.Parse(SchemaWriter.ArchitectureSchema());
        var root = architecture.RootElement;
        Assert.Equal("architecture.schema.json", root.GetProperty("$id").GetString());
        Assert.Equal(SpecVocabulary.ArchitectureKeys.Select(k => k.Name).OrderBy(n => n, StringComparer.Ordinal), root.GetProperty("properties").EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(SpecVocabulary.ArchitectureKeys.Where(k => k.Required).Select(k => k.Name), root.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var definitions = root.GetProperty("definitions").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(SpecVocabulary.Slots.Select(s => s.Name).ToHashSet(), definitions);
        var refs = Refs(root).ToArray();
        Assert.NotEmpty(refs);
        Assert.All(refs, r => Assert.Contains(r, definitions.Select(d => "#/definitions/" + d)));

        using var zoo = JsonDocument.Parse(SchemaWriter.ZooSchema());
        Assert.Equal("zoo.schema.json", zoo.RootElement.GetProperty("$id").GetString());
        Assert.Equal(SpecVocabulary.ZooKeys.Select(k => k.Name).OrderBy(n => n, StringComparer.Ordinal), zoo.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(SpecVocabulary.ZooKeys.Where(k => k.Required).Select(k => k.Name), zoo.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(Refs(zoo.RootElement));
    }

    private static IEnumerable<string> Refs(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == "$ref" ? new[] { p.Value.GetString()! } : Refs(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Refs),
        _ => Enumerable.Empty<string>(),
    };

    [Fact]
    public void VocabularyContract_NamesEveryKindAndField()
    {
        string contract = Repo.Read("docs/vocabulary.md");
        var names = SpecVocabulary.Slots.SelectMany(s => s.Kinds.Select(k => k.Name)
                .Concat(s.Kinds.SelectMany(k => k.Fields).Select(f => f.Name))
                .Concat(s.CommonFields.Select(f => f.Name)))
            .Concat(SpecVocabulary.PresetSections.SelectMany(s => s.Fields.Select(f => f.Name)))
            .Concat(SpecVocabulary.ArchitectureKeys.Select(k => k.Name))
            .Concat(SpecVocabulary.LayoutField.Values)
            .Distinct();
        Assert.All(names, name => Assert.Contains("`" + name, contract));
    }
}
