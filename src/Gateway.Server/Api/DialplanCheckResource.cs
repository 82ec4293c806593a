using Gateway.Dialplan;

namespace Gateway.Server.Api;

/// <summary>
/// The result of checking the dialplan file, as <c>gateway dialplan check</c> does: <c>ok</c> false when it has errors
/// (each with file:line:column), <c>applied</c> true when it became the active plan.
/// </summary>
public sealed record DialplanCheckResource(string File, bool Ok, bool Applied, int Routes, int Trunks, IReadOnlyList<DialplanDiagnosticResource> Diagnostics)
{
    public static DialplanCheckResource From(string file, DialplanLoader.Result result, bool applied) =>
        new(file, result.Succeeded, applied, result.Plan?.RouteCount ?? 0, result.Plan?.Trunks.Count ?? 0,
            [.. result.Diagnostics.Select(DialplanDiagnosticResource.From)]);
}

/// <summary>One diagnostic: <c>severity</c> error or warning, where it is, and <c>text</c> as the CLI prints it ("file:line:col: error: ...").</summary>
public sealed record DialplanDiagnosticResource(string Severity, string File, int Line, int Column, string Message, string Text)
{
    public static DialplanDiagnosticResource From(DialplanDiagnostic d) =>
        new(d.Severity == DiagnosticSeverity.Error ? "error" : "warning", d.File, d.Line, d.Column, d.Message, d.ToString());
}

/// <summary>Body of POST /api/v1/dialplan/reload (optional): <c>dryRun</c> checks the file without making it active.</summary>
public sealed record DialplanReloadRequest(bool DryRun = false);
