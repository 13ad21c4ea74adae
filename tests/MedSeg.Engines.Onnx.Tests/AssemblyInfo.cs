// Torch's random generator is process-wide: tests that seed weights must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
