package dev.courier.auth.web;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * A string field that accepts only a JSON string. Jackson would otherwise turn {@code 12345678} or
 * {@code true} into text, and a wrong type must be a 400 naming the field.
 */
public final class StrictString extends StdScalarDeserializer<String> {

    public StrictString() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        return (String) ctxt.handleUnexpectedToken(String.class, p);
    }
}
