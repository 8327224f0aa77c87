using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Spec.Vocabulary;

namespace CrossLMM.Zoo.Spec.Docs
{
    /// <summary>
    /// Generates the JSON Schemas (draft-07, for editors via yaml-language-server) of both file kinds from
    /// <see cref="SpecVocabulary"/>. The checked-in copies under architectures/schema/ are compared with
    /// this output by a test. The binder checks more than a schema can (divisibility, patch grid, layers
    /// within the LLM); the schema gives completion and the first line of checking in the editor.
    /// </summary>
    public static class SchemaWriter
    {
        /// <summary>Identifier pattern of <c>name</c>.</summary>
        public const string NamePattern = "^[A-Za-z_][A-Za-z0-9_]*$";

        /// <summary>Pattern of preset names.</summary>
        public const string PresetPattern = "^[a-z0-9]+([-_][a-z0-9]+)*$";

        /// <summary>Pattern of architecture stems.</summary>
        public const string StemPattern = "^[a-z0-9]+([-_][a-z0-9]+)*$";

        private const string Banner = "Generated from the spec vocabulary (generators/CrossLMM.Zoo.Spec/Vocabulary/SpecVocabulary.cs) - do not edit; see architectures/README.md.";

        /// <summary>The schema of architectures/&lt;stem&gt;.yaml.</summary>
        public static string ArchitectureSchema()
        {
            var properties = new JsonObject()
                .Add("name", Field(SpecVocabulary.NameField))
                .Add("paper", Field(SpecVocabulary.PaperField))
                .Add("summary", Field(SpecVocabulary.SummaryField))
                .Add("vision", Ref("vision"))
                .Add("compressor", Ref("compressor"))
                .Add("projector", Ref("projector"))
                .Add("llm", Ref("llm"))
                .Add("fusion", new JsonObject()
                    .Add("description", SpecVocabulary.Fusion.Description)
                    .Add("type", "array")
                    .Add("items", Ref("fusion"))
                    .Add("default", new object[0]))
                .Add("layout", Field(SpecVocabulary.LayoutField))
                .Add("presets", new JsonObject()
                    .Add("description", SpecVocabulary.PresetsDescription)
                    .Add("type", "array")
                    .Add("items", new JsonObject().Add("type", "string").Add("pattern", PresetPattern))
                    .Add("minItems", 1)
                    .Add("uniqueItems", true))
                .Add("overrides", new JsonObject()
                    .Add("description", Key(SpecVocabulary.ArchitectureKeys, "overrides").Description)
                    .Add("type", "object")
                    .Add("propertyNames", new JsonObject().Add("pattern", PresetPattern))
                    .Add("additionalProperties", Ref("override")));

            var definitions = new JsonObject();
            foreach (var slot in SpecVocabulary.Slots)
            {
                definitions.Add(slot.Name, Slot(slot));
            }

            definitions.Add("override", Override());
            foreach (var section in SpecVocabulary.PresetSections)
            {
                definitions.Add(section.Name + "_sizes", Section(section, required: false));
            }

            var schema = new JsonObject()
                .Add("$schema", "http://json-schema.org/draft-07/schema#")
                .Add("$id", "architecture.schema.json")
                .Add("title", "CrossLMM.Zoo architecture spec")
                .Add("description", "One architecture of the zoo (architectures/<stem>.yaml). " + Banner)
                .Add("type", "object")
                .Add("required", SpecVocabulary.ArchitectureKeys.Where(k => k.Required).Select(k => k.Name).ToArray())
                .Add("additionalProperties", false)
                .Add("properties", properties)
                .Add("definitions", definitions);
            return JsonObject.Write(schema);
        }

        /// <summary>The schema of zoo.yaml.</summary>
        public static string ZooSchema()
        {
            var preset = new JsonObject()
                .Add("type", "object")
                .Add("additionalProperties", false)
                .Add("required", SpecVocabulary.PresetSections.Select(s => s.Name).ToArray())
                .Add("properties", SpecVocabulary.PresetSections.Aggregate(new JsonObject(), (o, s) => o.Add(s.Name, Section(s, required: true))));

            var properties = new JsonObject()
                .Add("presets", new JsonObject()
                    .Add("description", Key(SpecVocabulary.ZooKeys, "presets").Description)
                    .Add("type", "object")
                    .Add("minProperties", 1)
                    .Add("propertyNames", new JsonObject().Add("pattern", PresetPattern))
                    .Add("additionalProperties", preset))
                .Add("architectures", new JsonObject()
                    .Add("description", Key(SpecVocabulary.ZooKeys, "architectures").Description)
                    .Add("type", "array")
                    .Add("uniqueItems", true)
                    .Add("items", new JsonObject().Add("type", "string").Add("pattern", StemPattern)))
                .Add("defaults", new JsonObject()
                    .Add("description", Key(SpecVocabulary.ZooKeys, "defaults").Description)
                    .Add("type", "object")
                    .Add("additionalProperties", false)
                    .Add("properties", new JsonObject().Add("preset", Field(SpecVocabulary.DefaultPresetField))));

            var schema = new JsonObject()
                .Add("$schema", "http://json-schema.org/draft-07/schema#")
                .Add("$id", "zoo.schema.json")
                .Add("title", "CrossLMM.Zoo registry (zoo.yaml)")
                .Add("description", "Size presets, the architecture list and defaults. " + Banner)
                .Add("type", "object")
                .Add("required", SpecVocabulary.ZooKeys.Where(k => k.Required).Select(k => k.Name).ToArray())
                .Add("additionalProperties", false)
                .Add("properties", properties);
            return JsonObject.Write(schema);
        }

