using System;
using System.Collections.Generic;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>
    /// "Did you mean …?" by optimal-string-alignment edit distance (a transposition counts as one edit). The
    /// spec diagnostics use <c>Closest</c>/<c>Hint</c>; <see cref="Distance"/> is public for the tools' name
    /// suggestions, which apply their own threshold.
    /// </summary>
    public static class Suggest
    {
        /// <summary>The closest candidate within a length-dependent distance, or null.</summary>
        internal static string? Closest(string value, IEnumerable<string> candidates)
        {
            string lowered = value.ToLowerInvariant();
            int limit = value.Length <= 3 ? 1 : value.Length <= 6 ? 2 : 3;
            string? best = null;
            int bestDistance = int.MaxValue;
            foreach (string candidate in candidates)
            {
                int distance = Distance(lowered, candidate.ToLowerInvariant());
                if (distance < bestDistance)
                {
                    best = candidate;
                    bestDistance = distance;
                }
            }

            return best is not null && bestDistance <= limit && bestDistance < Math.Max(value.Length, 2) ? best : null;
        }

        /// <summary>"; did you mean 'x'?" or "; expected one of: a, b, c".</summary>
        internal static string Hint(string value, IReadOnlyCollection<string> candidates)
        {
            string? closest = Closest(value, candidates);
            return closest is not null
                ? $"; did you mean '{closest}'?"
                : candidates.Count == 0 ? string.Empty : "; expected one of: " + Text.Join(candidates);
        }

        /// <summary>Optimal-string-alignment distance (case-sensitive); strings longer than 64 characters are never close (64 + the length difference).</summary>
        /// <param name="a">First string.</param>
        /// <param name="b">Second string.</param>
        public static int Distance(string a, string b)
        {
            if (a is null)
            {
                throw new ArgumentNullException(nameof(a));
            }

            if (b is null)
            {
                throw new ArgumentNullException(nameof(b));
            }

            if (a.Length > 64 || b.Length > 64)
            {
                return Math.Abs(a.Length - b.Length) + 64;
            }

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
                    int value = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        value = Math.Min(value, d[i - 2, j - 2] + 1);
                    }

                    d[i, j] = value;
                }
            }

            return d[a.Length, b.Length];
        }
    }
}
