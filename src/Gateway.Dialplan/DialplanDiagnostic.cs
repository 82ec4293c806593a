namespace Gateway.Dialplan;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>A problem in a dialplan file: where (file, 1-based line and column), what, and what to do.</summary>
public sealed record DialplanDiagnostic(DiagnosticSeverity Severity, string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {(Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {Message}";
}
