package dev.kith.spring;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Ends a refused request with a small JSON body: a {@link KithCheckException}'s status (503, 400, 500), else 403.
 * Install it with {@code http.exceptionHandling(e -> e.accessDeniedHandler(new KithAccessDeniedHandler()))}.
 */
public final class KithAccessDeniedHandler implements AccessDeniedHandler {
    /** The handler. */
    public KithAccessDeniedHandler() {}

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        if (response.isCommitted()) return;
        int status = e instanceof KithCheckException k ? k.status() : 403;
        String error = e instanceof KithCheckException k ? k.error() : "forbidden";
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter()
                .write("{\"error\":\"" + error + "\",\"message\":\"" + escape(String.valueOf(e.getMessage())) + "\"}");
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
