using System;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Inference;

/// <summary>How the next token is chosen.</summary>
/// <param name="Temperature">0 = greedy (arg-max); &gt; 0 divides the logits before sampling.</param>
/// <param name="TopK">Keep the k most likely tokens (0 = all).</param>
/// <param name="TopP">Keep the smallest set of most likely tokens whose probability reaches p (1 = all).</param>
/// <param name="Seed">Seed of the sampler's random numbers.</param>
public sealed record SamplingOptions(double Temperature = 0, int TopK = 0, double TopP = 1.0, long Seed = 0)
{
    /// <summary>Whether decoding is greedy.</summary>
    public bool Greedy => Temperature == 0;

    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ZooUserException">A value out of range.</exception>
    public void Validate()
    {
        if (!(Temperature >= 0) || double.IsInfinity(Temperature))
            throw new ZooUserException($"--temperature ({Temperature}) must be ≥ 0 and finite (0 = greedy)");
        if (TopK < 0)
            throw new ZooUserException($"--top-k ({TopK}) must be ≥ 0 (0 = no limit)");
        if (!(TopP > 0 && TopP <= 1))
            throw new ZooUserException($"--top-p ({TopP}) must be in (0, 1]");
    }
}

/// <summary>
/// Picks the next token from one position's logits as Hugging Face's <c>generate</c> does: greedy arg-max, or
/// temperature → top-k → top-p filtering, then a draw from the softmax (System.Random with the seed: reproducible
/// across runs and machines, not bit-equal to PyTorch's multinomial).
/// </summary>
public sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly Random _random;

    /// <summary>A sampler.</summary>
    /// <param name="options">Greedy or sampling settings.</param>
    public TokenSampler(SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _random = new Random(unchecked((int)(options.Seed ^ (options.Seed >> 32))));
    }

    /// <summary>The next token id.</summary>
    /// <param name="logits">One position's logits over the vocabulary.</param>
    public int Next(float[] logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (_options.Greedy)
        {
            return ArgMax(logits);
        }

        int n = logits.Length;
        var order = Enumerable.Range(0, n).ToArray();
        var scaled = logits.Select(l => l / _options.Temperature).ToArray();
        Array.Sort(order, (a, b) => scaled[b].CompareTo(scaled[a]));   // most likely first
        int keep = _options.TopK > 0 ? Math.Min(_options.TopK, n) : n;
        double max = scaled[order[0]];
        var probs = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++)
        {
            probs[i] = Math.Exp(scaled[order[i]] - max);
            total += probs[i];
        }

        if (_options.TopP < 1)
        {
            // HF's TopPLogitsWarper: drop the tail whose cumulative probability (from the least likely) is ≤ 1 - p; keep ≥ 1.
            double cumulative = 0;
            int kept = keep;
            for (int i = keep - 1; i > 0; i--)
            {
                cumulative += probs[i] / total;
                if (cumulative > 1 - _options.TopP) break;
                kept = i;
            }

            keep = kept;
            total = probs.Take(keep).Sum();
        }

        double u = _random.NextDouble() * total;
        for (int i = 0; i < keep; i++)
        {
            u -= probs[i];
            if (u < 0) return order[i];
        }

        return order[keep - 1];
    }

    /// <summary>The first index of the largest value (torch.argmax's choice on ties).</summary>
    /// <param name="values">Values.</param>
    public static int ArgMax(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }

        return best;
    }
}
