package dev.kith.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kith completion bash|zsh}: prints a shell completion script for every command and option of kith. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print a completion script for bash or zsh (zsh loads it through bashcompinit).",
        },
        footer = {"%nExamples:", "  source <(kith completion bash)", "  kith completion zsh > \"${fpath[1]}/_kith\""})
final class CompletionCommand implements Callable<Integer> {
    /** The shells a script is printed for. */
    enum Shell {
        bash,
        zsh
    }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.commandLine();
        while (root.getParent() != null) root = root.getParent();
        String script = AutoComplete.bash("kith", root);
        if (shell == Shell.zsh) {
            script = "#compdef kith\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                    + script;
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
