package dev.courier.platform.http;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Reading and writing JSON bodies with errors that name the offending field. */
public final class Bodies {

    /** Bodies larger than this are refused before parsing. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private Bodies() {
    }

    public static <T> T read(ServerRequest req, Class<T> type) {
        // A form or text/plain body is what a cross-site page can send without a CORS preflight;
        // JSON bodies come labelled as JSON. (No Content-Type at all: a client that is not a browser.)
        req.headers().contentType().ifPresent(ct -> {
            String sub = ct.mediaType().subtype().toLowerCase(java.util.Locale.ROOT);
            if (!"application".equalsIgnoreCase(ct.mediaType().type()) || !(sub.equals("json") || sub.endsWith("+json"))) {
                throw new ProblemException(Problem.of(415, "Unsupported media type", "The body must be application/json."));
            }
        });
        byte[] bytes;
        // With a Content-Length, read exactly that (readNBytes(n) would start with a 16 KiB buffer
        // for every request, most of a send's allocation); without one, read up to the limit.
        long declared = req.headers().contentLength().orElse(-1L);
        if (declared > MAX_BODY_BYTES) {
            throw new ProblemException(Problem.of(413, "Payload too large", "The body exceeds " + MAX_BODY_BYTES + " bytes."));
        }
        try (InputStream in = req.content().inputStream()) {
            bytes = declared >= 0 ? in.readNBytes((int) declared) : in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            // Helidon reports broken framing (a chunk size that is not hex, a body shorter than its
            // Content-Length) as runtime exceptions: the client's fault, not a 500.
            throw ProblemException.badRequest("Could not read the request body.");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ProblemException(Problem.of(413, "Payload too large", "The body exceeds " + MAX_BODY_BYTES + " bytes."));
        }
        return parse(bytes, type);
    }

    /** Parses JSON, turning every mapping error into a 400 that names the field. */
    public static <T> T parse(byte[] bytes, Class<T> type) {
        if (bytes.length == 0) {
            throw ProblemException.badRequest("A JSON body is required.");
        }
        T value;
        try {
            value = Json.MAPPER.readValue(bytes, type);
        } catch (UnrecognizedPropertyException e) {
            throw ProblemException.badField(path(e), "Unknown field '" + e.getPropertyName() + "'.");
        } catch (JsonMappingException e) {
            String field = path(e);
            throw field.isEmpty()
                    ? ProblemException.badRequest("The body is not valid JSON of the expected shape.")
                    : ProblemException.badField(field, "Wrong type or value for '" + field + "'.");
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("The body is not valid JSON.");
        } catch (IOException e) {
            throw ProblemException.badRequest("Could not read the request body.");
        }
        if (value == null) {
            throw ProblemException.badRequest("A JSON body is required.");
        }
        return value;
    }

    public static void json(ServerResponse res, Object body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(body));
    }

    public static void json(ServerResponse res, Status status, Object body) {
        res.status(status);
        json(res, body);
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
