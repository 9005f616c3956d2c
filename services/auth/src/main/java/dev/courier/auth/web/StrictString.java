package dev.courier.auth.web;

import dev.courier.platform.http.StrictText;

/**
 * A string field that accepts only a JSON string of valid text. Every String the platform's mapper
 * reads is already checked so ({@link StrictText}); the annotations that name this class stay valid.
 */
public final class StrictString extends StrictText {
}
