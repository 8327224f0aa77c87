// The TorchSharp namespaces come from build/Zoo.props.
global using CrossLMM.Zoo.Configs;
global using Xunit;

// The commands seed torch's global generator (zoo run --seed): keep the tests sequential so seeds stay deterministic.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
