package dev.courier.platform.security;

import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.courier.platform.http.Json;

/**
 * The protocol a client speaks, when auth issued its access token through another system's API (a
 * seed's login): the claim {@value #CLAIM}. Messenger's socket speaks that protocol to a socket
 * opened with such a token. The claim only chooses the shape of frames; who the caller is and
 * whether the token is valid is always {@link TokenVerifier}'s answer.
 */
public final class TokenDialect {

    public static final String CLAIM = "dialect";
    /** Seed 003 (chat-server): tokens from its {@code PUT /login}. */
    public static final String CHAT_SERVER = "chat-server";

    private TokenDialect() {
    }

    /**
     * The claim of a token, read from its payload without verifying it: the answer chooses only
     * which protocol a refusal or a socket speaks, never whom to trust (see the class comment).
     */
    public static Optional<String> of(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", 3);
        if (parts.length < 3) {
            return Optional.empty();
        }
        try {
            JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims != null && claims.path(CLAIM).isTextual() ? Optional.of(claims.get(CLAIM).asText()) : Optional.empty();
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }
}
