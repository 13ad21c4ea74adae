using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>
/// Batch norm over [N, C, H, W] with TorchSharp's parameters, buffers and state-dict names
/// (weight, bias, running_mean, running_var, num_batches_tracked), so every checkpoint loads
/// unchanged, and the same functional batch norm call, so outputs are bit-identical.
/// </summary>
/// <remarks>
/// Why not TorchSharp's BatchNorm2d (issue 10): its training forward runs
/// <c>num_batches_tracked.add_(1)</c>, two temporary Scalars that a GC can free while libtorch
/// reads them; U-Net training under forced collections failed within 100 steps. Here the count
/// adds held Scalars. The momentum is fixed (0.1), so, as in libtorch, the count is bookkeeping
/// only; it is kept so that checkpoints say what PyTorch's would.
/// </remarks>
public sealed class BatchNorm2d : nn.Module<Tensor, Tensor>
{
    public const double DefaultEps = 1e-5;
    public const double DefaultMomentum = 0.1;

    [ComponentName(Name = "weight")] private Parameter _weight;
    [ComponentName(Name = "bias")] private Parameter _bias;
    [ComponentName(Name = "running_mean")] private Tensor _runningMean;
    [ComponentName(Name = "running_var")] private Tensor _runningVar;
    [ComponentName(Name = "num_batches_tracked")] private Tensor _numBatchesTracked;
    private readonly double _eps, _momentum;

    public BatchNorm2d(long numFeatures, double eps = DefaultEps, double momentum = DefaultMomentum) : base(nameof(BatchNorm2d))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        _eps = eps;
        _momentum = momentum;
        // The initial values of TorchSharp's (and PyTorch's) BatchNorm2d; no random numbers are drawn.
        // Detached as TorchSharp's are: a module built inside a dispose scope keeps its state.
        _weight = (Parameter)nn.Parameter(ones(numFeatures)).DetachFromDisposeScope();
        _bias = (Parameter)nn.Parameter(zeros(numFeatures)).DetachFromDisposeScope();
        _runningMean = zeros(numFeatures).DetachFromDisposeScope();
        _runningVar = ones(numFeatures).DetachFromDisposeScope();
        _numBatchesTracked = tensor(0L).DetachFromDisposeScope();
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (input.ndim != 4) throw new ArgumentException($"expected 4D input, but got {input.ndim}D input.", nameof(input));
        // Held Scalars for the value and the alpha, never add_(1): see HeldScalars.
        if (training) _numBatchesTracked.add_(HeldScalars.OneInt64, HeldScalars.OneInt64);
        return nn.functional.batch_norm(input, _runningMean, _runningVar, _weight, _bias, training, _momentum, _eps);
    }
}
