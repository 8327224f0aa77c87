using System;
using System.Collections.Generic;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>
    /// "Did you mean …?" for every name a user types, in specs and on the command line: the one rule of the zoo.
    /// The closest candidate by optimal-string-alignment edit distance (case-insensitive; a transposition counts as one
    /// edit) within a length-dependent limit (1 edit up to 3 characters, 2 up to 6, then 3, and fewer edits than the
    /// value has characters); failing that, the only candidate that starts with a value of 3 or more characters
    /// (<c>llava</c> → <c>llava-ov</c>).
    /// </summary>
    public static class Suggest
    {
        [ThreadStatic]
        private static int[]? rows;

        /// <summary>The closest candidate (see the class summary), or null when none is close.</summary>
        /// <param name="value">What was typed.</param>
        /// <param name="candidates">The valid names.</param>
        public static string? Closest(string value, IEnumerable<string> candidates)
        {
            if (value is null)
            {
                throw new ArgumentNullException(nameof(value));
            }

            if (candidates is null)
            {
                throw new ArgumentNullException(nameof(candidates));
            }

            string lowered = value.ToLowerInvariant();
            int limit = Math.Min(value.Length <= 3 ? 1 : value.Length <= 6 ? 2 : 3, Math.Max(value.Length, 2) - 1);
            string? best = null, prefixed = null;
            int bestDistance = int.MaxValue, prefixCount = 0;
            foreach (string candidate in candidates)
            {
                if (value.Length >= 3 && candidate.StartsWith(value, StringComparison.OrdinalIgnoreCase))
                {
                    prefixed = candidate;
                    prefixCount++;
                }

                // A length difference is a lower bound of the distance: most candidates end here.
                if (Math.Abs(candidate.Length - value.Length) > Math.Min(limit, bestDistance - 1))
                {
                    continue;
                }

                int distance = Distance(lowered, candidate.ToLowerInvariant());
                if (distance < bestDistance)
                {
                    best = candidate;
                    bestDistance = distance;
                }
            }

            return best is not null && bestDistance <= limit ? best : prefixCount == 1 ? prefixed : null;
        }

        /// <summary>"; did you mean 'x'?" or "; expected one of: a, b, c".</summary>
        /// <param name="value">What was typed.</param>
        /// <param name="candidates">The valid names.</param>
        public static string Hint(string value, IReadOnlyCollection<string> candidates) => Hint(value, candidates, listWhenNoneClose: true);

        /// <summary>"; did you mean 'x'?", or when no candidate is close "; expected one of: a, b, c" (or nothing).</summary>
        /// <param name="value">What was typed.</param>
        /// <param name="candidates">The valid names.</param>
        /// <param name="listWhenNoneClose">Whether to list the candidates when none is close.</param>
        public static string Hint(string value, IReadOnlyCollection<string> candidates, bool listWhenNoneClose)
        {
            string? closest = Closest(value, candidates);
            return closest is not null
                ? $"; did you mean '{closest}'?"
                : candidates.Count == 0 || !listWhenNoneClose ? string.Empty : "; expected one of: " + Text.Join(candidates);
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

            // Three rolling rows (i − 2, i − 1, i) of the (|a|+1)×(|b|+1) table, in one reused buffer.
            int width = b.Length + 1;
            var d = rows is { } r && r.Length >= 3 * width ? r : rows = new int[3 * Math.Max(width, 65)];
            for (int j = 0; j < width; j++)
            {
                d[j] = j;
            }

            for (int i = 1; i <= a.Length; i++)
            {
                int cur = (i % 3) * width, prev = ((i + 2) % 3) * width, prev2 = ((i + 1) % 3) * width;
                d[cur] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    int value = Math.Min(Math.Min(d[prev + j] + 1, d[cur + j - 1] + 1), d[prev + j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        value = Math.Min(value, d[prev2 + j - 2] + 1);
                    }

                    d[cur + j] = value;
                }
            }

            return d[(a.Length % 3) * width + b.Length];
        }
    }
}
