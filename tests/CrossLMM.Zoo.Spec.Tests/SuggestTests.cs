using Xunit;

namespace CrossLMM.Zoo.Spec.Tests;

/// <summary>The one "did you mean" rule of the zoo (spec keys, kinds, presets and command-line names).</summary>
public class SuggestTests
{
    private static readonly string[] Names = { "crosslmm", "llava-ov", "qformer", "flamingo", "grid", "layout", "layers" };

    [Theory]
    [InlineData("gird", "grid")]            // a transposition is one edit
    [InlineData("crossllm", "crosslmm")]
    [InlineData("QFormer", "qformer")]      // case-insensitive
    [InlineData("llava", "llava-ov")]       // too far by edits, but the only name it starts
    [InlineData("lay", null)]              // starts two names: no guess
    [InlineData("zzzzzzzz", null)]
    [InlineData("g", null)]                 // a one-letter value is never "close"
    public void Closest_FollowsTheRule(string typed, string? expected) =>
        Assert.Equal(expected, Suggest.Closest(typed, Names));

    [Theory]
    [InlineData("", "")]
    [InlineData("abc", "")]
    [InlineData("kitten", "sitting")]
    [InlineData("ca", "ac")]
    [InlineData("abcdef", "badcfe")]
    [InlineData("a much longer name", "a mulch langer nam")]
    public void Distance_EqualsTheFullTable(string a, string b)
    {
        Assert.Equal(FullTable(a, b), Suggest.Distance(a, b));
        Assert.Equal(FullTable(b, a), Suggest.Distance(b, a));
    }

    // The textbook (|a|+1)×(|b|+1) optimal-string-alignment table, the reference for the rolling-row version.
    private static int FullTable(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = System.Math.Min(System.Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = System.Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
