using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CrossLMM.Zoo.Compat.Tests;

/// <summary>How a use binds to a member.</summary>
public enum UseKind
{
    /// <summary>A reference, call, read or write (the exact overload; for properties, the accessors it needs).</summary>
    Reference,

    /// <summary>The member is overridden, so it must be virtual or abstract in TorchSharp.</summary>
    Override,

    /// <summary>A method group without overload resolution (nameof, cref without parameters): any overload will do.</summary>
    AnyOverload,
}

/// <summary>One use of an engine member at a source line.</summary>
public sealed record ApiUse(ApiMember Member, UseKind Kind, string Path, int Line)
{
    public string Location => $"{Path}:{Line}";

    public string Describe() => Kind switch
    {
        UseKind.Override => "override of " + Member,
        UseKind.AnyOverload => "any overload of " + Member.Key,
        _ => Member.ToString(),
    };
}

/// <summary>
/// Walks a syntax tree with its semantic model and reports every use of a symbol declared by the engine
/// assembly: names (types, members, namespaces), resolved overloads, operators, user-defined conversions,
/// indexers, object creations and constructor initializers (explicit and implicit), attributes, doc-comment
/// crefs, foreach/deconstruction/collection-initializer patterns and overridden members.
/// </summary>
public sealed class UsageCollector
{
    private readonly SemanticModel _model;
    private readonly IAssemblySymbol _engine;
    private readonly string _path;
    private readonly ISet<int> _skippedLines;
    private readonly HashSet<string> _engineNames;
    private readonly HashSet<(string, UseKind, int)> _seen = new();
    private readonly List<ApiUse> _uses = new();

