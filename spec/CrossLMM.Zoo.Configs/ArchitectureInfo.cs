using System;
using System.Collections.Generic;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// One entry of the generated <c>Zoo</c> catalogue: the metadata of an architecture and an accessor for
    /// its bound configuration at any preset.
    /// </summary>
    public sealed class ArchitectureInfo
    {
        private readonly Func<string, ArchitectureConfig> config;

        /// <summary>Creates a catalogue entry (called by generated code).</summary>
        /// <param name="name">C# type name (e.g. <c>CrossLmm</c>).</param>
        /// <param name="stem">YAML file stem (e.g. <c>crosslmm</c>).</param>
        /// <param name="paper">Paper reference, or empty.</param>
        /// <param name="summary">One-line summary.</param>
        /// <param name="tokensFormula">Stream-token formula in symbols (e.g. <c>T·grid²</c>).</param>
        /// <param name="sourceFile">YAML path relative to the directory of zoo.yaml.</param>
        /// <param name="sourceYaml">The YAML text the configuration was generated from.</param>
        /// <param name="configType">The generated <c>&lt;Name&gt;Config</c> record type.</param>
        /// <param name="presets">The preset names, in zoo.yaml order.</param>
        /// <param name="config">Returns the bound configuration for a preset name.</param>
        public ArchitectureInfo(
            string name,
            string stem,
            string paper,
            string summary,
            string tokensFormula,
            string sourceFile,
            string sourceYaml,
            Type configType,
            IReadOnlyList<string> presets,
            Func<string, ArchitectureConfig> config)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Stem = stem ?? throw new ArgumentNullException(nameof(stem));
            Paper = paper ?? string.Empty;
            Summary = summary ?? string.Empty;
            TokensFormula = tokensFormula ?? string.Empty;
            SourceFile = sourceFile ?? string.Empty;
            SourceYaml = sourceYaml ?? string.Empty;
            ConfigType = configType ?? throw new ArgumentNullException(nameof(configType));
            Presets = presets ?? throw new ArgumentNullException(nameof(presets));
            this.config = config ?? throw new ArgumentNullException(nameof(config));
        }

        /// <summary>C# type name (e.g. <c>CrossLmm</c>).</summary>
        public string Name { get; }

        /// <summary>YAML file stem (e.g. <c>crosslmm</c>).</summary>
        public string Stem { get; }

        /// <summary>Paper reference, or empty.</summary>
        public string Paper { get; }

        /// <summary>One-line summary.</summary>
        public string Summary { get; }

        /// <summary>Stream-token formula in symbols (T = frames, g = patch grid side).</summary>
        public string TokensFormula { get; }

        /// <summary>YAML path relative to the directory of zoo.yaml.</summary>
        public string SourceFile { get; }

        /// <summary>The YAML text the configuration was generated from (feed it to the runtime builder to compare).</summary>
        public string SourceYaml { get; }

        /// <summary>The generated <c>&lt;Name&gt;Config</c> record type.</summary>
        public Type ConfigType { get; }

        /// <summary>The preset names, in zoo.yaml order.</summary>
        public IReadOnlyList<string> Presets { get; }

        /// <summary>The bound configuration at <paramref name="preset"/>.</summary>
        /// <param name="preset">A preset name from <see cref="Presets"/>.</param>
        /// <exception cref="ArgumentException">Unknown preset.</exception>
        public ArchitectureConfig Config(string preset) => config(preset);

        /// <summary><c>CrossLmm (crosslmm): summary</c>.</summary>
        public override string ToString() => $"{Name} ({Stem}): {Summary}";
    }
}
