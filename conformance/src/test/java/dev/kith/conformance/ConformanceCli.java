package dev.kith.conformance;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Test helpers that run the {@code kith-conformance} command line in-process and write its input files. */
final class ConformanceCli {
    private ConformanceCli() {}

    /** One run: the exit status and everything printed on standard output and standard error. */
    record Run(int status, String out, String err) {}

    /** Runs {@code kith-conformance args…} in this process. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine kith = ConformanceMain.commandLine();
        kith.setOut(new PrintWriter(out, true));
        kith.setErr(new PrintWriter(err, true));
        int status = kith.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    /** Writes {@code text} to {@code dir/name} and returns the file. */
    static Path file(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
