using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CrossLMM.Zoo.Compat.Tests;

/// <summary>Turns Roslyn symbols into the canonical <see cref="ApiMember"/> form of build/torchsharp-api.txt.</summary>
public static class ApiSignatures
{
    private const string RootNamespace = "TorchSharp";

    /// <summary>The member a symbol denotes (original definition; extension methods unreduced), or null for
    /// symbols that are not API members (locals, parameters, labels, ...).</summary>
    public static ApiMember? Of(ISymbol symbol)
    {
        switch (symbol)
        {
            case INamespaceSymbol ns:
                return ns.IsGlobalNamespace ? null : new ApiMember(ApiKind.Namespace, "", ns.ToDisplayString(), false, false, false, [], null, []);
            case ITypeSymbol type when type is INamedTypeSymbol or IErrorTypeSymbol:
                return new ApiMember(ApiKind.Type, "", TypeName(type.OriginalDefinition), false, false, false, [], null, []);
            case IMethodSymbol method:
                return OfMethod(method);
            case IPropertySymbol property:
            {
                property = property.OriginalDefinition;
                var accessors = new[] { ("get", property.GetMethod), ("set", property.SetMethod) }
                    .Where(a => a.Item2 is not null && IsVisible(a.Item2))
                    .Select(a => a.Item1).ToArray();
                string container = TypeName(property.ContainingType);
                return property.IsIndexer
                    ? new ApiMember(ApiKind.Indexer, container, "this[]", false, IsVirtual(property), false,
                        property.Parameters.Select(Parameter).ToArray(), TypeName(property.Type), accessors)
                    : new ApiMember(ApiKind.Property, container, property.Name, property.IsStatic, IsVirtual(property), false,
                        [], TypeName(property.Type), accessors);
            }
            case IFieldSymbol field:
            {
                field = field.OriginalDefinition;
                string container = TypeName(field.ContainingType);
                return field.ContainingType.TypeKind == TypeKind.Enum
                    ? new ApiMember(ApiKind.EnumMember, container, field.Name, false, false, false, [], null, [])
                    : new ApiMember(ApiKind.Field, container, field.Name, field.IsStatic && !field.IsConst, false, field.IsConst, [], TypeName(field.Type), []);
            }
            case IEventSymbol @event:
                @event = @event.OriginalDefinition;
                return new ApiMember(ApiKind.Event, TypeName(@event.ContainingType), @event.Name, @event.IsStatic, IsVirtual(@event), false, [], TypeName(@event.Type), []);
            default:
                return null;
        }
    }

    private static ApiMember? OfMethod(IMethodSymbol method)
    {
        method = (method.ReducedFrom ?? method).OriginalDefinition;
        if (method.ContainingType is null) return null;
        string container = TypeName(method.ContainingType);
        var parameters = method.Parameters.Select(Parameter).ToArray();
        switch (method.MethodKind)
        {
            case MethodKind.Constructor:
                return new ApiMember(ApiKind.Ctor, container, ".ctor", false, false, false, parameters, null, []);
            case MethodKind.UserDefinedOperator or MethodKind.Conversion:
                return new ApiMember(ApiKind.Operator, container, method.Name, true, false, false,
                    parameters.Select(p => p with { Name = null, Default = null }).ToArray(), TypeName(method.ReturnType), []);
            case MethodKind.PropertyGet or MethodKind.PropertySet when method.AssociatedSymbol is not null:
                return Of(method.AssociatedSymbol);
            case MethodKind.Ordinary or MethodKind.ReducedExtension or MethodKind.ExplicitInterfaceImplementation or MethodKind.DelegateInvoke:
            {
                string name = method.TypeParameters.Length == 0 ? method.Name : $"{method.Name}<{string.Join(", ", method.TypeParameters.Select(t => t.Name))}>";
                return new ApiMember(ApiKind.Method, container, name, method.IsStatic, IsVirtual(method), false, parameters, TypeName(method.ReturnType), []);
            }
            default:
                return null;
        }
    }

    private static bool IsVisible(IMethodSymbol accessor) =>
        accessor.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal;

