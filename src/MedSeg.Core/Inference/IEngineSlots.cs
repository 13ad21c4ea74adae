namespace MedSeg.Core.Inference;

/// <summary>
/// Two input/output slots of one engine, for double buffering: while the batch in one slot
/// computes, the caller fills the other (on the CPU the copy of batch k+1 into its staging runs
/// beside batch k's compute; on CUDA its upload runs on its own stream beside the compute stream).
/// </summary>
/// <remarks>
/// Protocol (one caller, e.g. the inference stage): write <see cref="Input"/> of a free slot,
/// <see cref="Submit"/> it (returns at once; batches run in submission order), later
/// <see cref="Complete"/> it (waits, writes the answer, frees the slot). A slot is free again
/// only after its Complete. Nothing is allocated per batch.
/// </remarks>
public interface IEngineSlots : IDisposable
{
    /// <summary>Number of slots (2).</summary>
    int Count { get; }

    /// <summary>The slot's staging input, MaxBatch × C × H × W floats (preprocessed frames, in order).</summary>
    Span<float> Input(int slot);

    /// <summary>Starts the first <paramref name="batch"/> frames of the slot's input; returns before they are computed.</summary>
    void Submit(int slot, int batch);

    /// <summary>Waits for the slot's batch, writes its labels (and foreground, unless empty) and frees the slot; rethrows the engine's error.</summary>
    /// <returns>When the engine started and finished this batch (<see cref="Frames.StageTimes.Now"/> ticks).</returns>
    SlotTimes Complete(int slot, Span<byte> labels, Span<float> foreground);
}

/// <summary>When a slot's batch started and finished computing.</summary>
public readonly record struct SlotTimes(long Start, long End);
