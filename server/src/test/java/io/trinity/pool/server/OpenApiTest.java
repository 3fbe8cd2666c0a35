package io.trinity.pool.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** /v1/openapi.json documents exactly the routes the server registers, with their security. */
class OpenApiTest {

    @Test
    void theDocumentListsEveryRegisteredRouteAndNoOther() throws Exception {
        try (PoolServer server = TestServers.start(1, 10)) {
            Http.Answer a = new Http(server.url()).get("/v1/openapi.json", null);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.header("Content-Type")).startsWith("application/json");
            JsonNode doc = a.json();
            assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");

            Set<String> registered = new TreeSet<>();
            Set<String> publicRoutes = new HashSet<>();
            for (ParsedEndpoint p : server.app().unsafe.internalRouter.allHttpHandlers()) {
                HandlerType m = p.endpoint.method;
                if (m.isHttpMethod() && m != HandlerType.HEAD && m != HandlerType.OPTIONS) {
                    String route = m.name() + " " + p.endpoint.path;
                    registered.add(route);
                    if (p.endpoint.metadata(io.javalin.security.Roles.class) != null
                            && p.endpoint.metadata(io.javalin.security.Roles.class).getRoles().contains(Role.PUBLIC)) {
                        publicRoutes.add(route);
                    }
                }
            }
            Set<String> documented = new TreeSet<>();
            doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
                if (!op.getKey().equals("parameters")) {
                    documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }));
            assertThat(documented).isEqualTo(registered);
            assertThat(registered).contains("POST /v1/tasks", "GET /v1/events", "POST /v1/dead-letters/{id}/resubmit");

            doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
                if (op.getKey().equals("parameters")) {
                    return;
                }
                String route = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                JsonNode security = op.getValue().get("security");
                JsonNode responses = op.getValue().get("responses");
                if (publicRoutes.contains(route)) {
                    assertThat(security.isEmpty()).as(route + " is public").isTrue();
                } else {
                    assertThat(security.toString()).as(route).contains("bearer");
                    assertThat(responses.has("401")).as(route + " documents 401").isTrue();
                }
            }));
        }
    }

    @Test
    void everyReferenceResolves() throws Exception {
        JsonNode doc = Http.JSON.readTree(Routes.openApiDocument());
        Set<String> refs = new TreeSet<>();
        collect(doc, refs);
        for (String ref : refs) {
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }

    private static void collect(JsonNode n, Set<String> refs) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), refs);
                }
            });
        } else if (n.isArray()) {
            n.forEach(c -> collect(c, refs));
        }
    }
}
