using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CrossLMM.Zoo.Notebooks.Runner.Execution;

/// <summary>What the runner and the exporter need to know about a cell's C# (parsed as a script).</summary>
public static class ScriptSyntax
{
    /// <summary>Script parse options at the latest language version.</summary>
    public static CSharpParseOptions ParseOptions { get; } = CSharpParseOptions.Default
        .WithKind(SourceCodeKind.Script)
        .WithLanguageVersion(LanguageVersion.Latest);

    /// <summary>The cell parsed as a script submission.</summary>
    /// <param name="code">C# of one cell.</param>
    public static CompilationUnitSyntax Parse(string code) =>
        (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, ParseOptions).GetRoot();

    /// <summary>
    /// The trailing expression of a cell — a last statement that is an expression without <c>;</c>, whose value
    /// Polyglot shows as the cell's result — or null.
    /// </summary>
    /// <param name="unit">A parsed cell.</param>
    public static ExpressionStatementSyntax? TrailingExpression(CompilationUnitSyntax unit) =>
        unit.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement } && statement.SemicolonToken.IsMissing
            ? statement
            : null;
}
