// The TorchSharp namespaces come from build/TorchBackend.props (global usings shared with every model project).
global using CrossLMM.Zoo.Configs;
