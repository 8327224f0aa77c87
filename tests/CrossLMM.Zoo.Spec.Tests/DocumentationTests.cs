using System.Linq;
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
    public void Schemas_AreValidJson()
    {
        System.Text.Json.JsonDocument.Parse(SchemaWriter.ArchitectureSchema()).Dispose();
        System.Text.Json.JsonDocument.Parse(SchemaWriter.ZooSchema()).Dispose();
    }

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
