using Xunit;

// The runner swaps the process's console and reads ZOO_NOTEBOOK_QUICK: one test at a time keeps every test's
// console and environment its own (the notebook runs dominate the time anyway, and they are serialised).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
