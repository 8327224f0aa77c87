using Xunit;

// The equivalence tests build models under torch.manual_seed, which seeds libtorch's one global generator:
// a test running in parallel that draws from it would change the parameters between the three builds.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
