package dev.kith.cli;

import dev.kith.cli.remote.Contexts;
import dev.kith.cli.remote.Endpoint;
import dev.kith.engine.KithException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith context set|list|use|remove}: named connections (endpoint, token, CA, plaintext) saved in {@code
 * contexts.json}, as {@code zed context}; the current one is used by every client command given no {@code
 * --endpoint}.
 */
@Command(
        name = "context",
        mixinStandardHelpOptions = true,
        description = "Save named connections to servers; the current one is used when no --endpoint is given.",
        subcommands = {
            ContextCommand.Set.class,
            ContextCommand.ListContexts.class,
            ContextCommand.Use.class,
            ContextCommand.Remove.class
        },
        footer = {
            "%nExample:",
            "  kith context set dev localhost:50051 devkey --insecure && kith permission check document:a view user:b"
        })
final class ContextCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing a command: set, list, use or remove");
    }

    /** The shape of the context commands: load the file, act, print; errors in one line, exit status 1. */
    abstract static class ContextAction implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--config-dir",
                paramLabel = "DIR",
                defaultValue = "${env:KITH_CONFIG_DIR}",
                description = "Where contexts are saved (env KITH_CONFIG_DIR; default ~/.config/kith).")
        String configDir;

        @Override
        public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                Path dir = Contexts.directory(configDir);
                return run(Contexts.load(dir), out);
            } catch (KithException | UncheckedIOException e) {
                err.println("kith: " + e.getMessage());
                return Main.INPUT_ERROR;
            } finally {
                out.flush();
                err.flush();
            }
        }

        abstract int run(Contexts contexts, PrintWriter out);
    }

    /** {@code kith context set NAME ENDPOINT TOKEN}. */
    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = "Save (or replace) a context; the first one saved becomes the current one.",
            footer = {
                "%nExamples:",
                "  kith context set dev localhost:50051 devkey --insecure",
                "  kith context set prod kith.example.com:50051 \"$KEY\" --certificate-path ca.pem",
                "  kith context set web https://kith.example.com \"$KEY\""
            })
    static final class Set extends ContextAction {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "ENDPOINT", description = "host:port (gRPC) or http(s)://… (HTTP).")
        String endpoint;

        @Parameters(index = "2", paramLabel = "TOKEN", description = "The preshared key (\"\" for none).")
        String token;

        @Option(names = "--certificate-path", paramLabel = "PEM", description = "Trust this CA certificate.")
        Path certificatePath;

        @Option(names = "--insecure", description = "Plaintext gRPC (no TLS).")
        boolean insecure;

        @Override
        int run(Contexts contexts, PrintWriter out) {
            try {
                Endpoint.parse(endpoint);
            } catch (IllegalArgumentException e) {
                throw new KithException.InvalidArgument("ENDPOINT", e.getMessage());
            }
            if (name.isBlank()) throw new KithException.InvalidArgument("NAME", "must not be empty");
            String cert = certificatePath == null
                    ? null
                    : certificatePath.toAbsolutePath().toString();
            contexts.put(name, new Contexts.Context(endpoint, token.isEmpty() ? null : token, cert, insecure));
            contexts.save();
            out.println("saved context `" + name + "`" + (name.equals(contexts.currentName()) ? " (current)" : "")
                    + " in " + contexts.file());
            return Main.OK;
        }
    }

    /** {@code kith context list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the saved contexts; the current one is marked with *. Tokens are shown redacted.",
            footer = {"%nExample:", "  kith context list --reveal-tokens"})
    static final class ListContexts extends ContextAction {
        @Option(names = "--reveal-tokens", description = "Show the tokens in full.")
        boolean reveal;

        @Override
        int run(Contexts contexts, PrintWriter out) {
            String current = contexts.currentName();
            for (Map.Entry<String, Contexts.Context> e : contexts.all().entrySet()) {
                Contexts.Context c = e.getValue();
                StringBuilder line = new StringBuilder(e.getKey().equals(current) ? "* " : "  ")
                        .append(e.getKey())
                        .append("  ")
                        .append(c.endpoint())
                        .append("  token ")
                        .append(c.token() == null ? "(none)" : reveal ? c.token() : redact(c.token()));
                if (c.insecure()) line.append("  insecure");
                if (c.certificatePath() != null) line.append("  ca ").append(c.certificatePath());
                out.println(line);
            }
            if (contexts.all().isEmpty()) out.println("no contexts saved (kith context set NAME ENDPOINT TOKEN)");
            return Main.OK;
        }

        private static String redact(String token) {
            return token.length() <= 8 ? "****" : token.substring(0, 4) + "****";
        }
    }

    /** {@code kith context use NAME}. */
    @Command(
            name = "use",
            mixinStandardHelpOptions = true,
            description = "Make NAME the current context.",
            footer = {"%nExample:", "  kith context use prod"})
    static final class Use extends ContextAction {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Contexts contexts, PrintWriter out) {
            if (!contexts.use(name)) {
                throw new KithException.InvalidArgument(
                        "NAME", "no context named `" + name + "` (see `kith context list`)");
            }
            contexts.save();
            out.println("current context: " + name);
            return Main.OK;
        }
    }

    /** {@code kith context remove NAME}. */
    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Remove the context NAME (removing the current one leaves none current).",
            footer = {"%nExample:", "  kith context remove dev"})
    static final class Remove extends ContextAction {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Contexts contexts, PrintWriter out) {
            if (!contexts.remove(name)) {
                throw new KithException.InvalidArgument(
                        "NAME", "no context named `" + name + "` (see `kith context list`)");
            }
            contexts.save();
            out.println("removed context `" + name + "`");
            return Main.OK;
        }
    }
}
