package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heap watermark with the JVM's real measurements: a server in a forked JVM with a 64 MiB heap takes writes of
 * new relationships until it sheds them, and never runs out of memory; reads go on answering. Once with the serial
 * collector (what a small container gets by default) and once with G1. (Whether it still sheds when the metrics are
 * read depends on the collections in between: G1's young collections count old garbage as live until a mixed one
 * frees it, and the hysteresis then clears the state, as it should.)
 */
class HeapWatermarkForkTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseSerialGC", "-XX:+UseG1GC"})
    void aSmallHeapShedsWritesBeforeItRunsOutAndKeepsAnsweringReads(String collector) throws Exception {
        Path out = dir.resolve("out.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx64m",
                        collector,
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        System.getProperty("java.class.path"),
                        HeapWatermarkMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        boolean exited = p.waitFor(90, TimeUnit.SECONDS);
        if (!exited) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String output = read(out);
        assertThat(exited).as("the forked server finished in 90 s:\n" + output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output)
                .doesNotContain("OutOfMemoryError")
                .contains("SHEDDING after")
                .contains("the server's memory is above its watermark (live heap")
                .contains("CHECK 200")
                .contains("PERMISSIONSHIP_HAS_PERMISSION")
                .contains("HEALTHZ 200")
                .contains("METRIC kith_heap_live_ratio")
                .contains("METRIC kith_writes_refused_total{reason=\"heap\"} 1.0");
    }

    private static String read(Path out) throws IOException {
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }
}
