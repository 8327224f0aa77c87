using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace CrossLMM.Zoo.Compat.Tests;

/// <summary>What an API line declares.</summary>
public enum ApiKind
{
    Namespace,
    Type,
    Method,
    Ctor,
    Operator,
    Property,
    Indexer,
    Field,
    EnumMember,
    Event,
}

/// <summary>One parameter: modifier (<c>this</c>, <c>params</c>, <c>ref</c>, <c>out</c>, <c>in</c> or empty),
/// type, name (none for operators) and default value text (none when the parameter is required).</summary>
public sealed record ApiParameter(string Modifier, string Type, string? Name, string? Default)
{
    public bool IsOptional => Default is not null || Modifier == "params";

    public override string ToString()
    {
        var text = new StringBuilder();
        if (Modifier.Length > 0) text.Append(Modifier).Append(' ');
        text.Append(Type);
        if (Name is not null) text.Append(' ').Append(Name);
        if (Default is not null) text.Append(" = ").Append(Default);
        return text.ToString();
    }
}

/// <summary>
/// One member of the TorchSharp API surface in the canonical one-line form of build/torchsharp-api.txt
/// (see build/README-torchsharp.md). Names drop the leading <c>TorchSharp.</c>; C# keywords stand for
/// the primitive types; nullable reference annotations are not part of a signature.
/// <code>
/// namespace TorchSharp.Modules
/// type torch.nn.Module&lt;T, TResult&gt;
/// method [static ][virtual ]Container.name&lt;T&gt;(Type name = default, params Type[] rest) : Return
/// ctor Container(Type name)
/// operator Container.op_Addition(Type, Type) : Return
/// property [static ][virtual ]Container.name : Type { get; set; }
/// indexer [virtual ]Container[Type name] : Type { get; set; }
/// field [static ][const ]Container.name : Type
/// enum EnumType.member
/// event [static ]Container.name : Type
/// </code>
/// </summary>
public sealed record ApiMember(
    ApiKind Kind,
    string Container,
    string Name,
    bool IsStatic,
    bool IsVirtual,
    bool IsConst,
    IReadOnlyList<ApiParameter> Parameters,
    string? Type,
    IReadOnlyList<string> Accessors)
{
    /// <summary>Identity for lookup: kind, container and name (overloads share it).</summary>
    public string Key => $"{KindWord(Kind)} {Qualified}";

    /// <summary>Container.Name, or the container alone for constructors, indexers, types and namespaces.</summary>
    public string Qualified => Kind switch
    {
        ApiKind.Ctor or ApiKind.Indexer => Container,
        ApiKind.Type or ApiKind.Namespace => Name,
        _ => Container + "." + Name,
    };

    public static string KindWord(ApiKind kind) => kind switch
    {
        ApiKind.EnumMember => "enum",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public override string ToString()
    {
        var text = new StringBuilder(KindWord(Kind)).Append(' ');
        if (IsStatic) text.Append("static ");
        if (IsVirtual) text.Append("virtual ");
        if (IsConst) text.Append("const ");
        text.Append(Qualified);
        switch (Kind)
        {
            case ApiKind.Method or ApiKind.Operator:
                text.Append('(').Append(string.Join(", ", Parameters)).Append(") : ").Append(Type);
                break;
            case ApiKind.Ctor:
                text.Append('(').Append(string.Join(", ", Parameters)).Append(')');
                break;
            case ApiKind.Indexer:
                text.Append('[').Append(string.Join(", ", Parameters)).Append("] : ").Append(Type);
                AppendAccessors(text);
                break;
            case ApiKind.Property:
                text.Append(" : ").Append(Type);
                AppendAccessors(text);
                break;
            case ApiKind.Field or ApiKind.Event:
                text.Append(" : ").Append(Type);
                break;
        }

        return text.ToString();
    }

    private void AppendAccessors(StringBuilder text)
    {
        text.Append(" {");
        foreach (string accessor in Accessors) text.Append(' ').Append(accessor).Append(';');
        text.Append(" }");
    }

    /// <summary>Parses one canonical line (without its comment); throws <see cref="FormatException"/> saying why not.</summary>
    public static ApiMember Parse(string line)
    {
        string text = line.Trim();
        int space = text.IndexOf(' ');
        if (space < 0) throw new FormatException("expected '<kind> <signature>'");
        string word = text[..space];
        ApiKind kind = word switch
        {
            "namespace" => ApiKind.Namespace,
            "type" => ApiKind.Type,
            "method" => ApiKind.Method,
            "ctor" => ApiKind.Ctor,
            "operator" => ApiKind.Operator,
            "property" => ApiKind.Property,
            "indexer" => ApiKind.Indexer,
            "field" => ApiKind.Field,
            "enum" => ApiKind.EnumMember,
            "event" => ApiKind.Event,
            _ => throw new FormatException($"unknown kind '{word}' (namespace, type, method, ctor, operator, property, indexer, field, enum, event)"),
        };
        string rest = text[(space + 1)..].Trim();
        bool isStatic = TakeModifier(ref rest, "static");
        bool isVirtual = TakeModifier(ref rest, "virtual");
        bool isConst = TakeModifier(ref rest, "const");
        if (isConst && kind != ApiKind.Field) throw new FormatException("'const' is for fields only");
        if (isVirtual && kind is not (ApiKind.Method or ApiKind.Property or ApiKind.Indexer or ApiKind.Event))
            throw new FormatException("'virtual' is for methods, properties, indexers and events only");
        if (isStatic && kind is ApiKind.Namespace or ApiKind.Type or ApiKind.Ctor or ApiKind.EnumMember or ApiKind.Indexer)
            throw new FormatException($"'static' does not apply to {word}");

        switch (kind)
        {
            case ApiKind.Namespace or ApiKind.Type:
                RequireName(rest);
                return new ApiMember(kind, "", rest, false, false, false, [], null, []);
            case ApiKind.EnumMember:
            {
                var (container, name) = SplitQualified(rest);
                return new ApiMember(kind, container, name, false, false, false, [], null, []);
            }
            case ApiKind.Method or ApiKind.Operator or ApiKind.Ctor:
            {
                int open = IndexAtDepth(rest, '(', 0);
                if (open < 0) throw new FormatException("expected a parameter list '(...)'");
                int close = Closing(rest, open);
                string head = rest[..open].Trim();
                var parameters = ParseParameters(rest[(open + 1)..close], named: kind != ApiKind.Operator);
                string tail = rest[(close + 1)..].Trim();
                if (kind == ApiKind.Ctor)
                {
                    if (tail.Length > 0) throw new FormatException($"unexpected '{tail}' after a constructor's parameters");
                    RequireName(head);
                    return new ApiMember(kind, head, ".ctor", false, false, false, parameters, null, []);
                }

                var (container, name) = SplitQualified(head);
                if (kind == ApiKind.Operator && !name.StartsWith("op_", StringComparison.Ordinal))
                    throw new FormatException($"an operator's name is its metadata name (op_Addition, op_Implicit, ...), not '{name}'");
                return new ApiMember(kind, container, name, isStatic, isVirtual, false, parameters, ReturnType(tail), []);
            }
            case ApiKind.Indexer:
            {
                int open = IndexAtDepth(rest, '[', 0);
                if (open < 0) throw new FormatException("expected an indexer parameter list '[...]'");
                int close = Closing(rest, open);
                string container = rest[..open].Trim();
                RequireName(container);
                var parameters = ParseParameters(rest[(open + 1)..close], named: true);
                var (type, accessors) = TypeAndAccessors(rest[(close + 1)..].Trim(), required: true);
                return new ApiMember(kind, container, "this[]", false, isVirtual, false, parameters, type, accessors);
            }
            default:
            {
                int colon = rest.IndexOf(" : ", StringComparison.Ordinal);
                if (colon < 0) throw new FormatException("expected 'Container.name : Type'");
                var (container, name) = SplitQualified(rest[..colon].Trim());
                var (type, accessors) = TypeAndAccessors(rest[colon..].Trim(), required: kind == ApiKind.Property);
                if (kind != ApiKind.Property && accessors.Count > 0) throw new FormatException("only properties and indexers list accessors");
                return new ApiMember(kind, container, name, isStatic, isVirtual, isConst, [], type, accessors);
            }
        }
    }

    private static bool TakeModifier(ref string rest, string modifier)
    {
        if (!rest.StartsWith(modifier + " ", StringComparison.Ordinal)) return false;
        rest = rest[(modifier.Length + 1)..].TrimStart();
        return true;
    }

    private static string ReturnType(string tail)
    {
        if (!tail.StartsWith(": ", StringComparison.Ordinal)) throw new FormatException("expected ' : ReturnType' after the parameters");
        string type = tail[2..].Trim();
        RequireType(type);
        return type;
    }

    private static (string Type, IReadOnlyList<string> Accessors) TypeAndAccessors(string tail, bool required)
    {
        if (!tail.StartsWith(": ", StringComparison.Ordinal)) throw new FormatException("expected ' : Type'");
        string body = tail[2..].Trim();
        int brace = IndexAtDepth(body, '{', 0);
        if (brace < 0)
        {
            if (required) throw new FormatException("expected the accessors '{ get; }', '{ set; }' or '{ get; set; }'");
            RequireType(body);
            return (body, []);
        }

        string type = body[..brace].Trim();
        RequireType(type);
        string block = body[brace..].Trim();
        var accessors = block switch
        {
            "{ get; }" => new[] { "get" },
            "{ set; }" => new[] { "set" },
            "{ get; set; }" => new[] { "get", "set" },
            _ => throw new FormatException($"accessors must be '{{ get; }}', '{{ set; }}' or '{{ get; set; }}', not '{block}'"),
        };
        return (type, accessors);
    }

    private static (string Container, string Name) SplitQualified(string qualified)
    {
        RequireName(qualified);
        int dot = -1;
        int depth = 0;
        for (int i = 0; i < qualified.Length; i++)
        {
            char c = qualified[i];
            if (c == '<') depth++;
            else if (c == '>') depth--;
            else if (c == '.' && depth == 0) dot = i;
        }

        if (dot <= 0 || dot == qualified.Length - 1) throw new FormatException($"expected 'Container.name', got '{qualified}'");
        return (qualified[..dot], qualified[(dot + 1)..]);
    }

    private static IReadOnlyList<ApiParameter> ParseParameters(string list, bool named)
    {
        if (list.Trim().Length == 0) return [];
        var result = new List<ApiParameter>();
        foreach (string part in SplitAtDepth(list, ','))
        {
            string text = part.Trim();
            if (text.Length == 0) throw new FormatException("empty parameter");
            string modifier = "";
            foreach (string candidate in new[] { "this", "params", "ref", "out", "in" })
            {
                if (text.StartsWith(candidate + " ", StringComparison.Ordinal))
                {
                    modifier = candidate;
                    text = text[(candidate.Length + 1)..].TrimStart();
                    break;
                }
            }

            string? defaultValue = null;
            int equals = IndexOfAtDepth(text, " = ");
            if (equals >= 0)
            {
                defaultValue = text[(equals + 3)..].Trim();
                if (defaultValue.Length == 0) throw new FormatException($"empty default value in '{part.Trim()}'");
                text = text[..equals].TrimEnd();
            }

            string? name = null;
            if (named)
            {
                int lastSpace = LastIndexAtDepth(text, ' ');
                if (lastSpace < 0) throw new FormatException($"parameter '{part.Trim()}' needs a type and a name");
                name = text[(lastSpace + 1)..];
                text = text[..lastSpace].TrimEnd();
                if (!IsIdentifier(name)) throw new FormatException($"'{name}' is not a parameter name");
            }
            else if (defaultValue is not null)
            {
                throw new FormatException("operator parameters have no defaults");
            }

            RequireType(text);
            result.Add(new ApiParameter(modifier, text, name, defaultValue));
        }

        return result;
    }

    private static void RequireName(string name)
    {
        if (name.Length == 0 || name.Replace(", ", ",", StringComparison.Ordinal).Contains(' ') || !Balanced(name))
            throw new FormatException($"'{name}' is not a name");
    }

    private static void RequireType(string type)
    {
        if (type.Length == 0 || !Balanced(type) || type.EndsWith(',') || type.Contains("  ", StringComparison.Ordinal))
            throw new FormatException($"'{type}' is not a type");
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_' || name[0] == '@') && name.Skip(1).All(c => char.IsLetterOrDigit(c) || c == '_');

    private static bool Balanced(string text)
    {
        int depth = 0;
        foreach (char c in text)
        {
            if (c is '(' or '<' or '[' or '{') depth++;
            else if (c is ')' or '>' or ']' or '}') depth--;
            if (depth < 0) return false;
        }

        return depth == 0;
    }

    private static int Closing(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '(' or '<' or '[') depth++;
            else if (c is ')' or '>' or ']')
            {
                depth--;
                if (depth == 0) return i;
            }
        }

        throw new FormatException($"unbalanced '{text[open]}'");
    }

    private static int IndexAtDepth(string text, char target, int wanted)
    {
        int depth = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == target && depth == wanted) return i;
            if (c is '(' or '<' or '[') depth++;
            else if (c is ')' or '>' or ']') depth--;
        }

        return -1;
    }

    private static int IndexOfAtDepth(string text, string target)
    {
        int depth = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (depth == 0 && string.CompareOrdinal(text, i, target, 0, target.Length) == 0) return i;
            if (c is '(' or '<' or '[') depth++;
            else if (c is ')' or '>' or ']') depth--;
        }

        return -1;
    }

    private static int LastIndexAtDepth(string text, char target)
    {
        int depth = 0;
        int found = -1;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == target && depth == 0) found = i;
            if (c is '(' or '<' or '[') depth++;
            else if (c is ')' or '>' or ']') depth--;
        }

        return found;
    }

    private static IEnumerable<string> SplitAtDepth(string text, char separator)
    {
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '(' or '<' or '[') depth++;
            else if (c is ')' or '>' or ']') depth--;
            else if (c == '"')
            {
                int end = text.IndexOf('"', i + 1);
                if (end < 0) throw new FormatException("unterminated string");
                i = end;
            }
            else if (c == separator && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }
}
