package dev.kith.cli.remote;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * The named contexts of the user (as {@code zed context} keeps them): for each name an endpoint, a token, a CA
 * certificate and whether gRPC is plaintext, and which one is current. They live in {@code contexts.json} in the
 * configuration directory, written with owner-only permissions because it holds tokens.
 */
public final class Contexts {
    /** The file's name in the configuration directory. */
    public static final String FILE_NAME = "contexts.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /**
     * One saved context.
     *
     * @param endpoint {@code host:port} or an {@code http(s)://} URL
     * @param token the bearer token, or null
     * @param certificatePath a PEM CA certificate to trust, or null
     * @param insecure plaintext gRPC
     */
    public record Context(String endpoint, String token, String certificatePath, boolean insecure) {}

    /** What the file holds. */
    record Saved(String current, Map<String, Context> contexts) {}

    private final Path file;
    private String current;
    private final TreeMap<String, Context> contexts;

    private Contexts(Path file, String current, Map<String, Context> contexts) {
        this.file = file;
        this.current = current;
        this.contexts = new TreeMap<>(contexts);
    }

    /**
     * The configuration directory: {@code configDir} if given ({@code --config-dir} or {@code KITH_CONFIG_DIR}),
     * otherwise {@code $XDG_CONFIG_HOME/kith} or {@code ~/.config/kith}.
     */
    public static Path directory(String configDir) {
        if (configDir != null && !configDir.isBlank()) return Path.of(configDir);
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("kith");
    }

    /** Loads the contexts of {@code directory}; none saved yet is an empty set. */
    public static Contexts load(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        try {
            Saved saved = JSON.readValue(Files.readAllBytes(file), Saved.class);
            return new Contexts(file, saved.current(), saved.contexts() == null ? Map.of() : saved.contexts());
        } catch (NoSuchFileException e) {
            return new Contexts(file, null, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file the contexts are saved in. */
    public Path file() {
        return file;
    }

    /** The contexts by name, in name order. */
    public Map<String, Context> all() {
        return java.util.Collections.unmodifiableMap(contexts);
    }

    /** The name of the current context, or null. */
    public String currentName() {
        return current != null && contexts.containsKey(current) ? current : null;
    }

    /** The current context, or null. */
    public Context current() {
        String name = currentName();
        return name == null ? null : contexts.get(name);
    }

    /** Adds or replaces {@code name}; the first context saved becomes the current one. */
    public void put(String name, Context context) {
        contexts.put(name, context);
        if (currentName() == null) current = name;
    }

    /** Makes {@code name} current; false when there is no such context. */
    public boolean use(String name) {
        if (!contexts.containsKey(name)) return false;
        current = name;
        return true;
    }

    /** Removes {@code name} (no context is current after removing the current one); false when there was none. */
    public boolean remove(String name) {
        if (contexts.remove(name) == null) return false;
        if (name.equals(current)) current = null;
        return true;
    }

    /**
     * Writes the file: the directory is created owner-only if missing, and the file is written owner-only (0600) to a
     * temporary file first, then moved over the old one, so it is never seen half written or readable by others.
     */
    public void save() {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(
                            dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            Path tmp = posix
                    ? Files.createTempFile(
                            dir,
                            ".contexts",
                            ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, ".contexts", ".tmp");
            try {
                Files.write(tmp, JSON.writeValueAsBytes(new Saved(currentName(), contexts)));
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
