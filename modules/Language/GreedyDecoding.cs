using System;
using System.Collections.Generic;
using CrossLMM.Zoo.Modules.Core;

namespace CrossLMM.Zoo.Modules.Language;

/// <summary>
/// The greedy decoding loop shared by the language model and the composed video LMM: prefill once, then
/// feed back the arg-max token of the last position, one position per step, over a <see cref="KvCache"/>.
/// <para>Shapes: B batch, V vocabulary, n generated tokens.</para>
/// </summary>
public static class GreedyDecoding
{
    /// <summary>Runs the loop.</summary>
    /// <param name="prefill">Runs the prompt through the model with the cache; returns logits (B, S, V).</param>
    /// <param name="step">Runs one new token (B, 1) with the cache; returns logits (B, 1, V).</param>
    /// <param name="maxNewTokens">Tokens to generate, ≥ 1.</param>
    /// <param name="eosTokenId">Stop once every sequence has produced it; finished sequences keep emitting it.</param>
    /// <returns>(B, n) int64; the caller owns it.</returns>
    public static Tensor Run(Func<KvCache, Tensor> prefill, Func<Tensor, KvCache, Tensor> step, int maxNewTokens, long? eosTokenId = null)
    {
        ArgumentNullException.ThrowIfNull(prefill);
        ArgumentNullException.ThrowIfNull(step);
        BlockChecks.Positive(maxNewTokens, nameof(maxNewTokens));
        using var scope = torch.NewDisposeScope();
        using var cache = new KvCache();
        using var noGrad = torch.no_grad();
        var tokens = new List<Tensor>(maxNewTokens);
        var logits = prefill(cache);
        Tensor? finished = null;
        for (int i = 0; i < maxNewTokens; i++)
        {
            var next = logits.select(1, logits.shape[1] - 1).argmax(-1, keepdim: true);   // [B, 1]
            if (eosTokenId is long eosId)
            {
                using var eos = eosId.ToScalar();   // referenced until the ops return (docs/engine.md, "Scalars")
                if (finished is not null)
                {
                    next = next.masked_fill(finished, eos);
                }

                finished = finished is null ? next.eq(eos) : finished.logical_or(next.eq(eos));
            }

            tokens.Add(next);
            if (i == maxNewTokens - 1 || (finished is not null && finished.all().item<bool>()))
            {
                break;
            }

            logits = step(next, cache);
        }

        return torch.cat(tokens, 1).MoveToOuterDisposeScope();
    }
}
