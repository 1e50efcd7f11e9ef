package dev.kith.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Test helpers that run the {@code kith} command line (or another picocli command) in-process and write its input files. */
public final class KithCli {
    private KithCli() {}

    /** One run: the exit status and everything printed on standard output and standard error. */
    public record Run(int status, String out, String err) {}

    /** Runs {@code kith args…} in this process. */
    public static Run run(String... args) {
        return run(Main.commandLine(), args);
    }

    /** Runs {@code command args…} in this process. */
    public static Run run(CommandLine command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int status = command.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    /** Writes {@code text} to {@code dir/name} and returns the file. */
    public static Path file(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
