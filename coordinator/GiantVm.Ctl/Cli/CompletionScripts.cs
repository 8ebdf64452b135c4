namespace GiantVm.Ctl.Cli;

/// <summary>
/// Shell completion scripts in the dotnet-suggest style, without dotnet-suggest: at each TAB the
/// shell runs the giantvmctl it completes (the word typed, so a path works too) with
/// System.CommandLine's <c>[suggest:POSITION]</c> directive and the command line so far, and
/// offers what it prints (verbs, options, the values an option accepts). The scripts hold no
/// list of verbs, so they never go stale.
/// </summary>
public static class CompletionScripts
{
    public static IReadOnlyList<string> Shells { get; } = ["bash", "zsh", "fish"];

    public static string For(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "fish" => Fish,
        _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "bash, zsh or fish"),
    };

    /// <summary>bash: the words up to the cursor (COMP_WORDS, COMP_CWORD) joined by spaces.</summary>
    public const string Bash = """
        # giantvmctl bash completion: source <(giantvmctl completion bash)
        # or install as /etc/bash_completion.d/giantvmctl
        _giantvmctl_complete()
        {
            local line="${COMP_WORDS[*]:0:$((COMP_CWORD + 1))}"
            local IFS=$'\n'
            COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _giantvmctl_complete giantvmctl

        """;

    /// <summary>zsh: $words up to $CURRENT.</summary>
    public const string Zsh = """
        #compdef giantvmctl
        # giantvmctl zsh completion: save as _giantvmctl in a folder of $fpath (e.g. ~/.zfunc),
        # or source <(giantvmctl completion zsh) after compinit
        _giantvmctl()
        {
            local line="${(j: :)words[1,CURRENT]}"
            local -a candidates
            candidates=("${(@f)$("${words[1]}" "[suggest:${#line}]" "$line" 2>/dev/null)}")
            compadd -- "${candidates[@]}"
        }
        if [[ "$funcstack[1]" = "_giantvmctl" ]]; then
            _giantvmctl "$@"
        else
            compdef _giantvmctl giantvmctl
        fi

        """;

    /// <summary>fish: the tokens up to the cursor and the token being typed.</summary>
    public const string Fish = """
        # giantvmctl fish completion: giantvmctl completion fish > ~/.config/fish/completions/giantvmctl.fish
        function __giantvmctl_complete
            set -l tokens (commandline -opc) (commandline -ct)
            set -l line (string join ' ' -- $tokens)
            $tokens[1] "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c giantvmctl -f -a '(__giantvmctl_complete)'

        """;
}
