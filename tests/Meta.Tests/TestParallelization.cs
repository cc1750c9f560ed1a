// The test classes run one at a time: ScottPlot 5.1.59 with SkiaSharp crashes the test host in native code when plots are
// built and rendered on several threads at once (the plot tests, the CLI's run tests and the example tests all draw), and
// a crashed host loses every result. The CLI itself draws on one thread.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
