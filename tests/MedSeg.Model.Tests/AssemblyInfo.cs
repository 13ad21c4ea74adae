// Torch's random generator and thread count are process-wide: tests that seed weights or train
// must not interleave, or their results depend on which other test ran at the same moment.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
