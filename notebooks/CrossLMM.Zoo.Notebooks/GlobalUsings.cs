// The TorchSharp namespaces come from build/Zoo.props.
global using CrossLMM.Zoo.Configs;
