using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Gateway.Dialplan;

public static partial class DialplanLoader
{
    private static readonly string[] UserKeys = ["name", "password", "caller_id", "max_devices", "allow"];

    private sealed partial class Reader
    {
        /// <summary>
        /// users: a list of { name, password, caller_id, max_devices, allow } (dialplan/README.md "Users").
        /// Names are unique; the password is a ${ENV} reference (a literal is a warning).
        /// </summary>
        private Dictionary<string, DialplanUser> ReadUsers(YamlNode? node, Dictionary<string, List<Regex>> denyClasses)
        {
            var users = new Dictionary<string, DialplanUser>(StringComparer.Ordinal);
            if (node is null) return users;
            if (node is not YamlSequenceNode seq) { Error(node, "users must be a list of {name, password, ...} entries"); return users; }
            foreach (var item in seq)
            {
                if (item is not YamlMappingNode u) { Error(item, "a user is a mapping with name: and password:"); continue; }
                CheckKeys(u, UserKeys, "user");
                var name = Scalar(u, "name");
                if (name is null) { Error(u, "a user needs name: (the user part of its address, e.g. alice)"); continue; }
                if (!DialplanUser.IsValidName(name))
                    Error(Child(u, "name")!, $"user name '{name}' must be 1-64 letters, digits or . _ - + ~ ! *");
                else if (users.ContainsKey(name))
                    Error(Child(u, "name")!, $"duplicate user name '{name}': user names must be unique");
                if (Scalar(u, "password") is { } written && !written.Contains("${", StringComparison.Ordinal))
                    Warn(Child(u, "password")!, $"user '{name}' has its password written in the file: use a ${{ENV_VAR}} reference");
                var errorsBefore = _diagnostics.Count;
                var password = Expand(u, "password");
                if (Child(u, "password") is null) Error(u, $"user '{name}' needs password: (a ${{ENV_VAR}} reference)");
                else if (password is { Length: 0 } && _diagnostics.Count == errorsBefore)
                    Error(Child(u, "password")!, $"user '{name}' has an empty password");
                var maxDevices = Int(u, "max_devices", 1, DialplanUser.MaxMaxDevices) ?? DialplanUser.DefaultMaxDevices;
                var allow = List(u, "allow").ToHashSet(StringComparer.Ordinal);
                foreach (var a in allow.Where(a => !denyClasses.ContainsKey(a)))
                    Error(Child(u, "allow")!, $"user '{name}' allows '{a}', which is not a class under guards.deny");
                if (!users.ContainsKey(name))
                    users[name] = new DialplanUser(name, password ?? "", Scalar(u, "caller_id"), maxDevices, allow, (int)u.Start.Line);
            }
            return users;
        }
    }
}
