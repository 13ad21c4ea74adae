using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MedSeg.Model;

/// <summary>Walks a Sequential's children in order: composites trace themselves, leaves go to the tracer as layers.</summary>
public static class TracedSequence
{
    public static T Trace<T>(INetworkTracer<T> tracer, string prefix, Sequential sequence, T x)
    {
        foreach (var (name, child) in sequence.named_children())
        {
            string path = Join(prefix, name);
            x = child switch
            {
                ITraceable composite => composite.Trace(tracer, path, x),
                Module<Tensor, Tensor> leaf => tracer.Layer(path, leaf, x),
                _ => throw new NotSupportedException($"{path}: {child.GetType().Name} is not a tensor-to-tensor module"),
            };
        }
        return x;
    }

    /// <summary>A child's state-dict prefix under <paramref name="prefix"/> ("" at the root).</summary>
    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
}
