package dev.kith.client;

/**
 * Opens {@link Kith} clients for one URL scheme other than {@code grpc} and {@code grpcs}, found by {@link
 * java.util.ServiceLoader} when {@link Kith#connect} is given a target of that scheme: the {@code kith-embedded}
 * module provides {@code embedded:}.
 */
public interface KithProvider {
    /**
     * The scheme served, without the colon (as {@code embedded}).
     *
     * @return the scheme served, without the colon (as {@code embedded})
     */
    String scheme();

    /**
     * A client for {@code config}, whose target has this provider's scheme.
     *
     * @param config the target and settings
     * @return a client for {@code config}, whose target has this provider's scheme
     */
    Kith open(KithConfig config);
}
