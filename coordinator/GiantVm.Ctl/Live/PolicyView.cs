using System.Text.Json.Nodes;
using GiantVm.Contracts.V1;

namespace GiantVm.Ctl.Live;

/// <summary><c>giantvmctl policy show | reload</c> output.</summary>
internal static class PolicyView
{
    public static JsonNode? InfoJson(PolicyInfo? p) => p is null ? null : new JsonObject
    {
        ["name"] = p.Name,
        ["source"] = p.Source,
        ["version"] = p.Version,
        ["loadedAt"] = LiveJson.Time(p.LoadedAt),
        ["mode"] = p.Mode,
        ["dryRun"] = p.DryRun,
    };

    public static string Summary(PolicyInfo p) =>
        $"policy {p.Name} v{p.Version} (mode {p.Mode}{(p.DryRun ? ", dry-run" : "")}) from {p.Source}, loaded {(p.LoadedAt is null ? "-" : LiveText.Time(p.LoadedAt.ToDateTimeOffset()))} UTC";

    /// <summary>The header as YAML comments, then the file's text (so the output is itself a valid policy file).</summary>
    public static void Show(TextWriter w, PolicyReply reply)
    {
        w.WriteLine("# " + Summary(reply.Info));
        w.Write(reply.Content);
        if (!reply.Content.EndsWith('\n'))
        {
            w.WriteLine();
        }
    }

    public static string ShowJson(PolicyReply reply) => LiveJson.Write(new JsonObject
    {
        ["info"] = InfoJson(reply.Info),
        ["content"] = reply.Content,
    });

    public static void Reload(TextWriter w, ReloadPolicyReply reply)
    {
        w.WriteLine("reloaded: " + Summary(reply.Info));
        var diff = reply.Diff.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        w.WriteLine(diff.Length == 0 ? "  no key changed" : string.Join(Environment.NewLine, diff.Select(d => "  " + d)));
    }

    public static string ReloadJson(ReloadPolicyReply reply) => LiveJson.Write(new JsonObject
    {
        ["accepted"] = reply.Accepted,
        ["errors"] = LiveJson.Array(reply.Errors, e => JsonValue.Create(e)),
        ["info"] = InfoJson(reply.Info),
        ["diff"] = LiveJson.Array(reply.Diff.Split('\n', StringSplitOptions.RemoveEmptyEntries), d => JsonValue.Create(d)),
    });
}