    private static bool IsVirtual(ISymbol symbol) =>
        (symbol.IsVirtual || symbol.IsAbstract || symbol.IsOverride) && !symbol.IsSealed && !symbol.IsStatic;

    public static ApiParameter Parameter(IParameterSymbol parameter)
    {
        string modifier = parameter.IsThis ? "this"
            : parameter.IsParams ? "params"
            : parameter.RefKind switch
            {
                RefKind.Ref => "ref",
                RefKind.Out => "out",
                RefKind.In or RefKind.RefReadOnlyParameter => "in",
                _ => "",
            };
        return new ApiParameter(modifier, TypeName(parameter.Type), parameter.Name, DefaultText(parameter));
    }

    /// <summary>A type as written in the API list: keywords for primitives, <c>T?</c> for Nullable, names
    /// qualified by namespace without the leading <c>TorchSharp.</c>, no nullable reference annotations.</summary>
    public static string TypeName(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return TypeName(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]";
            case IPointerTypeSymbol pointer:
                return TypeName(pointer.PointedAtType) + "*";
            case ITypeParameterSymbol parameter:
                return parameter.Name;
            case IDynamicTypeSymbol:
                return "dynamic";
            case INamedTypeSymbol named when named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T:
                return TypeName(named.TypeArguments[0]) + "?";
            case INamedTypeSymbol named when named.IsTupleType:
                return "(" + string.Join(", ", named.TupleElements.Select(e =>
                    TypeName(e.Type) + (e.IsExplicitlyNamedTupleElement ? " " + e.Name : ""))) + ")";
        }

        string? keyword = Keyword(type.SpecialType);
        if (keyword is not null) return keyword;
        if (type is not INamedTypeSymbol n) return type.ToDisplayString();
        string prefix = n.ContainingType is not null ? TypeName(n.ContainingType) : NamespaceName(n.ContainingNamespace);
        string name = n.TypeArguments.Length == 0 ? n.Name : $"{n.Name}<{string.Join(", ", n.TypeArguments.Select(TypeName))}>";
        return prefix.Length == 0 ? name : prefix + "." + name;
    }

    private static string NamespaceName(INamespaceSymbol? ns)
    {
        if (ns is null || ns.IsGlobalNamespace) return "";
        string name = ns.ToDisplayString();
        if (name == RootNamespace) return "";
        return name.StartsWith(RootNamespace + ".", StringComparison.Ordinal) ? name[(RootNamespace.Length + 1)..] : name;
    }

    private static string? Keyword(SpecialType type) => type switch
    {
        SpecialType.System_Object => "object",
        SpecialType.System_Void => "void",
        SpecialType.System_Boolean => "bool",
        SpecialType.System_Char => "char",
        SpecialType.System_SByte => "sbyte",
        SpecialType.System_Byte => "byte",
        SpecialType.System_Int16 => "short",
        SpecialType.System_UInt16 => "ushort",
        SpecialType.System_Int32 => "int",
        SpecialType.System_UInt32 => "uint",
        SpecialType.System_Int64 => "long",
        SpecialType.System_UInt64 => "ulong",
        SpecialType.System_Decimal => "decimal",
        SpecialType.System_Single => "float",
        SpecialType.System_Double => "double",
        SpecialType.System_String => "string",
        SpecialType.System_IntPtr => "nint",
        SpecialType.System_UIntPtr => "nuint",
        _ => null,
    };

    private static string? DefaultText(IParameterSymbol parameter)
    {
        if (!parameter.HasExplicitDefaultValue) return parameter.IsOptional ? "default" : null;
        object? value = parameter.ExplicitDefaultValue;
        ITypeSymbol type = parameter.Type;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            if (value is null) return "null";
            type = nullable.TypeArguments[0];
        }

        if (value is null) return type.IsValueType ? "default" : "null";
        if (type.TypeKind == TypeKind.Enum)
        {
            var member = type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));
            return member is not null ? $"{TypeName(type)}.{member.Name}" : $"({TypeName(type)}){Convert.ToString(value, CultureInfo.InvariantCulture)}";
        }

        return value switch
        {
            bool b => b ? "true" : "false",
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }
}