    private UsageCollector(SemanticModel model, IAssemblySymbol engine, string path, ISet<int> skippedLines)
    {
        _model = model;
        _engine = engine;
        _path = path;
        _skippedLines = skippedLines;
        _engineNames = EngineNames.GetValue(engine, Names);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IAssemblySymbol, HashSet<string>> EngineNames = new();

    /// <summary>Every name the engine declares (namespaces, types with and without "Attribute", members): a simple
    /// name with another spelling cannot bind to the engine, so its (costly) semantic lookup is skipped.</summary>
    private static HashSet<string> Names(IAssemblySymbol engine)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(engine.GlobalNamespace);
        while (pending.Count > 0)
        {
            var container = pending.Pop();
            names.Add(container.Name);
            if (container is INamedTypeSymbol { Name: var typeName } && typeName.EndsWith("Attribute", StringComparison.Ordinal))
                names.Add(typeName[..^"Attribute".Length]);
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceOrTypeSymbol nested) pending.Push(nested);
                else names.Add(member.Name);
            }
        }

        return names;
    }

    /// <summary>The uses in <paramref name="model"/>'s tree; lines in <paramref name="skippedLines"/> (1-based) are ignored.</summary>
    public static IReadOnlyList<ApiUse> Collect(SemanticModel model, IAssemblySymbol engine, string path, ISet<int> skippedLines)
    {
        var collector = new UsageCollector(model, engine, path, skippedLines);
        foreach (var node in model.SyntaxTree.GetRoot().DescendantNodes(descendIntoTrivia: true))
        {
            collector.Visit(node);
        }

        return collector._uses;
    }

    private void Visit(SyntaxNode node)
    {
        switch (node)
        {
            case IdentifierNameSyntax { IsVar: true }:
                break; // the inferred type is implied by the expression it comes from
            case SimpleNameSyntax name:
                if (_engineNames.Contains(name.Identifier.ValueText))
                    AddInfo(node, _model.GetSymbolInfo(name), Accessors(name));
                break;
            case ElementAccessExpressionSyntax or ImplicitElementAccessSyntax:
                AddInfo(node, _model.GetSymbolInfo(node), Accessors(node));
                break;
            case BinaryExpressionSyntax or PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax or CastExpressionSyntax
                or BaseObjectCreationExpressionSyntax or ConstructorInitializerSyntax or PrimaryConstructorBaseTypeSyntax or AttributeSyntax:
                AddInfo(node, _model.GetSymbolInfo(node), null);
                break;
            case AssignmentExpressionSyntax assignment:
                AddInfo(node, _model.GetSymbolInfo(assignment), null); // compound operators
                if (assignment.Left is TupleExpressionSyntax or DeclarationExpressionSyntax)
                    AddDeconstruction(node, _model.GetDeconstructionInfo(assignment));
                break;
            case CrefSyntax cref when cref.Parent is XmlCrefAttributeSyntax:
                AddInfo(node, _model.GetSymbolInfo(cref), null);
                break;
            case CommonForEachStatementSyntax forEach:
                var info = _model.GetForEachStatementInfo(forEach);
                Add(node, info.GetEnumeratorMethod);
                Add(node, info.MoveNextMethod);
                Add(node, info.CurrentProperty, ["get"]);
                Add(node, info.ElementConversion.MethodSymbol);
                if (forEach is ForEachVariableStatementSyntax variables)
                    AddDeconstruction(node, _model.GetDeconstructionInfo(variables));
                break;
            case InitializerExpressionSyntax initializer when initializer.IsKind(SyntaxKind.CollectionInitializerExpression):
                foreach (var element in initializer.Expressions)
                    AddInfo(element, _model.GetCollectionInitializerSymbolInfo(element), null);
                break;
            case MemberDeclarationSyntax member when member.Modifiers.Any(SyntaxKind.OverrideKeyword):
                AddOverride(member);
                break;
            case ConstructorDeclarationSyntax { Initializer: null } ctor when !ctor.Modifiers.Any(SyntaxKind.StaticKeyword):
                AddImplicitBaseCall(ctor, _model.GetDeclaredSymbol(ctor)?.ContainingType);
                break;
            case ClassDeclarationSyntax @class:
                var type = _model.GetDeclaredSymbol(@class);
                if (type is not null && @class.ParameterList is null
                    && !@class.Members.OfType<ConstructorDeclarationSyntax>().Any(c => !c.Modifiers.Any(SyntaxKind.StaticKeyword)))
                    AddImplicitBaseCall(@class, type);
                break;
        }

        if (node is ExpressionSyntax expression and not CastExpressionSyntax && IsValuePosition(expression))
        {
            var conversion = _model.GetConversion(expression);
            if (conversion.IsUserDefined) Add(node, conversion.MethodSymbol);
        }
    }

    /// <summary>Whether an implicit conversion can apply here (not a receiver, callee, type or doc comment).</summary>
    private static bool IsValuePosition(ExpressionSyntax expression) => expression.Parent switch
    {
        _ when expression.IsPartOfStructuredTrivia() => false,
        _ when SyntaxFacts.IsInNamespaceOrTypeContext(expression) => false,
        MemberAccessExpressionSyntax or MemberBindingExpressionSyntax or QualifiedNameSyntax => false,
        InvocationExpressionSyntax invocation => invocation.Expression != expression,
        ConditionalAccessExpressionSyntax access => access.Expression != expression,
        _ => true,
    };

    private void AddInfo(SyntaxNode node, SymbolInfo info, string[]? accessors)
    {
        if (info.Symbol is not null)
        {
            Add(node, info.Symbol, accessors);
            return;
        }

        foreach (var candidate in info.CandidateSymbols)
        {
            Add(node, candidate, accessors, info.CandidateReason is CandidateReason.MemberGroup or CandidateReason.Ambiguous or CandidateReason.OverloadResolutionFailure
                ? UseKind.AnyOverload : UseKind.Reference);
        }
    }

    private void AddDeconstruction(SyntaxNode node, DeconstructionInfo info)
    {
        Add(node, info.Method);
        Add(node, info.Conversion?.MethodSymbol);
        foreach (var nested in info.Nested) AddDeconstruction(node, nested);
    }

    private void AddOverride(MemberDeclarationSyntax member)
    {
        ISymbol? overridden = _model.GetDeclaredSymbol(member) switch
        {
            IMethodSymbol method => method.OverriddenMethod,
            IPropertySymbol property => property.OverriddenProperty,
            IEventSymbol @event => @event.OverriddenEvent,
            _ => null,
        };
        Add(member, overridden, null, UseKind.Override);
    }

    private void AddImplicitBaseCall(SyntaxNode node, INamedTypeSymbol? type)
    {
        if (type?.BaseType is not { } baseType || !IsEngine(baseType)) return;
        var ctor = baseType.InstanceConstructors
            .Where(c => c.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal)
            .Where(c => c.Parameters.All(p => p.IsOptional || p.IsParams))
            .OrderBy(c => c.Parameters.Length)
            .FirstOrDefault();
        Add(node, ctor);
    }

    private void Add(SyntaxNode node, ISymbol? symbol, string[]? accessors = null, UseKind kind = UseKind.Reference)
    {
        if (symbol is null || !IsEngine(symbol)) return;
        var member = ApiSignatures.Of(symbol);
        if (member is null) return;
        if (member.Kind is ApiKind.Property or ApiKind.Indexer && kind == UseKind.Reference)
            member = member with { Accessors = accessors ?? ["get"] };
        int line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        if (_skippedLines.Contains(line)) return;
        if (_seen.Add((member.ToString(), kind, line))) _uses.Add(new ApiUse(member, kind, _path, line));
    }

    private bool IsEngine(ISymbol symbol)
    {
        if (symbol is IMethodSymbol { ReducedFrom: { } unreduced }) symbol = unreduced;
        // A namespace is the engine's only if nothing else declares it (TorchSharp.*, CrossLMM.Zoo.Engine),
        // not when the engine merely contributes to it (CrossLMM, CrossLMM.Zoo).
        if (symbol is INamespaceSymbol ns)
            return ns.ConstituentNamespaces.All(c => SymbolEqualityComparer.Default.Equals(c.ContainingAssembly, _engine));
        return SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition.ContainingAssembly, _engine);
    }

    /// <summary>The accessors a property or indexer access needs: set when assigned, get and set for compound
    /// assignment and ++/--, get otherwise.</summary>
    private static string[] Accessors(SyntaxNode node)
    {
        SyntaxNode access = node;
        if (node.Parent is MemberAccessExpressionSyntax memberAccess && memberAccess.Name == node) access = memberAccess;
        else if (node.Parent is MemberBindingExpressionSyntax binding) access = binding;
        else if (node.Parent is NameEqualsSyntax { Parent: AttributeArgumentSyntax }) return ["set"];

        return access.Parent switch
        {
            AssignmentExpressionSyntax assignment when assignment.Left == access =>
                assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) ? ["set"] : ["get", "set"],
            PrefixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.PreIncrementExpression) || unary.IsKind(SyntaxKind.PreDecrementExpression) => ["get", "set"],
            PostfixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.PostIncrementExpression) || unary.IsKind(SyntaxKind.PostDecrementExpression) => ["get", "set"],
            _ => ["get"],
        };
    }
}
