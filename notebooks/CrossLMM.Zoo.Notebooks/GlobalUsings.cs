// The TorchSharp namespaces come from build/TorchBackend.props.
global using CrossLMM.Zoo.Configs;