        private static KeySpec Key(IReadOnlyList<KeySpec> keys, string name) => keys.First(k => k.Name == name);

        private static JsonObject Ref(string definition) => new JsonObject().Add("$ref", "#/definitions/" + definition);

        private static JsonObject Slot(SlotSpec slot)
        {
            var branches = new List<object>();
            foreach (var kind in slot.Kinds)
            {
                var fields = kind.Fields.Concat(slot.CommonFields).ToArray();
                var props = new JsonObject().Add("kind", new JsonObject().Add("const", kind.Name));
                foreach (var field in fields)
                {
                    props.Add(field.Name, Field(field));
                }

                var then = new JsonObject()
                    .Add("properties", props)
                    .Add("additionalProperties", false);
                var required = fields.Where(f => f.Required).Select(f => f.Name).ToArray();
                if (required.Length > 0)
                {
                    then.Add("required", required);
                }

                branches.Add(new JsonObject()
                    .Add("if", new JsonObject()
                        .Add("properties", new JsonObject().Add("kind", new JsonObject().Add("const", kind.Name)))
                        .Add("required", new[] { "kind" }))
                    .Add("then", then));
            }

            var kindDescription = string.Join("; ", slot.Kinds.Select(k => k.Tokens is null ? $"{k.Name}: {k.Description}" : $"{k.Name}: {k.Description} Tokens: {k.Tokens}."));
            var result = new JsonObject()
                .Add("description", slot.Description)
                .Add("type", "object")
                .Add("required", new[] { "kind" })
                .Add("properties", new JsonObject().Add("kind", new JsonObject()
                    .Add("description", kindDescription)
                    .Add("enum", slot.Kinds.Select(k => k.Name).ToArray())))
                .Add("allOf", branches);
            if (slot.Name == "fusion")
            {
                result.Add("oneOf", new object[]
                {
                    new JsonObject().Add("required", new[] { "every" }),
                    new JsonObject().Add("required", new[] { "layers" }),
                });
                result.Add("dependencies", new JsonObject().Add("start", new[] { "every" }));
            }

            return result;
        }

        private static JsonObject Override()
        {
            var compressor = new JsonObject()
                .Add("description", "The compressor kind's size fields (not 'kind', not structure such as 'per').")
                .Add("type", "object")
                .Add("additionalProperties", false)
                .Add("properties", SpecVocabulary.AllCompressorFields
                    .Where(f => f.Type is FieldType.Integer or FieldType.Number)
                    .Aggregate(new JsonObject(), (o, f) => o.Add(f.Name, Field(f))));
            return new JsonObject()
                .Add("description", "Per-preset changes of this architecture.")
                .Add("type", "object")
                .Add("additionalProperties", false)
                .Add("properties", new JsonObject()
                    .Add("vision", Ref("vision_sizes"))
                    .Add("resampler", Ref("resampler_sizes"))
                    .Add("llm", Ref("llm_sizes"))
                    .Add("compressor", compressor));
        }

        private static JsonObject Section(SectionSpec section, bool required)
        {
            var props = new JsonObject();
            foreach (var field in section.Fields)
            {
                props.Add(field.Name, Field(field));
            }

            var result = new JsonObject()
                .Add("description", section.Description)
                .Add("type", "object")
                .Add("additionalProperties", false)
                .Add("properties", props);
            if (required)
            {
                result.Add("required", section.Fields.Select(f => f.Name).ToArray());
            }

            return result;
        }

        internal static JsonObject Field(FieldSpec field)
        {
            string description = field.Description;
            if (field.Constraint is not null)
            {
                description += " Must be " + field.Constraint + ".";
            }

            if (field.DefaultValue is null && field.DefaultText is not null)
            {
                description += " Default: " + field.DefaultText + ".";
            }

            var o = new JsonObject().Add("description", description);
            switch (field.Type)
            {
                case FieldType.Integer:
                    o.Add("type", "integer").Add("minimum", field.Min).Add("maximum", field.Max);
                    break;
                case FieldType.Number:
                    o.Add("type", "number").Add("exclusiveMinimum", field.ExclusiveMin).Add("exclusiveMaximum", field.ExclusiveMax);
                    break;
                case FieldType.Boolean:
                    o.Add("type", "boolean");
                    break;
                case FieldType.String:
                    o.Add("type", "string");
                    break;
                case FieldType.Identifier:
                    o.Add("type", "string").Add("pattern", NamePattern);
                    break;
                case FieldType.Enum:
                    o.Add("enum", field.Values.ToArray());
                    break;
                case FieldType.IntegerList:
                    o.Add("type", "array")
                        .Add("items", new JsonObject().Add("type", "integer").Add("minimum", field.Min).Add("maximum", field.Max))
                        .Add("minItems", field.NonEmpty ? 1 : (int?)null)
                        .Add("uniqueItems", field.UniqueItems ? true : (bool?)null);
                    break;
                case FieldType.EnumList:
                    o.Add("type", "array")
                        .Add("items", new JsonObject().Add("enum", field.Values.ToArray()))
                        .Add("minItems", field.NonEmpty ? 1 : (int?)null)
                        .Add("uniqueItems", field.UniqueItems ? true : (bool?)null);
                    break;
            }

            if (field.DefaultValue is not null)
            {
                o.Add("default", field.DefaultValue);
            }

            return o;
        }
    }
}
