package dev.kith.examples.springdocs;

import dev.kith.client.ConsistencyTokens;
import dev.kith.client.Kith;
import dev.kith.spring.KithAccessDeniedHandler;
import dev.kith.spring.KithSecurity;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * The service's Spring configuration: HTTP basic login against the configured users, each route's kith check, and
 * the {@code kith} bean that {@code @PreAuthorize} expressions call.
 */
@Configuration
@EnableWebMvc
@EnableWebSecurity
@EnableMethodSecurity
@ComponentScan(basePackageClasses = DocsConfig.class)
class DocsConfig {
    /** The users who may log in, name to password, and the cost of their bcrypt hashes. */
    record Users(Map<String, String> passwords, int bcryptStrength) {}

    /**
     * Asks kith about the logged-in user ({@code user:<login name>}). One set of consistency tokens for the process:
     * every check reads at least as fresh as the last sharing change of its document, so a revoked user is refused
     * on their very next request.
     */
    @Bean
    KithSecurity kith(Kith kithClient) {
        return KithSecurity.builder(kithClient)
                .subjectType("user")
                .sharedTokens(new ConsistencyTokens())
                .build();
    }

    @Bean
    PasswordEncoder passwordEncoder(Users users) {
        return new BCryptPasswordEncoder(users.bcryptStrength());
    }

    @Bean
    UserDetailsService userDetailsService(Users users, PasswordEncoder encoder) {
        InMemoryUserDetailsManager manager = new InMemoryUserDetailsManager();
        users.passwords()
                .forEach((name, password) -> manager.createUser(User.withUsername(name)
                        .password(encoder.encode(password))
                        .roles("USER")
                        .build()));
        return manager;
    }

    @Bean
    SecurityFilterChain chain(HttpSecurity http, KithSecurity kith) throws Exception {
        http
                // a JSON API logged into with HTTP basic on every request: no session, no cookie, so no CSRF token
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(Customizer.withDefaults())
                .authorizeHttpRequests(a -> a.requestMatchers(HttpMethod.GET, "/documents/{id}")
                        .access(kith.require("document", "id", "view"))
                        .requestMatchers(HttpMethod.POST, "/documents/{id}/shares")
                        .access(kith.require("document", "id", "share"))
                        .requestMatchers(HttpMethod.DELETE, "/documents/{id}/shares/{kind}/{name}")
                        .access(kith.require("document", "id", "share"))
                        .requestMatchers(HttpMethod.POST, "/groups/{id}/members")
                        .access(kith.require("group", "id", "manage"))
                        // DELETE /documents/{id} is checked on the method, by @PreAuthorize
                        .anyRequest()
                        .authenticated())
                .exceptionHandling(e -> e.accessDeniedHandler(new KithAccessDeniedHandler()));
        return http.build();
    }
}
