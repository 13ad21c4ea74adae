using System.Linq.Expressions;
using MedSeg.Core.Timing;

namespace MedSeg.Core.Tests.Timing;

public sealed class JitActivityTests
{
    [Fact]
    public void Since_AMethodCompiledAfterTheMark_IsCounted()
    {
        // An expression tree compiles to a new dynamic method: the JIT must compile it before it runs.
        var x = Expression.Parameter(typeof(int), "x");
        var square = Expression.Lambda<Func<int, int>>(Expression.Multiply(x, x), x);
        var mark = JitActivity.Start();

        int nine = square.Compile()(3);
        var activity = mark.Since();

        Assert.Equal(9, nine);
        Assert.True(activity.MethodsCompiled >= 1, $"no method counted: {activity}");
        Assert.True(activity.CompileMs > 0, $"no compile time counted: {activity}");
    }
}
