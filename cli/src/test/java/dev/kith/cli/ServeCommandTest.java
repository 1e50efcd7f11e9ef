package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.EngineOptions;
import dev.kith.engine.index.MemoryDatastore;
import dev.kith.storage.postgres.PostgresDatastore;
import dev.kith.storage.postgres.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kith serve}'s settings: flags, defaults and durations (the server itself is tested over HTTP). */
class ServeCommandTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @TempDir
    Path tmp;

    private static ServeCommand parse(String... args) {
        ServeCommand c = new ServeCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws Exception {
        ServeCommand c = parse();
        assertThat(c.port).isEqualTo(8443);
        assertThat(c.datastore).isEqualTo("memory");
        assertThat(c.depthLimit).isEqualTo(50);
        assertThat(c.gcWindow).as("unset: the datastore decides").isNull();
        var config = c.config();
        assertThat(config.presharedKeys()).isEmpty();
        assertThat(config.limits().maxBodyBytes()).isEqualTo(4L << 20);
        assertThat(config.limits().maxUpdatesPerWrite()).isEqualTo(1000);
        assertThat(config.limits().maxCheckBulkItems()).isEqualTo(1000);
    }

    @Test
    void theMemoryLimitsHaveTheDocumentedDefaultsAndFlags() throws Exception {
        var defaults = parse().config().limits();
        assertThat(defaults.maxInFlightBytes()).isEqualTo(256L << 20);
        assertThat(defaults.maxWatches()).isEqualTo(1000);
        assertThat(defaults.watchBufferBytes()).isEqualTo(1L << 20);
        assertThat(defaults.heapWatermark()).isEqualTo(0.85);
        assertThat(defaults.watchStallTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
        var given = parse(
                        "--max-in-flight-bytes", "1000000",
                        "--max-watches", "7",
                        "--watch-buffer-bytes", "65536",
                        "--watch-stall-timeout", "2500ms",
                        "--heap-watermark", "0.7")
                .config()
                .limits();
        assertThat(given.maxInFlightBytes()).isEqualTo(1_000_000);
        assertThat(given.maxWatches()).isEqualTo(7);
        assertThat(given.watchBufferBytes()).isEqualTo(65536);
        assertThat(given.heapWatermark()).isEqualTo(0.7);
        assertThat(given.watchStallTimeout()).isEqualTo(java.time.Duration.ofMillis(2500));

        var err = new java.io.StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err));
        assertThat(cl.execute("serve", "--port", "0", "--heap-watermark", "1.5"))
                .isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("kith serve: --heap-watermark must be above 0 and at most 1 (a share of the maximum heap,"
                        + " such as 0.85), not 1.5");
    }

    @Test
    void theGcWindowFollowsTheDatastoreUnlessGiven() {
        try (MemoryDatastore memory = new MemoryDatastore(Clock.systemUTC())) {
            assertThat(parse().forStore(EngineOptions.defaults(), memory).gcWindow())
                    .isEqualTo(Duration.ofHours(1));
            assertThat(parse("--gc-window", "10m")
                            .forStore(EngineOptions.defaults(), memory)
                            .gcWindow())
                    .isEqualTo(Duration.ofMinutes(10));
        }
        try (PostgresDatastore postgres = PostgresDatastore.open(DB.newDatabase("gc_window"))) {
            assertThat(parse().forStore(EngineOptions.defaults(), postgres).gcWindow())
                    .isEqualTo(Duration.ofHours(24));
            assertThat(parse("--gc-window", "2h")
                            .forStore(EngineOptions.defaults(), postgres)
                            .gcWindow())
                    .isEqualTo(Duration.ofHours(2));
        }
    }

    @Test
    void keysComeFromRepeatedFlagsAndAFile() throws Exception {
        Path keys = tmp.resolve("keys");
        Files.writeString(keys, "from-file-1\n\nfrom-file-2\n");
        ServeCommand c = parse(
                "--preshared-key", "a", "--preshared-key", "b", "--preshared-key-file", keys.toString(), "--port", "0");
        assertThat(c.config().presharedKeys()).isEqualTo(List.of("a", "b", "from-file-1", "from-file-2"));
    }

    @Test
    void durationsReadGoStyleAndIso() {
        assertThat(DurationConverter.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationConverter.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> DurationConverter.parse("soon"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'soon'");
        assertThatThrownBy(() -> DurationConverter.parse("5 m"))
                .isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void anUnknownDatastoreIsAClearErrorAndExitsOne() {
        var err = new java.io.StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err));
        int code = cl.execute("serve", "--datastore", "mysql://x:secret@h/db", "--port", "0");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .contains("neither 'memory' nor a postgres:// URL")
                .doesNotContain("secret");
    }

    @Test
    void aPortInUseOrAMissingTlsFileIsOneLineAndExitsOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var err = new java.io.StringWriter();
            var cl = Main.commandLine();
            cl.setErr(new java.io.PrintWriter(err));
            int code = cl.execute(
                    "serve",
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(taken.getLocalPort()),
                    "--grpc-port",
                    "0");
            assertThat(code).isEqualTo(1);
            assertThat(err.toString())
                    .startsWith("kith serve: cannot start: ")
                    .contains("127.0.0.1:" + taken.getLocalPort() + " is already in use")
                    .doesNotContain("\tat ");
            assertThat(err.toString().strip().lines()).hasSize(1);
        }
        var err = new java.io.StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err));
        int code = cl.execute(
                "serve",
                "--port",
                "0",
                "--grpc-port",
                "0",
                "--tls-cert",
                tmp.resolve("missing.pem").toString(),
                "--tls-key",
                tmp.resolve("missing.key").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("kith serve: cannot start: ").doesNotContain("\tat ");
    }
}
