package dev.kith.cli;

import dev.kith.engine.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code kith serve} as a child process of the test JVM, on the test classpath, its output in a log file: for the
 * tests that need a real process (signals, environment variables, kill -9, several nodes).
 */
public final class ServeProcess {
    /** The JSON body of a check of {@code type:id#permission@subjectType:subjectId}. */
    static String checkJson(String type, String id, String permission, String subjectType, String subjectId) {
        return String.format(
                "{\"resource\":{\"objectType\":\"%s\",\"objectId\":\"%s\"},"
                        + "\"permission\":\"%s\",\"subject\":{\"object\":{\"objectType\":\"%s\",\"objectId\":\"%s\"}}}",
                type, id, permission, subjectType, subjectId);
    }

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServeProcess() {}

    /**
     * Writes {@code DIR/boot.yaml}, a validation file for {@code --bootstrap}: users, documents with a viewer
     * relation and a view permission, and {@code document:readme#viewer@user:ann}.
     */
    public static Path bootstrapFile(Path dir) throws IOException {
        Path bootstrap = dir.resolve("boot.yaml");
        Files.writeString(bootstrap, """
                schema: |-
                  definition user {}
                  definition document {
                      relation viewer: user
                      permission view = viewer
                  }
                relationships: |-
                  document:readme#viewer@user:ann
                """);
        return bootstrap;
    }

    /** A port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts {@code kith serve ARGS} with {@code environment} added to this JVM's, output to {@code log}, and waits
     * (at most 60 s) until {@code http://127.0.0.1:PORT READY_PATH} answers 200; fails the test with the log if the
     * process exits or does not get there.
     */
    public static Process start(
            int port, Path log, Map<String, String> environment, String readyPath, List<String> serveArgs)
            throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command =
                new ArrayList<>(List.of(java, "-Xmx256m", "-cp", classpath, Main.class.getName(), "serve"));
        command.addAll(serveArgs);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        // any free gRPC port unless the test chose one: the default (50051) may be taken on a shared machine
        builder.environment().putIfAbsent("KITH_GRPC_PORT", "0");
        Process process = builder.start();
        try {
            Await.until(
                    "kith serve to answer 200 on " + readyPath,
                    () -> {
                        try {
                            int status = HTTP.send(
                                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + readyPath))
                                                    .timeout(Duration.ofSeconds(5))
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode();
                            if (status == 200) return true;
                        } catch (IOException e) {
                            // Not listening yet.
                        }
                        if (!process.isAlive()) throw new AssertionError("kith serve exited");
                        return false;
                    },
                    Duration.ofSeconds(60));
            return process;
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw new AssertionError("kith serve did not start (" + e.getMessage() + "):\n" + Files.readString(log), e);
        }
    }
}
