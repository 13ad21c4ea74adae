using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>
/// What the U-Net's wiring is written against, so that the network is defined once: the modules
/// (<see cref="UNet"/>, UNetParts) walk themselves through a tracer, and the tracer decides what a
/// step means — run it (<see cref="EagerTracer"/>: the forward pass training and the eager engine
/// use), write it as an ONNX node (Onnx/UNetGraphWriter) or as a TorchScript line
/// (MedSeg.Engines.Torch). A layer a writer does not know makes it throw, never skip.
/// </summary>
/// <typeparam name="T">What flows between steps: a tensor, a graph value name, a script variable.</typeparam>
public interface INetworkTracer<T>
{
    /// <summary>One leaf module (Conv2d, ReLU, MaxPool2d, ConvTranspose2d, Upsample, BatchNorm2d, Dropout2d) on <paramref name="x"/>.</summary>
    /// <param name="name">The module's state-dict prefix ("downs.0.maxpool_conv.1.double_conv.3").</param>
    T Layer(string name, nn.Module<Tensor, Tensor> layer, T x);

    /// <summary>
    /// Zero-pads <paramref name="x"/> to <paramref name="like"/>'s height and width, the odd half at
    /// the end ([dx/2, dx − dx/2, dy/2, dy − dy/2], as Pytorch-UNet's Up does): odd input sizes
    /// leave an upsampled map a pixel short of its skip.
    /// </summary>
    T PadTo(T x, T like);

    /// <summary>Concatenates along the channels, <paramref name="first"/> first.</summary>
    T Concat(T first, T second);
}

/// <summary>A module that walks itself through an <see cref="INetworkTracer{T}"/>; its state-dict prefix is given.</summary>
public interface ITraceable
{
    T Trace<T>(INetworkTracer<T> tracer, string prefix, T x);
}
