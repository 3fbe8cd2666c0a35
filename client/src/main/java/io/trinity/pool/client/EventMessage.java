package io.trinity.pool.client;

import java.util.Map;

/**
 * One event of {@code GET /v1/events}: an event-log object (docs/events.md).
 *
 * @param id     its sequence number; resume after it with {@link PoolClient#events(long)}
 * @param ev     the event name, such as {@code task.end}
 * @param t      milliseconds since the pool started
 * @param fields every field of the object, {@code t} and {@code ev} included
 * @param json   the object as the server sent it
 */
public record EventMessage(long id, String ev, long t, Map<String, Object> fields, String json) {
}
