using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MedSeg.Model;

public enum LossKind { Bce, Dice, BceDice, CrossEntropy, CrossEntropyDice }

/// <summary>
/// Which class a binary task's Dice term scores. Foreground: the usual. Background: the other
/// class, for sets whose foreground covers most pixels (ISBI 2012 labels cells 255 and the thin
/// membranes 0): a Dice of the majority class is near 1 whatever happens at the thin structures,
/// so it teaches little there, while the minority class's Dice is what they decide. Both: the mean.
/// </summary>
public enum BinaryDice { Foreground, Background, Both }

/// <summary>
/// Segmentation losses over logits. Binary tasks: target [N,1,H,W] float in {0,1}; multi-class
/// tasks: target [N,H,W] int64 class ids.
/// </summary>
public static class Losses
{
    private const double Smooth = 1.0;
    // Held for every call (HeldScalars): a plain `+ Smooth` would be a temporary Scalar.
    private static readonly Scalar s_smooth = Smooth.ToScalar();

    public static LossKind DefaultFor(UNetOptions model) => DefaultFor(model.IsBinary);

    /// <summary>The default loss of a binary (one sigmoid channel) or multi-class (softmax) head.</summary>
    public static LossKind DefaultFor(bool binary) => binary ? LossKind.BceDice : LossKind.CrossEntropyDice;

    public static void CheckCompatible(LossKind kind, UNetOptions model)
    {
        bool binaryLoss = kind is LossKind.Bce or LossKind.BceDice;
        bool multiLoss = kind is LossKind.CrossEntropy or LossKind.CrossEntropyDice;
        if (model.IsBinary && multiLoss)
            throw new ArgumentException($"loss {kind} needs a multi-class model; this task has 2 classes (use bce, dice or bce+dice)");
        if (!model.IsBinary && binaryLoss)
            throw new ArgumentException($"loss {kind} is for binary tasks; this task has {model.NumClasses} classes (use ce, ce+dice or dice)");
    }

    /// <param name="batchDice">Dice over the whole batch per class (nnU-Net's choice for 2-D) rather than per image; see <see cref="DiceLoss"/>.</param>
    /// <param name="binaryDice">the class a binary task's Dice term scores (<see cref="BinaryDice"/>); ignored for multi-class.</param>
    public static Tensor Compute(LossKind kind, Tensor logits, Tensor target, bool batchDice = false, BinaryDice binaryDice = BinaryDice.Foreground)
    {
        bool binary = logits.shape[1] == 1;
        return kind switch
        {
            LossKind.Bce => functional.binary_cross_entropy_with_logits(logits, target),
            LossKind.CrossEntropy => functional.cross_entropy(logits, target),
            LossKind.Dice => DiceLoss(logits, target, binary, batchDice, binaryDice),
            LossKind.BceDice => Sum(functional.binary_cross_entropy_with_logits(logits, target), DiceLoss(logits, target, binary, batchDice, binaryDice)),
            LossKind.CrossEntropyDice => Sum(functional.cross_entropy(logits, target), DiceLoss(logits, target, binary, batchDice)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static Tensor Sum(Tensor a, Tensor b)
    {
        using (a)
        using (b)
            return a.add(b, HeldScalars.One); // `a + b` passes a temporary alpha = 1

    }

    /// <summary>
    /// Soft Dice, 1 − mean over images and foreground classes (with <paramref name="batch"/>: over
    /// foreground classes, each class's overlap summed over the whole batch). Smoothing of 1 keeps
    /// an empty mask from dividing by zero and rewards predicting nothing there.
    /// </summary>
    /// <remarks>
    /// Why batch Dice (nnU-Net plans it for every 2-D configuration): per image, a small class that
    /// is absent from most slices gets most of its Dice terms from those slices, each satisfied by
    /// predicting nothing, so the term's pull is towards never predicting it; and in a slice where
    /// it covers a few pixels one wrong pixel swings that image's term from 1 to 0. Over the batch,
    /// each class has one term: its present pixels and every false positive in the batch.
    /// </remarks>
    public static Tensor DiceLoss(Tensor logits, Tensor target, bool binary, bool batch = false, BinaryDice binaryDice = BinaryDice.Foreground)
    {
        using var scope = NewDisposeScope();
        Tensor prob, onehot;
        if (binary)
        {
            prob = functional.sigmoid(logits);
            onehot = target;
            if (binaryDice != BinaryDice.Foreground)
            {
                // 1 − p and 1 − t: the background's probability and mask (rsub: held Scalar, no temporary).
                var bgProb = prob.neg().add(HeldScalars.One, HeldScalars.One);
                var bgMask = onehot.neg().add(HeldScalars.One, HeldScalars.One);
                (prob, onehot) = binaryDice == BinaryDice.Background ? (bgProb, bgMask) : (cat([prob, bgProb], 1), cat([onehot, bgMask], 1));
            }
        }
        else
        {
            long classes = logits.shape[1];
            // Background is left out of the Dice term: it dominates the pixel count and would mask poor foreground.
            prob = functional.softmax(logits, 1).narrow(1, 1, classes - 1);
            onehot = functional.one_hot(target, classes).permute(0, 3, 1, 2).to_type(prob.dtype).narrow(1, 1, classes - 1);
        }
        long[] dims = batch ? [0, 2, 3] : [2, 3];
        // The arithmetic of (2·inter + s) / (denom + s) and 1 − mean, with held Scalars and every
        // alpha spelled out (HeldScalars): the operators would create temporary Scalars.
        var inter = (prob * onehot).sum(dims);
        var denom = prob.sum(dims).add(onehot.sum(dims), HeldScalars.One);
        var dice = inter.mul(HeldScalars.Two).add(s_smooth, HeldScalars.One) / denom.add(s_smooth, HeldScalars.One);
        return dice.mean().neg().add(HeldScalars.One, HeldScalars.One).MoveToOuterDisposeScope();
    }

    public static LossKind Parse(string s) => s.Trim().ToLowerInvariant() switch
    {
        "bce" => LossKind.Bce,
        "dice" => LossKind.Dice,
        "bce+dice" or "bcedice" or "bce-dice" => LossKind.BceDice,
        "ce" or "cross-entropy" or "crossentropy" => LossKind.CrossEntropy,
        "ce+dice" or "cedice" or "ce-dice" => LossKind.CrossEntropyDice,
        _ => throw new ArgumentException($"unknown loss '{s}': use bce, dice, bce+dice, ce or ce+dice"),
    };
}
