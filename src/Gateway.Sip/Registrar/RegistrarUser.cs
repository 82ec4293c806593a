namespace Gateway.Sip.Registrar;

/// <summary>A user who may register: the Digest password and how many devices (bindings) at once.</summary>
public sealed record RegistrarUser(string Name, string Password, int MaxDevices)
{
    public override string ToString() => $"RegistrarUser {{ Name = {Name}, MaxDevices = {MaxDevices} }}"; // never the password
}

/// <summary>Where the registrar finds its users (the server feeds it the dialplan's <c>users:</c>).</summary>
public interface IRegistrarDirectory
{
    RegistrarUser? Find(string name);
}
