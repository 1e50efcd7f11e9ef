package dev.kith.junit;

import dev.kith.client.Kith;
import dev.kith.embedded.EmbeddedKith;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.KithException;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.runtime.Engines;
import dev.kith.validation.ValidationFile;
import dev.kith.validation.ValidationFileException;
import dev.kith.validation.ValidationFiles;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link KithSchema}: starts the embedded kith of a class (before all its tests) or of a test
 * (before it), loads the validation file into it, injects the client, and closes it after. Registered by the
 * annotation; not used on its own.
 */
public final class KithExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KithExtension.class);
    private static final String KEY = "kith";

    /** Relationships per write while loading a file. */
    private static final int BATCH = 500;

    /** Found by JUnit. */
    public KithExtension() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        KithSchema a = context.getRequiredTestClass().getAnnotation(KithSchema.class);
        if (a == null || a.lifecycle() != KithSchema.Lifecycle.PER_CLASS) return;
        Running k = start(context.getRequiredTestClass(), a.value());
        context.getStore(NS).put(KEY, k);
        inject(context.getRequiredTestClass(), null, k.kith, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        KithSchema onMethod = context.getRequiredTestMethod().getAnnotation(KithSchema.class);
        KithSchema onClass = context.getRequiredTestClass().getAnnotation(KithSchema.class);
        Running k;
        if (onMethod != null || (onClass != null && onClass.lifecycle() == KithSchema.Lifecycle.PER_METHOD)) {
            KithSchema a = onMethod != null ? onMethod : onClass;
            k = start(context.getRequiredTestClass(), a.value());
            context.getStore(NS).put(KEY, k);
        } else {
            k = running(context);
        }
        if (k == null) return;
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            inject(instance.getClass(), instance, k.kith, false);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Running k = context.getStore(NS).remove(KEY, Running.class);
        if (k != null) k.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Running k = context.getStore(NS).remove(KEY, Running.class);
        if (k != null) k.close();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Kith.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Running k = running(context);
        if (k == null) {
            throw new ExtensionConfigurationException("no kith for " + context.getDisplayName()
                    + ": annotate the class or the test with @KithSchema (a per-test kith is not started yet"
                    + " when the test class's constructor runs: take it in a field or a test's parameter)");
        }
        return k.kith;
    }

    /** The kith of this test, or of its class, or of an enclosing class. */
    private static Running running(ExtensionContext context) {
        return nearest(context, NS, KEY, Running.class);
    }

    /** The value stored under {@code key} for this test, or its class, or an enclosing class; null if none. */
    static <T> T nearest(ExtensionContext context, ExtensionContext.Namespace ns, String key, Class<T> type) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            T value = c.getStore(ns).get(key, type);
            if (value != null) return value;
        }
        return null;
    }

    private static void inject(Class<?> type, Object instance, Kith kith, boolean statics) {
        inject(type, instance, Kith.class, kith, statics);
    }

    /** Sets every non-final field of type {@code kind} (static ones when {@code statics}) to {@code value}. */
    static void inject(Class<?> type, Object instance, Class<?> kind, Object value, boolean statics) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (f.getType() != kind || Modifier.isFinal(mod) || Modifier.isStatic(mod) != statics) continue;
                if (!statics && instance == null) continue;
                try {
                    f.setAccessible(true);
                    f.set(statics ? null : instance, value);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new ExtensionConfigurationException(
                            "cannot set the field " + c.getSimpleName() + "." + f.getName() + " to the kith "
                                    + kind.getSimpleName(),
                            e);
                }
            }
        }
    }

    /** A new embedded kith loaded from the validation file {@code resource} of {@code testClass}'s class path. */
    static Running start(Class<?> testClass, String resource) {
        Engine engine = engine(testClass, resource, "@KithSchema");
        return new Running(engine, EmbeddedKith.over(engine));
    }

    /**
     * A new in-memory engine loaded from the validation file {@code resource} of {@code testClass}'s class path;
     * errors name {@code annotation} and the file.
     */
    static Engine engine(Class<?> testClass, String resource, String annotation) {
        ValidationFile file = load(testClass, resource, annotation);
        if (file.schema() == null) {
            throw new ExtensionConfigurationException(
                    annotation + "(\"" + resource + "\"): the file has no schema (a `schema` or `schemaFile` key)");
        }
        Engine engine = Engines.inMemory(EngineOptions.defaults());
        try {
            engine.writeSchema(file.schema().text());
            List<RelationshipUpdate> batch = new ArrayList<>(BATCH);
            for (ValidationFile.RelationshipLine line : file.relationships()) {
                batch.add(RelationshipUpdate.touch(line.relationship()));
                if (batch.size() == BATCH) {
                    engine.write(new Requests.Write(batch, List.of()));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) engine.write(new Requests.Write(batch, List.of()));
        } catch (KithException e) {
            engine.close();
            throw new ExtensionConfigurationException(
                    annotation + "(\"" + resource + "\"): kith refused the file: " + e.getMessage(), e);
        }
        return engine;
    }

    /** Reads the validation file: next to {@code testClass} first, then at the root of its class path. */
    static ValidationFile load(Class<?> testClass, String resource, String annotation) {
        URL url = testClass.getResource(resource);
        if (url == null && !resource.startsWith("/"))
            url = testClass.getClassLoader().getResource(resource);
        if (url == null) {
            throw new ExtensionConfigurationException(annotation + "(\"" + resource
                    + "\"): no such resource on the test class path (looked next to " + testClass.getName()
                    + " and at the root)");
        }
        try {
            if (url.getProtocol().equals("file")) return ValidationFiles.load(Path.of(url.toURI()));
            try (InputStream in = url.openStream()) {
                return ValidationFiles.parse(
                        Path.of(resource.startsWith("/") ? resource.substring(1) : resource),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (ValidationFileException e) {
            throw new ExtensionConfigurationException(annotation + "(\"" + resource + "\"): " + e.getMessage(), e);
        } catch (IOException | URISyntaxException e) {
            throw new ExtensionConfigurationException(
                    annotation + "(\"" + resource + "\"): cannot read " + url + ": " + e.getMessage(), e);
        }
    }

    /** An embedded kith and its engine, closed together. */
    record Running(Engine engine, Kith kith) implements AutoCloseable {
        @Override
        public void close() {
            kith.close();
            engine.close();
        }
    }
}
