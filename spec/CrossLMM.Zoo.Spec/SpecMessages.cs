using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>
    /// The message catalogue: the wording of every diagnostic, grouped by ID, in the order of
    /// <see cref="SpecDiagnostics.All"/>. A reporting site passes values (the key, the value, the path, the
    /// candidates) and never composes text, so one ID reads the same wherever it is reported. The rules shared
    /// with the hand-written blocks keep their wording in <see cref="ConfigRules"/> (one rule, one wording) and
    /// are reported here through its formats. A message is formatted only when read (<see cref="SpecMessage"/>).
    /// </summary>
    /// <remarks>
    /// Conventions: <c>path</c> is the YAML path of the value (<c>compressor.grid</c>, <c>fusion[0]</c>);
    /// <c>place</c> names a mapping in a sentence (<c>zoo.yaml</c>, <c>the architecture</c>,
    /// <c>compressor (pool2d)</c>); <c>preset</c> is the preset a sized rule failed at; <c>got</c> is the
    /// offending node, which reads as <see cref="YNode.Describe"/>.
    /// </remarks>
    internal static class SpecMessages
    {

        // CLMZ0001 YAML syntax error ---------------------------------------------------------------------------

        /// <summary>YamlDotNet's own message, without its position prefix.</summary>
        public static SpecMessage YamlError(string parserMessage) => new(Of(SpecDiagnostics.YamlSyntax), "YAML syntax error: {0:q200}", parserMessage);

        /// <summary>YamlDotNet failed without a YamlException (e.g. an unclosed flow sequence).</summary>
        public static SpecMessage MalformedYaml(string exceptionType, string exceptionMessage) =>
            new(Of(SpecDiagnostics.YamlSyntax), "YAML syntax error: malformed YAML near here, often an unclosed '[' or '{{' ({0}: {1:q200})", exceptionType, exceptionMessage);

        public static SpecMessage SecondDocument() => new(Of(SpecDiagnostics.YamlSyntax), "YAML syntax error: a spec file holds one YAML document, found a second one");

        public static SpecMessage UndefinedAlias(string alias) => new(Of(SpecDiagnostics.YamlSyntax), "YAML syntax error: alias '*{0:q}' refers to no anchor defined before it", alias);

        public static SpecMessage TooDeep(int maxDepth) => new(Of(SpecDiagnostics.YamlSyntax), "YAML syntax error: nesting deeper than {0} levels", maxDepth);

        public static SpecMessage Unreadable() => new(Of(SpecDiagnostics.YamlSyntax), "YAML syntax error: the file could not be read");

        // CLMZ0002 Unknown key -----------------------------------------------------------------------------------

        /// <summary><c>unknown key 'colour' in compressor (pool2d); did you mean …?</c> (or the list of <paramref name="candidates"/>).</summary>
        public static SpecMessage UnknownKey(string key, string place, IEnumerable<string> candidates) =>
            new(Of(SpecDiagnostics.UnknownKey), "unknown key '{0:q}' in {1}{2:hint0}", key, place, candidates);

        /// <summary>A size key (image, hidden, ...) written in an architecture's vision or llm slot.</summary>
        public static SpecMessage SizeKeyInArchitecture(string key, string place, string slot) =>
            new(Of(SpecDiagnostics.UnknownKey), "unknown key '{0:q}' in {1}: sizes come from the zoo.yaml presets (change one with overrides.<preset>.{2}.{3})", key, place, slot, key);

        /// <summary>An unknown key under <c>overrides.&lt;preset&gt;.compressor</c>, naming the size fields the kind has.</summary>
        public static SpecMessage UnknownCompressorOverride(string key, string place, string? kind, IReadOnlyCollection<string> sizeFields)
        {
            string note = kind is null
                ? string.Empty
                : sizeFields.Count == 0
                    ? $" ({kind} has no size fields to override)"
                    : $" (overrides may set the {kind} size fields: {Text.Join(sizeFields)})";
            return new(Of(SpecDiagnostics.UnknownKey), "unknown key '{0:q}' in {1}{2}{3:closest0}", key, place, note, sizeFields);
        }

        // CLMZ0003 Unknown kind ----------------------------------------------------------------------------------

        /// <summary><c>unknown compressor kind 'pool3d'; did you mean 'pool2d'?</c>; <paramref name="path"/> is named when it is not the slot (<c>fusion[1]</c>).</summary>
        public static SpecMessage UnknownKind(string slot, string path, string kind, IEnumerable<string> kinds) =>
            new(Of(SpecDiagnostics.UnknownKind), "unknown {0} kind '{1:q}'{2}{3:hint1}", slot, kind, path == slot ? string.Empty : " in " + path, kinds);

        // CLMZ0004 Unknown value ---------------------------------------------------------------------------------

        public static SpecMessage UnknownValue(string value, string path, IEnumerable<string> values) =>
            new(Of(SpecDiagnostics.UnknownValue), "unknown value '{0:q}' for {1}{2:hint0}", value, path, values);

        /// <summary>A name looked up in a catalogue (an architecture, a builtin data set): <c>unknown architecture 'x' for model.architecture</c>.</summary>
        public static SpecMessage UnknownName(string what, string value, string path, IEnumerable<string> names) =>
            new(Of(SpecDiagnostics.UnknownValue), "unknown {0} '{1:q}' for {2}{3:hint1}", what, value, path, names);

        /// <summary>A recipe path that names no file.</summary>
        public static SpecMessage FileNotFound(string path, string file) =>
            new(Of(SpecDiagnostics.UnknownValue), "{0}: file not found: '{1:q}' (relative paths are resolved against the recipe's folder)", path, file);

        public static SpecMessage NotModelFolder(string path, string folder) =>
            new(Of(SpecDiagnostics.UnknownValue), "{0}: '{1:q}' is not a Hugging Face model folder (no config.json there)", path, folder);

        /// <summary>A data source that is neither the builtin <paramref name="marker"/> nor a .jsonl file.</summary>
        public static SpecMessage NotDataSource(string path, string value, string marker) =>
            new(Of(SpecDiagnostics.UnknownValue), "{0} '{1:q}' must be {2} or a .jsonl file of {{video, question, answer}}", path, value, marker);

        /// <summary>A recipe's freeze or trainable glob (<paramref name="what"/>) that matches no parameter of the model.</summary>
        public static SpecMessage PatternMatchesNoParameter(string what, string glob, IReadOnlyCollection<string> parameters) =>
            new(Of(SpecDiagnostics.UnknownValue), "{0} pattern '{1}' matches no parameter{2:closest1} ({3} parameters; 'zoo show' lists the modules)", what, glob, parameters, parameters.Count);

        /// <summary>A LoRA target glob that matches no linear layer; names the first three.</summary>
        public static SpecMessage LoraTargetMatchesNothing(string glob, IReadOnlyCollection<string> linears) =>
            new(Of(SpecDiagnostics.UnknownValue), "LoRA target '{0}' matches no linear layer{1:closest0} ({2} linear layers, e.g. {3})", glob, linears, linears.Count, Text.Join(linears.Take(3)));

        /// <summary>Freeze and trainable globs that together leave nothing to train.</summary>
        public static SpecMessage FreezesEverything(IEnumerable<string> globs, int parameters) =>
            new(Of(SpecDiagnostics.UnknownValue), "the freeze/trainable patterns ({0}) freeze all {1} parameters: nothing would train", Text.Join(globs.Select(g => "'" + g + "'")), parameters);

        // CLMZ0005 Missing required field --------------------------------------------------------------------------

        public static SpecMessage MissingField(string place, string field) => new(Of(SpecDiagnostics.MissingField), "{0} is missing required field '{1}'", place, field);

        /// <summary>A required field with a note on what it takes: <c>compressor is missing required field 'kind' (one of …)</c>.</summary>
        public static SpecMessage MissingField(string place, string field, string note) =>
            new(Of(SpecDiagnostics.MissingField), "{0} is missing required field '{1}' ({2})", place, field, note);

        public static SpecMessage MissingSection(string place, string section) => new(Of(SpecDiagnostics.MissingField), "{0} is missing required section '{1}'", place, section);

        /// <summary>Neither of two alternative fields is given.</summary>
        public static SpecMessage NeedsOneOf(string place, string first, string second) => new(Of(SpecDiagnostics.MissingField), "{0} needs '{1}' or '{2}'", place, first, second);

        /// <summary>Both of two alternative fields are given.</summary>
        public static SpecMessage HasBoth(string place, string first, string second) => new(Of(SpecDiagnostics.MissingField), "{0} has both '{1}' and '{2}'; give one", place, first, second);

        // CLMZ0006 Wrong type ------------------------------------------------------------------------------------

        /// <summary><c>compressor.grid: expected an integer, got 'three'</c>; an empty <paramref name="path"/> is the file.</summary>
        public static SpecMessage WrongType(string path, string expected, YNode got, string hint = "") =>
            new(Of(SpecDiagnostics.WrongType), "{0}: expected {1}, got {2}{3}", Where(path), expected, got, hint);

        /// <summary>A slot written as its kind alone: <c>vision: vit</c>.</summary>
        public static SpecMessage SlotNotMapping(string path, YNode got, string kind) =>
            WrongType(path, "a mapping", got, "; write { kind: " + kind + " }");

        public static SpecMessage KeyNotName(string path, YNode got) => new(Of(SpecDiagnostics.WrongType), "{0}: keys must be plain names, got {1}", Where(path), got);

        // CLMZ0007 Value out of range ----------------------------------------------------------------------------

        public static SpecMessage BelowMinimum(string path, long value, long minimum) => new(Of(SpecDiagnostics.OutOfRange), ConfigRules.BelowMinimumFormat, path, value, minimum);

        public static SpecMessage AboveMaximum(string path, long value, long maximum) => new(Of(SpecDiagnostics.OutOfRange), ConfigRules.AboveMaximumFormat, path, value, maximum);

        /// <summary>A real value outside <paramref name="relation"/> (<c>&gt; 0</c>, <c>in (0, 1)</c>).</summary>
        public static SpecMessage OutOfRange(string path, double value, string relation) => new(Of(SpecDiagnostics.OutOfRange), ConfigRules.OutOfRangeFormat, path, value, relation);

        public static SpecMessage TooLarge(string path, string text) => new(Of(SpecDiagnostics.OutOfRange), "{0} ({1:q}) is too large", path, text);

        public static SpecMessage NotFinite(string path, string text) => new(Of(SpecDiagnostics.OutOfRange), "{0} ({1:q}) must be finite", path, text);

        /// <summary>Epochs over a data source without end (<paramref name="marker"/>).</summary>
        public static SpecMessage EpochsNeedFiniteData(string path, string marker) =>
            new(Of(SpecDiagnostics.OutOfRange), "{0} needs a finite training split; {1} draws new videos every step, so give 'steps'", path, marker);

        // CLMZ0008 Duplicate key ---------------------------------------------------------------------------------

        public static SpecMessage DuplicateKey(string key, string path, int firstLine) =>
            new(Of(SpecDiagnostics.DuplicateKey), "duplicate key '{0:q}' in {1} (first defined at line {2})", key, Where(path), firstLine);

        // CLMZ0009 Invalid architecture name -------------------------------------------------------------------------

        public static SpecMessage NameEmpty() => InvalidName("name must not be empty");

        public static SpecMessage NameTooLong(string name, int maxLength) => InvalidName("name '{0:q}' is longer than {1} characters", name, maxLength);

        public static SpecMessage NameNotIdentifier(string name) =>
            InvalidName("name '{0:q}' is not a valid C# identifier: use ASCII letters, digits and '_' only, not starting with a digit", name);

        public static SpecMessage NameIsKeyword(string name) => InvalidName("name '{0:q}' is a C# keyword", name);

        public static SpecMessage NameAllLowerCase(string name, string pascalCase) =>
            InvalidName("name '{0:q}' has no upper-case letter: C# reserves all-lower-case type names (CS8981); write it in PascalCase, e.g. '{1}'", name, pascalCase);

        public static SpecMessage NameReservedByZoo(string name) =>
            InvalidName("name '{0:q}' is reserved: it (or {1}Config) is already a type or namespace of the zoo", name, name);

        public static SpecMessage NameReservedByModule(string name) =>
            InvalidName("name '{0:q}' is reserved: the generated module class {1} has a member of that name", name, name);

        // CLMZ0010 / CLMZ0011 / CLMZ0012 divisibility -------------------------------------------------------------------

        public static SpecMessage HiddenNotDivisibleByHeads(string hidden, long hiddenValue, string heads, long headsValue, string preset) =>
            NotDivisible(SpecDiagnostics.HiddenNotDivisibleByHeads, hidden, hiddenValue, heads, headsValue, preset);

        public static SpecMessage HeadsNotDivisibleByKvHeads(string heads, long headsValue, string kvHeads, long kvHeadsValue, string preset) =>
            NotDivisible(SpecDiagnostics.HeadsNotDivisibleByKvHeads, heads, headsValue, kvHeads, kvHeadsValue, preset);

        /// <summary>A fusion entry's heads against the llm.kv_heads it defaulted to: the message says to set kv_heads.</summary>
        public static SpecMessage HeadsNotDivisibleByDefaultKvHeads(string entry, long heads, long kvHeads, string preset) =>
            new(Of(SpecDiagnostics.HeadsNotDivisibleByKvHeads), ConfigRules.NotDivisibleFormat + " in preset '{4}'; {5}.kv_heads defaults to llm.kv_heads: set it", entry + ".heads", heads, "llm.kv_heads", kvHeads, preset, entry);

        public static SpecMessage ImageNotDivisibleByPatch(string image, long imageValue, string patch, long patchValue, string preset) =>
            NotDivisible(SpecDiagnostics.ImageNotDivisibleByPatch, image, imageValue, patch, patchValue, preset);

        // CLMZ0013 Pooling larger than the patch grid ----------------------------------------------------------------

        public static SpecMessage LargerThanPatchGrid(string path, long value, VisionConfig vision, string preset) =>
            new(Of(SpecDiagnostics.PoolLargerThanPatchGrid), ConfigRules.LargerThanPatchGridFormat + " in preset '{5}'", path, value, vision.PatchGrid, vision.Image, vision.Patch, preset);

        /// <summary>A problem from a compressor record's own <c>Validate</c> (worded by <see cref="ConfigRules"/>), at one preset.</summary>
        public static SpecMessage CompressorRule(string problem, string preset) => new(Of(SpecDiagnostics.PoolLargerThanPatchGrid), "{0} in preset '{1}'", problem, preset);

        // CLMZ0014 Fusion layer outside the LLM -----------------------------------------------------------------------

        public static SpecMessage FusionLayerOutOfRange(string entry, int layer, int llmLayers, string preset) =>
            new(Of(SpecDiagnostics.FusionLayerOutOfRange), "{0}.layers: layer {1} is outside the LLM (llm.layers = {2}: valid indices 0…{3}) in preset '{4}'; a paper's layer list can name the presets it fits with presets: [...]", entry, layer, llmLayers, llmLayers - 1, preset);

        // CLMZ0015 Fusion entry places no layer -----------------------------------------------------------------------

        public static SpecMessage PlacesNoLayerByDefaultStart(string entry, int every, int start, int llmLayers, string preset) =>
            new(Of(SpecDiagnostics.FusionPlacesNoLayer), "{0} places no layer: every {1} starts at layer {2} (start defaults to every − 1), but llm.layers is {3} in preset '{4}'; set start", entry, every, start, llmLayers, preset);

        public static SpecMessage PlacesNoLayer(string entry, int start, int llmLayers, string preset) =>
            new(Of(SpecDiagnostics.FusionPlacesNoLayer), "{0} places no layer: start ({1}) must be < llm.layers ({2}) in preset '{3}'", entry, start, llmLayers, preset);

        // CLMZ0016 Two fusion entries on one layer --------------------------------------------------------------------

        public static SpecMessage FusionLayerCollision(string entry, string kind, string firstEntry, string firstKind, int layer, string preset) =>
            new(Of(SpecDiagnostics.FusionLayerCollision), "{0} ({1}) and {2} ({3}) both sit on layer {4} in preset '{5}'", entry, kind, firstEntry, firstKind, layer, preset);

        // CLMZ0017 compressor.slow_stride without effect ----------------------------------------------------------------

        public static SpecMessage SlowStrideOnTemporalPool() =>
            new(Of(SpecDiagnostics.SlowSourceMisconfigured), "compressor.slow_stride does not apply to temporal_pool: its slow tokens are pooled by its own stride; remove slow_stride");

        public static SpecMessage SlowStrideUnread(object slowStride) =>
            new(Of(SpecDiagnostics.SlowSourceMisconfigured), "compressor.slow_stride ({0}) has no effect: no fusion entry reads source: slow", slowStride);

        // CLMZ0018 V2V without visual tokens in the stream ----------------------------------------------------------

        public static SpecMessage V2VWithoutStreamTokens(string entry) =>
            new(Of(SpecDiagnostics.V2VWithoutStreamTokens), "{0} branch v2v needs visual tokens in the LLM stream, but layout is cross_attention_only; use branches: [t2v] or another layout", entry);

        // CLMZ0019 Frame scope needs per-frame tokens ----------------------------------------------------------------

        /// <summary><paramref name="compressor"/> describes the compressor (<c>qformer per video</c>); <paramref name="perFrame"/> lists the per-frame ones.</summary>
        public static SpecMessage FrameScopeNeedsPerFrame(string entry, string compressor, string perFrame) =>
            new(Of(SpecDiagnostics.FrameScopeNeedsPerFrame), "{0}.scope frame needs a per-frame compressor, but {1} is not per-frame (per-frame: {2})", entry, compressor, perFrame);

        // CLMZ0020 Cross-attention-only layout without fusion ---------------------------------------------------------

        public static SpecMessage CrossAttentionOnlyWithoutFusion() =>
            new(Of(SpecDiagnostics.CrossAttentionOnlyWithoutFusion), "layout cross_attention_only needs at least one fusion entry: without one no visual information reaches the LLM");

        // CLMZ0021 Invalid fusion placement ---------------------------------------------------------------------------

        public static SpecMessage PlacementEveryAndLayers(string entry) => new(Of(SpecDiagnostics.InvalidPlacement), "{0} has both 'every' and 'layers'; keep one", entry);

        public static SpecMessage PlacementMissing(string entry, string kind) => new(Of(SpecDiagnostics.InvalidPlacement), "{0} ({1}) needs exactly one of 'every' or 'layers'", entry, kind);

        public static SpecMessage StartWithoutEvery(string entry) => new(Of(SpecDiagnostics.InvalidPlacement), "{0}.start is only meaningful with 'every'", entry);

        // CLMZ0022 Duplicate or empty list ----------------------------------------------------------------------------

        public static SpecMessage EmptyList(string path) => new(Of(SpecDiagnostics.InvalidList), "{0} must not be empty", path);

        /// <summary>An empty list whose key may simply be left out: <paramref name="instead"/> says what leaving it out means.</summary>
        public static SpecMessage EmptyList(string path, string instead) => new(Of(SpecDiagnostics.InvalidList), "{0} must not be empty ({1})", path, instead);

        public static SpecMessage ListedTwice(string path, object item) => new(Of(SpecDiagnostics.InvalidList), "{0}: {1} is listed twice", path, item);

        // CLMZ0023 Unknown preset -------------------------------------------------------------------------------------

        /// <summary><c>unknown preset 'smal' in overrides; did you mean 'small'?</c></summary>
        public static SpecMessage UnknownPreset(string preset, string path, IEnumerable<string> declared) =>
            new(Of(SpecDiagnostics.UnknownPreset), "unknown preset '{0:q}' in {1}{2:hint0}", preset, path, declared);

        /// <summary>A preset asked for by name (the runtime builder) that zoo.yaml does not declare.</summary>
        public static SpecMessage UnknownRequestedPreset(string preset, IReadOnlyCollection<string> declared) =>
            new(Of(SpecDiagnostics.UnknownPreset), "unknown preset '{0:q}'; zoo.yaml defines {1}{2:closest0}", preset, declared.Count == 0 ? "none" : Text.Join(declared), declared);

        public static SpecMessage PresetNotSupported(string preset, IReadOnlyCollection<string> supported) =>
            new(Of(SpecDiagnostics.UnknownPreset), "preset '{0:q}' is not one this architecture supports (presets: {1})", preset, Text.Join(supported));

        // CLMZ0024 Duplicate architecture -------------------------------------------------------------------------------

        public static SpecMessage ArchitectureListedTwice(string stem) => new(Of(SpecDiagnostics.DuplicateArchitecture), "architecture '{0}' is listed twice in zoo.yaml", stem);

        public static SpecMessage StemInUse(string stem, string otherPath) => new(Of(SpecDiagnostics.DuplicateArchitecture), "stem '{0}' is already used by {1}", stem, otherPath);

        public static SpecMessage NameInUse(string name, string otherPath) =>
            new(Of(SpecDiagnostics.DuplicateArchitecture), "name '{0}' is already used by {1} (names are compared ignoring case)", name, otherPath);

        // CLMZ0025 Listed architecture has no file ----------------------------------------------------------------------

        public static SpecMessage ListedArchitectureMissing(string stem) =>
            new(Of(SpecDiagnostics.ListedArchitectureMissing), "zoo.yaml lists architecture '{0}' but there is no architectures/{0}.yaml among the spec files", stem);

        // CLMZ0026 Architecture file not listed --------------------------------------------------------------------------

        public static SpecMessage ArchitectureNotListed(string fileName, string stem) =>
            new(Of(SpecDiagnostics.ArchitectureNotListed), "{0} is not listed in zoo.yaml; add '- {1}' to its architectures", fileName, stem);

        // CLMZ0027 zoo.yaml missing or duplicated ------------------------------------------------------------------------

        public static SpecMessage RegistryMissing(int architectureFiles) =>
            new(Of(SpecDiagnostics.RegistryMissing), "no zoo.yaml among the AdditionalFiles, so the {0} architecture file(s) have no presets to bind: add <AdditionalFiles Include=\"path/to/zoo.yaml\" />", architectureFiles);

        public static SpecMessage RegistryDuplicated(string ignored, string used) =>
            new(Of(SpecDiagnostics.RegistryMissing), "more than one zoo.yaml among the AdditionalFiles: {0} is ignored, {1} is used", ignored, used);

        // CLMZ0028 Invalid preset name -----------------------------------------------------------------------------------

        public static SpecMessage InvalidPresetName(string name) =>
            new(Of(SpecDiagnostics.InvalidPresetName), "preset name '{0:q}' must be lower-case letters and digits joined by '-' or '_' (e.g. tiny, 2b, qwen-1p5b), at most 32 characters", name);

        public static SpecMessage PresetPropertyClash(string name, string other, string property) =>
            new(Of(SpecDiagnostics.InvalidPresetName), "presets '{0}' and '{1}' both become the C# property '{2}'", name, other, property);

        public static SpecMessage PresetPropertyReserved(string name, string property) =>
            new(Of(SpecDiagnostics.InvalidPresetName), "preset '{0}' would become the C# property '{1}', which the generated config already has", name, property);

        // CLMZ0029 Invalid architecture stem -----------------------------------------------------------------------------

        public static SpecMessage InvalidStem(string path, string stem) =>
            new(Of(SpecDiagnostics.InvalidStem), "{0} '{1:q}' is not a file stem: use lower-case letters and digits joined by '-' or '_' (e.g. crosslmm-1tok), naming architectures/<stem>.yaml", path, stem);

        // CLMZ0030 Hybrid head layout differs from the LLM's ----------------------------------------------------------------

        public static SpecMessage HybridHeadsDiffer(string field, long value, string llmField, long llmValue, string preset) =>
            new(Of(SpecDiagnostics.HybridHeadsDiffer), ConfigRules.HybridHeadsDifferFormat, field, value, llmField, llmValue, " in preset '" + preset + "'");

        // CLMZ9999 Internal error -----------------------------------------------------------------------------------------

        public static SpecMessage InternalError(string exceptionType, string exceptionMessage) =>
            new(Of(SpecDiagnostics.InternalError), "internal error in the spec core ({0}: {1:q}); please report this with the YAML", exceptionType, exceptionMessage);

        public static SpecMessage GeneratorFailed(string exceptionType, string exceptionMessage) =>
            new(Of(SpecDiagnostics.InternalError), "CrossLMM.Zoo.Generators failed ({0}: {1}); this is a bug, please report it with the YAML", exceptionType, exceptionMessage);

        // -------------------------------------------------------------------------------------------------------------

        private static SpecMessage NotDivisible(string id, string dividend, long dividendValue, string divisor, long divisorValue, string preset) =>
            new(Of(id), ConfigRules.NotDivisibleFormat + " in preset '{4}'", dividend, dividendValue, divisor, divisorValue, preset);

        private static SpecMessage InvalidName(string format, params object[] args) => new(Of(SpecDiagnostics.InvalidName), format, args);

        private static string Where(string path) => path.Length == 0 ? "the file" : path;

        private static SpecDiagnosticDescriptor Of(string id) => SpecDiagnostics.Find(id)!;
    }
}
