package dev.courier.platform.http;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * Every {@code String} read from JSON: only a JSON string is accepted (Jackson would turn
 * {@code 12345} or {@code true} into text), and only valid text: no NUL (PostgreSQL cannot store it
 * and answers with an error) and no unpaired UTF-16 surrogate (which would be stored as "?"). Either
 * fails the mapping, so {@link Bodies} answers 400 naming the field.
 */
public class StrictText extends StdScalarDeserializer<String> {

    public StrictText() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return (String) ctxt.handleUnexpectedToken(String.class, p);
        }
        String text = p.getText();
        String problem = problem(text);
        if (problem != null) {
            return (String) ctxt.handleWeirdStringValue(String.class, text, problem);
        }
        return text;
    }

    /** What is wrong with this text, or null when it is valid. */
    public static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "contains a NUL character";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate";
            }
        }
        return null;
    }
}
