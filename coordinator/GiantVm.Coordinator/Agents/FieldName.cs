namespace GiantVm.Coordinator.Agents;

/// <summary>
/// The name of a checked field as a refusal spells it: a plain path (<c>host_report.vm</c>) or a
/// member of one element of a list (<c>guest_report.tasks[pid 1003].comm</c>). Turned into text
/// only when a check fails (<see cref="ToString"/>), so that checking a valid report formats and
/// allocates nothing for its names.
/// </summary>
public readonly struct FieldName
{
    private readonly string _path;
    private readonly string? _key;
    private readonly long _id;
    private readonly string _member;

    private FieldName(string path, string? key, long id, string member)
    {
        _path = path;
        _key = key;
        _id = id;
        _member = member;
    }

    /// <summary>One element of the list <paramref name="list"/>, named by its <paramref name="key"/>: <c>list[key id]</c>.</summary>
    public static FieldName Element(string list, string key, long id) => new(list, key, id, "");

    /// <summary>A member of this element: <c>list[key id].member</c> (<paramref name="member"/> without the dot).</summary>
    public FieldName Member(string member) => new(_path, _key, _id, member);

    public override string ToString() => (_key, _member) switch
    {
        (null, _) => _path,
        (_, "") => $"{_path}[{_key} {_id}]",
        _ => $"{_path}[{_key} {_id}].{_member}",
    };

    public static implicit operator FieldName(string path) => new(path, null, 0, "");
}
