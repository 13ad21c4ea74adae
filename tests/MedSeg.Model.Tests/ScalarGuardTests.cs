using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace MedSeg.Model.Tests;

/// <summary>
/// An analyzer run as a test: compiles src/MedSeg.Model and src/MedSeg.Engines.Torch (the two
/// projects that call TorchSharp) with Roslyn against the real TorchSharp
/// and lists every place that hands TorchSharp a temporary Scalar (issue 10): a number converted
/// implicitly to <c>Scalar</c>, or a call whose TorchSharp overload makes one itself (the alpha
/// of <c>a + b</c>, <c>add(t)</c>, <c>add_(s)</c>, <c>1 - x</c>), and the TorchSharp modules
/// that do so inside (its BatchNorm2d, its Adam).
/// </summary>
public sealed class ScalarGuardTests
{
    private static readonly string[] s_implicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    /// <summary>Every project whose sources call TorchSharp; compiled together, as the engine builds on the model.</summary>
    private static readonly string[] s_torchProjects = ["MedSeg.Model", "MedSeg.Engines.Torch"];

    [Fact]
    public void TorchSources_PassNoTemporaryScalar()
    {
        string root = TestPaths.RepoRoot();
        var trees = new List<SyntaxTree>();
        foreach (string project in s_torchProjects)
        {
            string src = Path.Combine(root, "src", project);
            var files = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                         && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .ToList();
            Assert.NotEmpty(files);
            trees.AddRange(files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: Path.Combine(project, Path.GetRelativePath(src, f)))));
        }
        // The engine's sources are really in the scan (a moved folder would silently drop them).
        Assert.Contains(trees, static t => t.FilePath.EndsWith("InferenceEngine.cs", StringComparison.Ordinal));
        var findings = Analyze(trees);
        Assert.True(findings.Count == 0, "temporary Scalars handed to TorchSharp:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void Analyze_FlagsEveryKnownShape()
    {
        const string bad = """
            using TorchSharp;
            using static TorchSharp.torch;
            static class Bad
            {
                static void F(Tensor a, Tensor b, Scalar held, double threshold)
                {
                    a.gt(threshold);          // implicit double → Scalar
                    a.mul_(0.5);              // implicit literal
                    var c = a + b;            // hidden alpha
                    a.add_(held);             // hidden alpha
                    var d = 1 - a;            // operator -(int, Tensor): a temporary 1 and alpha
                    nn.BatchNorm2d(4);        // TorchSharp's own add_(1)
                    optim.Adam(System.Array.Empty<TorchSharp.Modules.Parameter>()); // its step
                    a.gt(threshold.ToScalar()); // an explicit temporary
                    a.add_(held, held);       // fine: both held
                    a.add(b, held);           // fine
                }
            }
            """;
        var findings = Analyze([CSharpSyntaxTree.ParseText(bad, path: "Bad.cs")]);
        Assert.Equal([7, 8, 9, 10, 11, 12, 13, 14], findings.Select(static f => f.Line).Order().ToArray());
    }

    private sealed record Finding(string File, int Line, string Code, string Why)
    {
        public override string ToString() => $"{File}:{Line}: {Code} — {Why}";
    }

    private static List<Finding> Analyze(IEnumerable<SyntaxTree> sources)
    {
        string usings = string.Join("\n", s_implicitUsings.Select(static u => $"global using global::{u};"));
        var trees = sources.Append(CSharpSyntaxTree.ParseText(usings, path: "GlobalUsings.cs")).ToList();
        var compilation = CSharpCompilation.Create("ScalarGuard", trees, References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        // Unbound code would hide findings: the sources must compile.
        var errors = compilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).Take(5).ToList();
        Assert.True(errors.Count == 0, "the guard could not compile the sources:\n" + string.Join("\n", errors));

        var findings = new List<Finding>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                string? why = node switch
                {
                    ExpressionSyntax e when IsScalarConversion(model.GetConversion(e))
                                           || model.GetOperation(e)?.Parent is IConversionOperation { Conversion.IsUserDefined: true } op && IsScalarOrTensor(op.OperatorMethod)
                        => "a number converted to a temporary Scalar (or scalar Tensor)",
                    InvocationExpressionSyntax { Parent: ArgumentSyntax } i when (model.GetSymbolInfo(i).Symbol as IMethodSymbol)?.Name == "ToScalar"
                        => "a Scalar made for one argument and left to the GC: hold it in a using local or a field",
                    InvocationExpressionSyntax or BinaryExpressionSyntax => HiddenScalar(model.GetSymbolInfo(node).Symbol as IMethodSymbol),
                    _ => null,
                };
                if (why is null) continue;
                int line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                findings.Add(new Finding(tree.FilePath, line, node.ToString(), why));
            }
        }
        return findings;
    }

    /// <summary>A user-defined conversion to Scalar (a temporary) or to Tensor (a temporary scalar tensor).</summary>
    private static bool IsScalarConversion(Conversion c) => c.IsUserDefined && IsScalarOrTensor(c.MethodSymbol);

    private static bool IsScalarOrTensor(IMethodSymbol? conversion) =>
        conversion?.ContainingType.ToDisplayString() is "TorchSharp.Scalar" or "TorchSharp.torch.Tensor";

    /// <summary>TorchSharp overloads that make a Scalar of their own before the native call.</summary>
    private static string? HiddenScalar(IMethodSymbol? m)
    {
        if (m is null) return null;
        string type = m.ContainingType.ToDisplayString();
        if (type == "TorchSharp.torch.nn" && m.Name == "BatchNorm2d") return "TorchSharp's BatchNorm2d counts batches with add_(1): use MedSeg.Model.BatchNorm2d";
        if (type == "TorchSharp.torch.optim" && m.Name == "Adam") return "TorchSharp's Adam.step passes doubles as Scalars: use HeldScalarAdam";
        if (type != "TorchSharp.torch.Tensor") return null;
        static bool IsNumber(ITypeSymbol t) => t.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
            or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Byte or SpecialType.System_Boolean;
        static bool IsScalar(ITypeSymbol t) => t.ToDisplayString() == "TorchSharp.Scalar";
        return (m.Name, m.Parameters.Length) switch
        {
            ("op_Addition", _) => "`+` passes a temporary alpha = 1: add(t, HeldScalars.One)",
            ("op_Subtraction", 2) when IsScalar(m.Parameters[0].Type) || IsNumber(m.Parameters[0].Type) => "`s - t` is t.negative().add(s) with a temporary alpha",
            (_, _) when m.MethodKind == MethodKind.UserDefinedOperator && m.Parameters.Any(p => IsNumber(p.Type))
                => "a Tensor operator with a number makes a temporary Scalar from it",
            ("add" or "add_", 1) => "add(x) passes a temporary alpha = 1: pass a held alpha",
            ("addcmul_" or "addcdiv_" or "addcmul" or "addcdiv", 2) => "the value defaults to a temporary Scalar",
            _ => null,
        };
    }

    private static IEnumerable<MetadataReference> References()
    {
        // The framework, plus every assembly beside the tests (TorchSharp, MedSeg.Core, OpenCvSharp…)
        // except the projects whose sources are being analysed.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(static p => Path.GetFileName(p) is not "MedSeg.Model.dll" and not "MedSeg.Engines.Torch.dll" and not "MedSeg.Model.Tests.dll")
            .GroupBy(static p => Path.GetFileName(p), StringComparer.OrdinalIgnoreCase)
            .Select(static g => g.First());
        foreach (string p in paths)
        {
            MetadataReference? r = null;
            try { r = MetadataReference.CreateFromFile(p); }
            catch (BadImageFormatException) { } // a native library beside the managed ones
            if (r is not null) yield return r;
        }
    }
}
