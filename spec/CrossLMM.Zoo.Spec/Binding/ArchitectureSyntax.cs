using System.Collections.Generic;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Vocabulary;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec.Binding
{
    /// <summary>What an architecture file says, read and checked without any preset.</summary>
    internal sealed class ArchitectureSyntax
    {
        public string? Name { get; set; }

        public YNode? NameNode { get; set; }

        public string Paper { get; set; } = string.Empty;

        public string Summary { get; set; } = string.Empty;

        public VisionKind? Vision { get; set; }

        public LanguageModelKind? Llm { get; set; }

        public KindSpec? CompressorKind { get; set; }

        public FieldSet Compressor { get; set; } = FieldSet.Empty;

        public YNode? CompressorKindNode { get; set; }

        public ProjectorConfig? Projector { get; set; }

        public List<FusionSyntax> Fusion { get; } = new List<FusionSyntax>();

        public Layout Layout { get; set; } = Layout.VideoFirst;

        public YNode? LayoutNode { get; set; }

        public Dictionary<string, OverrideSyntax> Overrides { get; } = new Dictionary<string, OverrideSyntax>();

        /// <summary>The presets the file supports (its <c>presets</c> list), or null for every preset.</summary>
        public List<string>? Presets { get; set; }

        public YNode? PresetsNode { get; set; }

        /// <summary>Whether the architecture is bound at <paramref name="preset"/>.</summary>
        public bool Supports(string preset) => Presets is null || Presets.Contains(preset);

        /// <summary>Whether every part needed for binding was read with valid values (so per-preset checks cannot cascade).</summary>
        public bool CanBind { get; set; }

        /// <summary>Whether the compressor as written is per-frame: its record's own <see cref="CompressorConfig.IsPerFrame"/>.</summary>
        public bool CompressorIsPerFrame =>
            CompressorKind?.Declaration is KindDeclaration kind && ((CompressorConfig)KindRecords.Create(kind, Compressor)).IsPerFrame;
    }

    /// <summary>A fusion entry as written.</summary>
    internal sealed class FusionSyntax
    {
        public FusionSyntax(int index, KindSpec kind, FieldSet fields, YNode kindNode)
        {
            Index = index;
            Kind = kind;
            Fields = fields;
            KindNode = kindNode;
        }

        public int Index { get; }

        public KindSpec Kind { get; }

        public FieldSet Fields { get; }

        public YNode KindNode { get; }

        public string Path => $"fusion[{Index}]";

        /// <summary>The node that places the entry (its every or layers key), for collision reports.</summary>
        public YNode PlacementNode => Fields.Get("every")?.Key ?? Fields.Get("layers")?.Key ?? KindNode;
    }

    /// <summary>One <c>overrides.&lt;preset&gt;</c> entry.</summary>
    internal sealed class OverrideSyntax
    {
        public OverrideSyntax(string preset, YNode keyNode)
        {
            Preset = preset;
            KeyNode = keyNode;
        }

        public string Preset { get; }

        public YNode KeyNode { get; }

        public FieldSet? Vision { get; set; }

        public FieldSet? Resampler { get; set; }

        public FieldSet? Llm { get; set; }

        public FieldSet? Compressor { get; set; }

        /// <summary>The node that set <c>section.field</c> in this override, or null.</summary>
        public YNode? NodeOf(string key)
        {
            int dot = key.IndexOf('.');
            string section = key.Substring(0, dot);
            string field = key.Substring(dot + 1);
            var set = section switch
            {
                "vision" => Vision,
                "resampler" => Resampler,
                "llm" => Llm,
                "compressor" => Compressor,
                _ => null,
            };
            return set?.NodeOf(field);
        }
    }
}
