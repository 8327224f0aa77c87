using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Tests.Composed;
using CrossLMM.Zoo.Modules.Tests.Compressors;
using CrossLMM.Zoo.Modules.Tests.Cost;
using CrossLMM.Zoo.Modules.Tests.Fusion;
using CrossLMM.Zoo.Modules.Tests.Vision;
using FsCheck;
using FsCheck.Fluent;

namespace CrossLMM.Zoo.Modules.Tests.Support;

/// <summary>
/// The generators of the <c>[Property]</c> tests (FsCheck.Xunit), one class per generator variant: a test
/// names its classes in <c>Arbitrary = new[] { typeof(Arbitraries.SmallCases) }</c> and FsCheck draws each
/// parameter from the class's static method returning <c>Arbitrary&lt;T&gt;</c> for the parameter's type.
/// A class holds one method, so two variants of one case type (say, up to 6 or up to 12 queries) never meet in
/// one test. The generators themselves live next to their case records; these classes only name them.
/// <para>
/// Seeds are random on every run. To replay a failure, copy the seed pair FsCheck.Xunit prints in the test's
/// failure message (<c>Falsifiable, after N tests (k shrinks) (SEED,GAMMA)</c>) into the attribute:
/// <c>[Property(MaxTest = 12, Replay = "SEED,GAMMA", Arbitrary = ...)]</c> reruns the same cases in the same
/// order; the triple of its line <c>Replay directly at failing step with (A,B,S)</c>, as <c>Replay = "A,B,S"</c>,
/// starts at the failing case itself. Remove the <c>Replay</c> before committing.
/// </para>
/// <para>
/// Shrinking: these arbitraries are built with <c>ToArbitrary()</c> without a shrinker, as the
/// <c>Prop.ForAll</c> checks they replace were, so a failure reports the original counterexample (0 shrinks);
/// every case carries its seed, so that counterexample reproduces on its own.
/// </para>
/// </summary>
public static class Arbitraries
{
    /// <summary>Batch 1–3, length 1–8, hidden ∈ {16, 32, 48, 64}.</summary>
    public static class SmallCases
    {
        public static Arbitrary<SmallCase> Case() => LmTestData.Cases();
    }

    /// <summary>As <see cref="SmallCases"/>, length 1–6.</summary>
    public static class SmallCasesUpToLength6
    {
        public static Arbitrary<SmallCase> Case() => LmTestData.Cases(maxLength: 6);
    }

    /// <summary>As <see cref="SmallCases"/>, length 1–8 (explicitly: the test's bound, not the default's).</summary>
    public static class SmallCasesUpToLength8
    {
        public static Arbitrary<SmallCase> Case() => LmTestData.Cases(maxLength: 8);
    }

    /// <summary>Key/value head counts 1, 2 or 4 (of 4 query heads), as an <c>int</c> parameter.</summary>
    public static class KvHeadCounts
    {
        public static Arbitrary<int> Count() => Gen.Elements(1, 2, 4).ToArbitrary();
    }

    /// <summary>Global or per-frame fusion scope.</summary>
    public static class TokenScopes
    {
        public static Arbitrary<TokenScope> Scope() => Gen.Elements(TokenScope.Global, TokenScope.Frame).ToArbitrary();
    }

    public static class VitCases
    {
        public static Arbitrary<VitCase> Case() => VitCase.Arbitrary();
    }

    public static class PoolCases
    {
        public static Arbitrary<PoolCase> Case() => PoolCase.Arbitrary();
    }

    public static class ContractCases
    {
        public static Arbitrary<ContractCase> Case() => ContractCase.Arbitrary();
    }

    public static class LearnedQueryCases
    {
        public static Arbitrary<LearnedQueryCase> Case() => LearnedQueryCase.Arbitrary();
    }

    public static class LearnedQueryCasesUpTo7Queries
    {
        public static Arbitrary<LearnedQueryCase> Case() => LearnedQueryCase.Arbitrary(maxQueries: 7);
    }

    public static class LearnedQueryCasesUpTo9Queries
    {
        public static Arbitrary<LearnedQueryCase> Case() => LearnedQueryCase.Arbitrary(maxQueries: 9);
    }

    public static class LearnedQueryCasesUpTo12Queries
    {
        public static Arbitrary<LearnedQueryCase> Case() => LearnedQueryCase.Arbitrary(maxQueries: 12);
    }

    public static class LearnedQueryCasesFromTwoFrames
    {
        public static Arbitrary<LearnedQueryCase> Case() => LearnedQueryCase.Arbitrary(minFrames: 2);
    }

    public static class LearnedQueryCasesFromTwoFramesUpTo9Queries
    {
        public static Arbitrary<LearnedQueryCase> Case() => LearnedQueryCase.Arbitrary(minFrames: 2, maxQueries: 9);
    }

    public static class FusionCases
    {
        public static Arbitrary<FusionCase> Case() => FusionCase.Arbitrary();
    }

    public static class VideoLmmCases
    {
        public static Arbitrary<VideoLmmCase> Case() => VideoLmmCase.Arbitrary();
    }

    public static class VideoLmmCasesWithCrossAttentionOnly
    {
        public static Arbitrary<VideoLmmCase> Case() => VideoLmmCase.Arbitrary(crossAttentionOnly: true);
    }

    public static class VisualCostCases
    {
        public static Arbitrary<VisualCostCase> Case() => VisualCostCase.Arbitrary();
    }
}
