using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MedSeg.Model.Training;

/// <summary>
/// TorchSharp's Adam with the same state, options, saved format and arithmetic, op for op, but
/// with every Scalar held for its native call.
/// </summary>
/// <remarks>
/// Why (issue 10): TorchSharp 0.107's <c>Adam.step</c> passes plain doubles to <c>mul_</c>,
/// <c>add_</c>, <c>addcmul_</c>, <c>div</c> and <c>addcdiv_</c>: seven temporary Scalars per
/// parameter per step, any of which a GC can free while libtorch reads it (training under forced
/// collections failed in <c>addcmul_</c>). Here each value is a <c>using</c> local, alive until
/// its Dispose after the call, and every alpha is spelled out. Only <see cref="step"/> changes:
/// the state is TorchSharp's <see cref="Adam.State"/>, so <c>last.optim</c> files written before
/// load unchanged, and <c>--resume</c> continues exactly.
/// </remarks>
public sealed class HeldScalarAdam : Adam
{
    public HeldScalarAdam(IEnumerable<Parameter> parameters, double lr = 0.001, double beta1 = 0.9, double beta2 = 0.999,
                          double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double beta1 = o.beta1!.Value, beta2 = o.beta2!.Value, weightDecay = o.weight_decay!.Value, lr = o.LearningRate!.Value;
        using var sBeta1 = beta1.ToScalar();
        using var sBeta2 = beta2.ToScalar();
        using var sOneMinusBeta1 = (1.0 - beta1).ToScalar();
        using var sOneMinusBeta2 = (1.0 - beta2).ToScalar();
        using var sEps = o.eps!.Value.ToScalar();
        using var sWeightDecay = weightDecay.ToScalar();
        foreach (var p in group.Parameters)
        {
            var grad = p.grad;
            if (grad is null) continue;
            var state = (State)_state[p.Handle];
            if (o.maximize!.Value) grad = -grad;
            state.step++;
            double bias1 = 1.0 - Math.Pow(beta1, state.step);
            double bias2 = 1.0 - Math.Pow(beta2, state.step);
            if (weightDecay != 0) grad = grad.add(p, sWeightDecay);
            state.exp_avg.mul_(sBeta1).add_(grad, sOneMinusBeta1);
            state.exp_avg_sq.mul_(sBeta2).addcmul_(grad, grad.conj(), sOneMinusBeta2);
            using var sBias2Sqrt = Math.Sqrt(bias2).ToScalar();
            Tensor denom;
            if (o.amsgrad!.Value)
            {
                var previous = state.max_exp_avg_sq;
                state.max_exp_avg_sq = maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                previous.Dispose();
                denom = state.max_exp_avg_sq.sqrt().div(sBias2Sqrt).add_(sEps, HeldScalars.One);
            }
            else
            {
                denom = state.exp_avg_sq.sqrt().div(sBias2Sqrt).add_(sEps, HeldScalars.One);
            }
            using var sStep = (0.0 - lr / bias1).ToScalar();
            p.addcdiv_(state.exp_avg, denom, sStep);
        }
    }, closure);
}
