using MedSeg.Model.Training;

namespace MedSeg.Model.Tests;

public sealed class StepGovernorTests
{
    [Fact]
    public void Next_OnCourse_KeepsTheCount()
    {
        // 12 epochs × (10 steps of 0.5 s + 1 s validation) = 72 s planned; epoch 1 took exactly that share.
        var g = new StepGovernor(72, epochs: 12, plannedPerEpoch: 10, minSteps: 0);

        Assert.Equal(10, g.Next(epochsDone: 1, stepsDone: 10, stepSeconds: 5, otherSeconds: 1, current: 10));
        Assert.Equal(10, g.Next(1, 10, 5.5, 1, 10)); // 10 % slow: within the tolerance
    }

    [Fact]
    public void Next_StepsSlowerThanPlanned_ShrinksToWhatTheTimeLeftHolds()
    {
        var g = new StepGovernor(72, 12, 10, 0);

        // 0.75 s per step: 66 s left over 11 epochs is 6 s each, 1 s of it validation → 5 / 0.75 = 6.67 steps.
        Assert.Equal(6, g.Next(1, 10, 7.5, 1, 10));
    }

    [Fact]
    public void Next_StepsFasterThanPlanned_GrowsToWhatTheTimeLeftHolds()
    {
        var g = new StepGovernor(72, 12, 10, 0);

        Assert.Equal(16, g.Next(1, 10, 3.1, 1, 10)); // 0.31 s per step: (67.9 / 11 − 1) / 0.31 = 16.7 steps
    }

    [Fact]
    public void Next_NeverLeavesTwiceThePlanNorTheStepFloor()
    {
        var g = new StepGovernor(72, 12, 10, minSteps: 0);
        Assert.Equal(20, g.Next(1, 10, 0.1, 0.1, 10)); // far faster: 2× the plan
        Assert.Equal(5, g.Next(1, 10, 60, 1, 10));     // far slower: half the plan

        var floored = new StepGovernor(72, 12, 10, minSteps: 120);
        Assert.Equal(10, floored.Next(1, 10, 60, 1, 10)); // 110 steps still owed over 11 epochs
    }

    [Fact]
    public void Next_LastEpochOrNothingMeasured_KeepsTheCount()
    {
        var g = new StepGovernor(72, 12, 10, 0);
        Assert.Equal(10, g.Next(12, 120, 600, 12, 10));
        Assert.Equal(10, g.Next(1, 0, 0, 1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepGovernor(0, 12, 10, 0));
    }
}
