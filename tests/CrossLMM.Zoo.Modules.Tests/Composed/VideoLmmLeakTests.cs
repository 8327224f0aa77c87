using System;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Composed;

/// <summary>Runs alone: it counts the process's live native tensors.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveTensorCollection
{
    public const string Name = "Live native tensors (language side)";
}

[Collection(LiveTensorCollection.Name)]
public class VideoLmmLeakTests
{
    [Fact]
    public void ForwardPrefillDecodeAndGenerate_InsideScopes_LeaveNoNativeTensorBehind()
    {
        foreach (var kind in new[] { FusionKind.DualCrossAttention, FusionKind.Hybrid, FusionKind.GatedCrossAttention })
        {
            var c = new VideoLmmCase(2, 3, 2, 4, 32, 3, 1, kind, Layout.QuestionFirst, TokenScope.Frame, 31);
            using var model = VideoLmmBuilder.Build(c.Config(gateInit: 0.5));
            var rng = new Random(31);
            using var features = c.Features(rng);
            using var ids = c.Ids(rng, 4);
            void Iteration()
            {
                using var scope = torch.NewDisposeScope();
                using var output = model.call(new VideoLmmInput(features, ids), null);
                using var cache = new KvCache();
                using var prefill = model.call(new VideoLmmInput(features, ids), cache);
                model.Decode(ids.narrow(1, 0, 1), cache);
                model.Generate(new VideoLmmInput(features, ids), 3);
            }

            Iteration();
            Settle();
            long before = NativeTensors.Live;
            // No garbage collection (hence no finalizer backstop) while counting: every tensor must go with its scope.
            Assert.True(GC.TryStartNoGCRegion(200_000_000), "could not suspend garbage collection");
            try
            {
                for (int i = 0; i < 5; i++)
                {
                    Iteration();
                }

                Assert.Equal(before, NativeTensors.Live);
            }
            finally
            {
                if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
                {
                    GC.EndNoGCRegion();
                }
            }
        }
    }

    private static void Settle()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
        }
    }
}
