package dev.kith.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a real kith server for the test class: the same HTTP and gRPC server as {@code kith serve}, in the test's
 * own process on random loopback ports, over an in-memory store loaded from a SpiceDB validation file. It hands the
 * tests a {@link dev.kith.client.Kith} client connected to it over gRPC and the server's {@link KithEndpoints} (to
 * configure the application under test), and stops the server after the class's last test.
 *
 * <pre>{@code
 * @KithServer("authz.yaml")
 * class DocumentServiceIT {
 *     static KithEndpoints kithServer;                      // injected before @BeforeAll methods
 *     Kith kith;                                            // a gRPC client of that server
 *
 *     @Test
 *     void ownersMayEdit() {
 *         KithAssertions.assertThat(kith).allows("user:alice", "edit", "document:plan");
 *     }
 * }
 * }</pre>
 *
 * <p>Needs no Docker and no network beyond loopback. The server requires the preshared key of {@link
 * KithEndpoints#presharedKey()} on every call. The file is found as {@link KithSchema}'s is.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(KithServerExtension.class)
public @interface KithServer {
    /**
     * The validation file, a resource of the test class path (as {@code authz.yaml}).
     *
     * @return the validation file, a resource of the test class path (as {@code authz.yaml})
     */
    String value();
}
