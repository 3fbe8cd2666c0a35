package io.trinity.pool;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A task's input or result: plain JSON-like data plus named binary attachments. Immutable.
 * The data is copied on the way in by {@link PlainData}, so what an agent reads is what a JSON
 * hop would give it: whole numbers as {@code Long} (an {@code Integer} put in reads back as a
 * {@code Long}), fractions as {@code Double}, arrays and collections as lists.
 *
 * @param data        maps, lists, strings, numbers, booleans, null, at most
 *                    {@link PlainData#MAX_DEPTH} levels deep (see {@link PlainData})
 * @param attachments named binary parts, such as an image in or a thumbnail out
 */
public record Payload(Map<String, Object> data, Map<String, Attachment> attachments) {

    public static final Payload EMPTY = new Payload(Map.of(), Map.of());

    public Payload {
        data = PlainData.copyOf(data, "data");
        attachments = attachments == null ? Map.of() : Map.copyOf(attachments);
    }

    public static Payload of(Map<String, ?> data) {
        return new Payload(PlainData.copyOf(data, "data"), Map.of());
    }

    public static Payload of(Map<String, ?> data, Map<String, Attachment> attachments) {
        return new Payload(PlainData.copyOf(data, "data"), attachments);
    }

    /** A copy of this payload with one more attachment. */
    public Payload withAttachment(String name, Attachment attachment) {
        Objects.requireNonNull(name, "name");
        Map<String, Attachment> copy = new LinkedHashMap<>(attachments);
        copy.put(name, Objects.requireNonNull(attachment, "attachment"));
        return new Payload(data, copy);
    }

    public Optional<Object> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    public Optional<Attachment> attachment(String name) {
        return Optional.ofNullable(attachments.get(name));
    }
}
