package dev.kith.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts an embedded kith loaded from a SpiceDB validation file (its {@code schema} or {@code schemaFile} and its
 * {@code relationships}) and hands its {@link dev.kith.client.Kith} client to the test: as a parameter of type
 * {@code Kith} of a test, lifecycle or constructor method, and in every non-final field of type {@code Kith} of the
 * test class (a static one too, for {@code @BeforeAll} methods, when the lifecycle is per class).
 *
 * <pre>{@code
 * @KithSchema("authz.yaml")
 * class DocumentPolicyTest {
 *     Kith kith;
 *
 *     @Test
 *     void ownersMayEdit() {
 *         KithAssertions.assertThat(kith).allows("user:alice", "edit", "document:plan");
 *     }
 * }
 * }</pre>
 *
 * <p>The file is a resource of the test class path: a name without a leading {@code /} is looked up next to the
 * test class first, then at the root. On a test method, the annotation gives that test a kith of its own.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(KithExtension.class)
public @interface KithSchema {
    /**
     * The validation file, a resource of the test class path (as {@code authz.yaml}).
     *
     * @return the validation file, a resource of the test class path (as {@code authz.yaml})
     */
    String value();

    /**
     * Whether the tests of a class share one kith ({@link Lifecycle#PER_CLASS}, the default) or each gets one.
     *
     * @return whether the tests of a class share one kith ({@link Lifecycle#PER_CLASS}, the default) or each gets one
     */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** How long one embedded kith lives. */
    enum Lifecycle {
        /** One kith for every test of the class: what one test writes, the next ones see. */
        PER_CLASS,
        /** A fresh kith, loaded from the file, for each test. */
        PER_METHOD
    }
}
