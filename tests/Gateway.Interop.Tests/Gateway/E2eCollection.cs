namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// The end-to-end tests run one at a time: each starts a gateway, often Chromium and sipp, on a 2-core machine.
/// Run them alone with <c>dotnet test tests/Gateway.Interop.Tests --filter FullyQualifiedName~Gateway.Interop.Tests.Gateway</c>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class E2eCollection
{
    public const string Name = "Gateway end-to-end";
}
