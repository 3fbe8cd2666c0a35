package io.trinity.pool.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;

/**
 * Jetty's answer to a request it refuses before any route runs (a URI that is not a valid path, a
 * URI too long, headers too large), in the API's error format: {@code {"error": ..., "field": ...}}
 * as JSON, never Jetty's HTML page. Errors of the routes themselves are {@link Errors}'s.
 */
final class JsonErrorHandler extends ErrorHandler {

    private final ObjectMapper mapper;

    JsonErrorHandler(ObjectMapper mapper) {
        this.mapper = mapper;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true; // every method gets the JSON body, not only GET, POST and HEAD
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String reason = cause != null && cause.getMessage() != null ? cause.getMessage() : message;
        byte[] body = mapper.writeValueAsBytes(error(code, reason, badUri(request)).body());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Whether the request's path is at fault: a bad %-escape, an encoded control character, '..' above the root. */
    private static boolean badUri(Request request) {
        try {
            HttpURI uri = request.getHttpURI();
            if (uri == null || uri.getPath() == null) {
                return false;
            }
            if (uri.hasViolations() || uri.isAmbiguous()) {
                return true;
            }
            String decoded = URIUtil.decodePath(uri.getPath());
            return decoded.chars().anyMatch(Character::isISOControl) || URIUtil.canonicalPath(decoded) == null;
        } catch (RuntimeException e) { // a path Jetty cannot even decode
            return true;
        }
    }

    /** What was wrong, from the status and Jetty's reason, and what to do about it. */
    static ApiError error(int code, String reason, boolean badUri) {
        String why = reason == null || reason.isBlank() ? "" : " (" + Views.quote(reason) + ")";
        return switch (code) {
            case 400 -> badUri || isAboutTheUri(reason)
                    ? ApiError.badRequest("path", "the request's path is not a valid URI path" + why + ": a bad"
                            + " %-escape, an encoded control character or separator, or '..' climbing above the root;"
                            + " send the path of a route listed in /v1/openapi.json, %-encoding ids as UTF-8")
                    // the parser refused the request line or a header before a URI was known: say what it most often is
                    : ApiError.badRequest("request", "the request line or headers could not be read" + why + "; most"
                            + " often the path is not a valid URI path (a bad %-escape such as %ZZ, an encoded control"
                            + " character such as %00, or '..' climbing above the root): send the path of a route"
                            + " listed in /v1/openapi.json, %-encoding ids as UTF-8");
            case 414 -> new ApiError(414, "the request's URI is longer than the server takes" + why + "; send a"
                    + " shorter path and query, and large data in a POST body", null);
            case 431 -> new ApiError(431, "the request's header fields are larger than the server takes" + why
                    + "; send fewer or shorter headers (an API key is a short token)", null);
            default -> new ApiError(code, "the server refused the request with HTTP " + code + why
                    + " before any route ran", null);
        };
    }

    private static boolean isAboutTheUri(String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        return r.contains("uri") || r.contains("path") || r.contains("segment") || r.contains("encoding");
    }
}
