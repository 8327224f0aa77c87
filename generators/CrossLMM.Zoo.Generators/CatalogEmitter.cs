using System.Linq;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Zoo.Generators
{
    /// <summary>Emits <c>Zoo.g.cs</c>: the <c>Zoo</c> catalogue of every valid architecture listed in zoo.yaml, in zoo.yaml order.</summary>
    internal static class CatalogEmitter
    {
        public const string HintName = "Zoo.g.cs";

        /// <summary>The catalogue source; with <paramref name="withModules"/> (the blocks are referenced) also the <c>Create</c> factory.</summary>
        public static string Emit(CatalogModel catalog, bool withModules)
        {
            var zoo = catalog.Zoo!;
            string configs = ConfigEmitter.Configs;
            var w = new CodeWriter();
            ConfigEmitter.Banner(w, Names.FileNameOf(zoo.Path) + " and the architecture files it lists");
            w.Line("#nullable enable");
            w.Line();
            w.Line("namespace CrossLMM.Zoo");
            w.Open("{");
            w.Summary(
                "The catalogue of the zoo: every architecture listed in zoo.yaml, with its metadata and its configuration",
                "at any preset. The runtime builder (<c>Zoo.Build</c>) extends this class in a hand-written part.");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"CrossLMM.Zoo.Generators\", \"1.0.0\")]");
            w.Line("public static partial class Zoo");
            w.Open("{");
            w.Summary("The preset used when none is requested (zoo.yaml <c>defaults.preset</c>).");
            w.Line($"public const string DefaultPreset = {CSharp.Literal(zoo.DefaultPreset)};");
            w.Line();
            w.Summary("The registry's file name.");
            w.Line($"public const string RegistryFile = {CSharp.Literal(Names.FileNameOf(zoo.Path))};");
            w.Line();
            w.Summary("The text of zoo.yaml, for the runtime builder (<c>ZooRegistry.Parse(RegistryYaml, RegistryFile)</c>).");
            w.Line($"public const string RegistryYaml = {CSharp.Literal(zoo.Text)};");
            w.Line();
            w.Summary("The valid presets, in zoo.yaml order.");
            w.Line($"public static global::System.Collections.Generic.IReadOnlyList<string> Presets {{ get; }} = new string[] {{ {string.Join(", ", zoo.Presets.Select(p => CSharp.Literal(p.Name)))} }};");
            w.Line();
            w.Summary("Every architecture, in zoo.yaml order.");
            w.Line($"public static global::System.Collections.Generic.IReadOnlyList<{configs}ArchitectureInfo> Architectures {{ get; }} = new {configs}ArchitectureInfo[]");
            w.Open("{");
            foreach (var entry in catalog.Entries)
            {
                string type = CSharp.Identifier(entry.Name!) + "Config";
                w.Line($"new {configs}ArchitectureInfo(");
                w.Indent();
                w.Line($"name: {type}.ArchitectureName,");
                w.Line($"stem: {type}.Stem,");
                w.Line($"paper: {type}.Paper,");
                w.Line($"summary: {type}.Summary,");
                w.Line($"tokensFormula: {type}.TokensFormula,");
                w.Line($"sourceFile: {type}.SourceFile,");
                w.Line($"sourceYaml: {type}.SourceYaml,");
                w.Line($"configType: typeof({type}),");
                w.Line($"presets: {type}.PresetNames,");
                w.Line($"config: static preset => {type}.ForPreset(preset).Architecture),");
                w.Outdent();
            }

            w.Close("};");
            w.Line();
            w.Summary("The architecture whose C# name or file stem is <paramref name=\"nameOrStem\"/>, or null.");
            w.Line("/// <param name=\"nameOrStem\">E.g. <c>CrossLmm</c> or <c>crosslmm</c>.</param>");
            w.Line($"public static {configs}ArchitectureInfo? Find(string nameOrStem)");
            w.Open("{");
            w.Line("foreach (var info in Architectures)");
            w.Open("{");
            w.Line("if (info.Name == nameOrStem || info.Stem == nameOrStem)");
            w.Open("{");
            w.Line("return info;");
            w.Close();
            w.Close();
            w.Line();
            w.Line("return null;");
            w.Close();
            w.Line();
            w.Summary("The architecture whose C# name or file stem is <paramref name=\"nameOrStem\"/>.");
            w.Line("/// <param name=\"nameOrStem\">E.g. <c>CrossLmm</c> or <c>crosslmm</c>.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">No such architecture.</exception>");
            w.Line($"public static {configs}ArchitectureInfo Get(string nameOrStem) =>");
            w.Indent();
            w.Line("Find(nameOrStem) ?? throw new global::System.ArgumentException(");
            w.Indent();
            w.Line("\"unknown architecture '\" + nameOrStem + \"'; the zoo has: \" + string.Join(\", \", global::System.Linq.Enumerable.Select(Architectures, a => a.Stem)),");
            w.Line("nameof(nameOrStem));");
            w.Outdent();
            w.Outdent();
            w.Line();
            w.Summary("The bound configuration of an architecture at a preset.");
            w.Line("/// <param name=\"nameOrStem\">E.g. <c>CrossLmm</c> or <c>crosslmm</c>.</param>");
            w.Line("/// <param name=\"preset\">A preset name, e.g. <c>tiny</c>.</param>");
            w.Line($"public static {configs}ArchitectureConfig Config(string nameOrStem, string preset) => Get(nameOrStem).Config(preset);");
            if (withModules)
            {
                Create(w, catalog);
            }

            w.Close();
            w.Close();
            return w.ToString();
        }

        private static void Create(CodeWriter w, CatalogModel catalog)
        {
            w.Line();
            w.Summary(
                "A freshly initialised model of a catalogue architecture, built by its generated typed class (e.g.",
                "<c>CrossLmm</c>); the same seed gives the same parameters as <c>Zoo.Build</c> of its YAML.");
            w.Line("/// <param name=\"nameOrStem\">E.g. <c>CrossLmm</c> or <c>crosslmm</c>.</param>");
            w.Line("/// <param name=\"preset\">A preset name, e.g. <c>tiny</c>; null = <see cref=\"DefaultPreset\"/>.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">No such architecture or preset.</exception>");
            w.Line("public static global::CrossLMM.Zoo.Modules.VideoLmm Create(string nameOrStem, string? preset = null)");
            w.Open("{");
            w.Line("string name = Get(nameOrStem).Name;");
            w.Line("preset ??= DefaultPreset;");
            w.Line("switch (name)");
            w.Open("{");
            foreach (var entry in catalog.Entries)
            {
                string type = CSharp.Identifier(entry.Name!);
                w.Line($"case {CSharp.Literal(type)}:");
                w.Indent().Line($"return new global::CrossLMM.Zoo.{type}(global::CrossLMM.Zoo.{type}Config.ForPreset(preset));").Outdent();
            }

            w.Line("default:");
            w.Indent().Line("throw new global::System.InvalidOperationException(\"the catalogue entry '\" + name + \"' has no generated module\");").Outdent();
            w.Close();
            w.Close();
        }
    }
}
