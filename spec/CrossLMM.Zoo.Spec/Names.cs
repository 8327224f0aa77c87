using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>
    /// The naming rules of the spec language. Every identifier that reaches generated C# passes through
    /// here first; anything outside <c>[A-Za-z_][A-Za-z0-9_]*</c> is rejected, so no YAML text can inject code.
    /// </summary>
    public static class Names
    {
        /// <summary>The longest accepted architecture name.</summary>
        public const int MaxNameLength = 100;

        private static readonly Regex IdentifierPattern = new Regex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
        private static readonly Regex PresetPattern = new Regex("^[a-z0-9]+(?:[-_][a-z0-9]+)*$", RegexOptions.CultureInvariant);
        private static readonly Regex StemPattern = new Regex("^[a-z0-9]+(?:[-_][a-z0-9]+)*$", RegexOptions.CultureInvariant);

        /// <summary>C# keywords, reserved and contextual (a contextual keyword as a type name invites trouble too).</summary>
        public static IReadOnlyCollection<string> CSharpKeywords { get; } = new HashSet<string>(StringComparer.Ordinal)
        {
            "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
            "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
            "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
            "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
            "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
            "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
            "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
            "add", "alias", "allows", "and", "ascending", "args", "async", "await", "by", "descending", "dynamic",
            "equals", "extension", "field", "file", "from", "get", "global", "group", "init", "into", "join", "let",
            "managed", "nameof", "nint", "not", "notnull", "nuint", "on", "or", "orderby", "partial", "record",
            "remove", "required", "scoped", "select", "set", "unmanaged", "value", "var", "when", "where", "with", "yield",
        };

        /// <summary>
        /// Names the generated code or the zoo's namespaces already use: an architecture may not be called
        /// this, nor may <c>&lt;Name&gt;Config</c> be a type of CrossLMM.Zoo.Configs.
        /// </summary>
        public static IReadOnlyCollection<string> ReservedNames { get; } = BuildReserved();

        /// <summary>
        /// Members the generated module class <c>&lt;Name&gt;</c> declares with an upper-case letter (its other members,
        /// <c>vision_tower</c>, <c>fusion0</c>, ..., are lower-case, which no architecture name can be): a class may not
        /// have a member named like itself (CS0542).
        /// </summary>
        public static IReadOnlyCollection<string> ModuleMemberNames { get; } = new HashSet<string>(StringComparer.Ordinal)
        {
            "Config", "Create", "OnConfiguring", "OnCreated",
        };

        /// <summary>Member names of a generated <c>&lt;Name&gt;Config</c> record that a preset property may not take.</summary>
        public static IReadOnlyCollection<string> ReservedPresetProperties { get; } = new HashSet<string>(StringComparer.Ordinal)
        {
            "ArchitectureName", "Stem", "Paper", "Summary", "SourceFile", "SourceYaml", "TokensFormula", "PresetNames",
            "Architecture", "Preset", "Vision", "Resampler", "Compressor", "Projector", "Llm", "Fusion", "Layout",
            "LayerPlan", "ForPreset", "Equals", "GetHashCode", "ToString", "EqualityContract", "PrintMembers",
            "Deconstruct", "Clone", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals", "Info",
        };

        /// <summary>
        /// Why <paramref name="name"/> cannot be an architecture's C# type name, or null when it can.
        /// The message starts with the quoted name.
        /// </summary>
        /// <param name="name">The value of <c>name:</c>.</param>
        public static string? CheckTypeName(string name) => TypeNameProblem(name)?.ToString();

        /// <summary>The CLMZ0009 message for <paramref name="name"/>, or null when it is a valid architecture name.</summary>
        internal static SpecMessage? TypeNameProblem(string name)
        {
            if (name.Length == 0)
            {
                return SpecMessages.NameEmpty();
            }

            if (name.Length > MaxNameLength)
            {
                return SpecMessages.NameTooLong(name, MaxNameLength);
            }

            if (!IdentifierPattern.IsMatch(name))
            {
                return SpecMessages.NameNotIdentifier(name);
            }

            if (CSharpKeywords.Contains(name))
            {
                return SpecMessages.NameIsKeyword(name);
            }

            if (!name.Any(c => c >= 'A' && c <= 'Z'))
            {
                return SpecMessages.NameAllLowerCase(name, char.ToUpperInvariant(name[0]) + name.Substring(1));
            }

            if (ReservedNames.Contains(name) || ReservedNames.Contains(name + "Config"))
            {
                return SpecMessages.NameReservedByZoo(name);
            }

            if (ModuleMemberNames.Contains(name))
            {
                return SpecMessages.NameReservedByModule(name);
            }

            return null;
        }

        /// <summary>Whether <paramref name="preset"/> is a valid preset name (lower-case words or digits joined by '-' or '_').</summary>
        /// <param name="preset">A preset name from zoo.yaml.</param>
        public static bool IsValidPresetName(string preset) => preset.Length <= 32 && PresetPattern.IsMatch(preset);

        /// <summary>Whether <paramref name="stem"/> is a valid architecture file stem.</summary>
        /// <param name="stem">An entry of zoo.yaml's <c>architectures</c>.</param>
        public static bool IsValidStem(string stem) => stem.Length <= 64 && StemPattern.IsMatch(stem);

        /// <summary>
        /// The C# property name of a preset: PascalCase words, a letter after a digit upper-cased, and a
        /// <c>Size</c> prefix when the name starts with a digit: <c>tiny → Tiny</c>, <c>small → Small</c>,
        /// <c>2b → Size2B</c>, <c>7b → Size7B</c>, <c>qwen-1p5b → Qwen1P5B</c>.
        /// </summary>
        /// <param name="preset">A valid preset name (<see cref="IsValidPresetName"/>).</param>
        public static string PresetPropertyName(string preset)
        {
            var sb = new StringBuilder();
            foreach (string part in preset.Split(new[] { '-', '_' }, StringSplitOptions.RemoveEmptyEntries))
            {
                bool upper = true;
                foreach (char c in part)
                {
                    sb.Append(upper ? char.ToUpperInvariant(c) : c);
                    upper = char.IsDigit(c);
                }
            }

            string name = sb.ToString();
            return name.Length > 0 && char.IsDigit(name[0]) ? "Size" + name : name;
        }

        /// <summary>The file stem of a path: its file name without the extension.</summary>
        /// <param name="path">A file path with '/' or '\' separators.</param>
        public static string StemOf(string path)
        {
            string file = FileNameOf(path);
            int dot = file.LastIndexOf('.');
            return dot > 0 ? file.Substring(0, dot) : file;
        }

        /// <summary>The file name of a path with '/' or '\' separators.</summary>
        /// <param name="path">A file path.</param>
        public static string FileNameOf(string path)
        {
            int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
            return slash >= 0 ? path.Substring(slash + 1) : path;
        }

        /// <summary>
        /// <paramref name="path"/> relative to the directory of <paramref name="registryPath"/> with '/'
        /// separators when it lies below it (<c>architectures/crosslmm.yaml</c>); otherwise the path itself
        /// with '/' separators.
        /// </summary>
        /// <param name="registryPath">Path of zoo.yaml.</param>
        /// <param name="path">Path of a spec file.</param>
        public static string RelativeToRegistry(string registryPath, string path)
        {
            string file = Normalize(path);
            string registry = Normalize(registryPath);
            int slash = registry.LastIndexOf('/');
            if (slash < 0)
            {
                return file;
            }

            string directory = registry.Substring(0, slash + 1);
            return file.StartsWith(directory, StringComparison.Ordinal) ? file.Substring(directory.Length) : file;
        }

        /// <summary>'/' separators, with '.' and 'dir/..' segments removed (<c>/repo/architectures/../zoo.yaml</c> → <c>/repo/zoo.yaml</c>).</summary>
        /// <param name="path">A file path.</param>
        public static string Normalize(string path)
        {
            string unified = path.Replace('\\', '/');
            bool rooted = unified.StartsWith("/", StringComparison.Ordinal);
            var parts = new List<string>();
            foreach (string part in unified.Split('/'))
            {
                if (part.Length == 0 || part == ".")
                {
                    continue;
                }

                if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                    continue;
                }

                parts.Add(part);
            }

            return (rooted ? "/" : string.Empty) + string.Join("/", parts);
        }

        private static HashSet<string> BuildReserved()
        {
            // The namespaces under CrossLMM.Zoo: a class CrossLMM.Zoo.Modules would make 'CrossLMM.Zoo.Modules.X' ambiguous.
            var reserved = new HashSet<string>(StringComparer.Ordinal)
            {
                "Zoo", "CrossLMM", "System", "Microsoft", "TorchSharp", "Configs", "Spec", "Modules", "Engine", "Generators", "Tools", "Cli",
            };
            foreach (var type in typeof(Configs.ArchitectureConfig).Assembly.GetExportedTypes())
            {
                string typeName = type.Name;
                int tick = typeName.IndexOf('`');
                reserved.Add(tick >= 0 ? typeName.Substring(0, tick) : typeName);
            }

            return reserved;
        }
    }
}
