package io.trinity.pool.server;

import io.trinity.pool.Attachment;
import io.trinity.pool.DeadLetter;
import io.trinity.pool.Payload;
import io.trinity.pool.TaskFailedException;
import io.trinity.pool.TaskHandle;
import io.trinity.pool.TaskState;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The JSON shapes of the API's answers, as ordered maps Jackson writes as they are. */
final class Views {

    private Views() {
    }

    /**
     * {@code {"id","type","tenant","state","attempts","submittedAt","startedAt","endedAt","result","error","reasons"}},
     * with the pool's texts as {@code viewer} may read them ({@link Redaction}).
     */
    static Map<String, Object> task(TaskIndex.Tracked t, Instant startedAt, Instant endedAt, Principal viewer,
                                    Redaction redaction) {
        TaskHandle h = t.handle;
        TaskState state = h.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", String.valueOf(h.id()));
        m.put("type", h.task().type());
        m.put("tenant", t.tenant);
        m.put("state", state.name());
        m.put("attempts", h.attempts());
        m.put("priority", h.task().priority());
        m.put("submittedAt", iso(t.submittedAt));
        m.put("startedAt", iso(startedAt));
        m.put("endedAt", state.isFinal() ? iso(endedAt) : null);
        CompletableFuture<Payload> f = h.result();
        Object result = null;
        String error = null;
        if (f.isDone()) {
            if (f.state() == java.util.concurrent.Future.State.SUCCESS) {
                result = payload(f.resultNow());
            } else if (f.state() == java.util.concurrent.Future.State.FAILED) {
                Throwable e = f.exceptionNow();
                error = e instanceof TaskFailedException ? e.getMessage() : "task ended " + state;
            } else {
                error = "task ended " + state;
            }
        }
        m.put("result", result);
        m.put("error", redaction.forViewer(error, viewer));
        m.put("reasons", redaction.forViewer(h.failureReasons(), viewer));
        return m;
    }

    /** The handle's id and state: the answer to a submit. */
    static Map<String, Object> accepted(TaskHandle h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", String.valueOf(h.id()));
        TaskState s = h.state();
        m.put("state", s.name());
        return m;
    }

    /** A payload's data, with its attachments (if any) under {@code attachments} as base64. */
    static Map<String, Object> payload(Payload p) {
        if (p.attachments().isEmpty()) {
            return p.data();
        }
        Map<String, Object> m = new LinkedHashMap<>(p.data());
        Map<String, Object> att = new LinkedHashMap<>();
        for (Map.Entry<String, Attachment> e : p.attachments().entrySet()) {
            att.put(e.getKey(), Map.of("mediaType", e.getValue().mediaType(), "size", e.getValue().size(),
                    "base64", Base64.getEncoder().encodeToString(e.getValue().bytes())));
        }
        m.put("attachments", att);
        return m;
    }

    static Map<String, Object> deadLetter(DeadLetter d, PoolTime time) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", String.valueOf(d.taskId()));
        m.put("type", d.task().type());
        m.put("tenant", d.task().tenant());
        m.put("attempts", d.attempts());
        m.put("reasons", d.reasons());
        m.put("deadLetteredAt", iso(time.at(d.nanos())));
        return m;
    }

    static String iso(Instant i) {
        return i == null ? null : i.toString();
    }

    /** A client value for an error message: quoted, short, without control characters. */
    static String quote(Object value) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.append(s.length() > 80 ? "...'" : "'").toString();
    }
}
