package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.schema.Diagnostic;
import dev.kith.schema.SourcePosition;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one diagnostics format of the {@code kith} command. */
class DiagnosticsTest {
    @TempDir
    Path dir;

    private final StringWriter text = new StringWriter();
    private final Diagnostics diagnostics = new Diagnostics(new PrintWriter(text, true));

    @Test
    void aSchemaDiagnosticIsFileLineColumnErrorThenTheLineAndACaret() {
        diagnostics.error(new Diagnostic(new SourcePosition("s.zed", 2, 7), "unknown type `x`", "\tfoo: x"));
        assertThat(text.toString()).isEqualTo("s.zed:2:7: error: unknown type `x`\n\tfoo: x\n\t     ^\n");
        assertThat(diagnostics.count()).isEqualTo(1);
    }

    @Test
    void aLineOfAFileIsReadFromTheFileWithTheCaretUnderWhatTheLineHolds() throws IOException {
        Path file = KithCli.file(dir, "f.yaml", "assertions:\n  assertTrue:\n    - doc:1#view@user:ann\n");
        diagnostics.error(file, 3, "expected HAS, found NO");
        diagnostics.error(file, 1, "bad key");
        assertThat(text.toString().split("\n", -1))
                .containsExactly(
                        file + ":3:7: error: expected HAS, found NO",
                        "    - doc:1#view@user:ann",
                        "      ^",
                        file + ":1:1: error: bad key",
                        "assertions:",
                        "^",
                        "");
        assertThat(diagnostics.count()).isEqualTo(2);
    }

    @Test
    void aProblemOfTheWholeFileIsOneLine() {
        diagnostics.error(dir.resolve("b.backup"), 0, "the file is truncated");
        assertThat(text.toString()).isEqualTo(dir.resolve("b.backup") + ": error: the file is truncated\n");
    }
}
