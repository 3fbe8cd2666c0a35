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

    /** No data and no attachments; the input of a task that sets none. */
    public static final Payload EMPTY = new Payload(Map.of(), Map.of());

    /**
     * Copies both maps, so the payload is immutable; null attachments become none.
     *
     * @param data maps with string keys, lists, strings, numbers, booleans and null (see {@link PlainData})
     * @param attachments named binary parts, or null for none
     * @throws IllegalArgumentException if the data holds anything else
     */
    public Payload {
        data = PlainData.copyOf(data, "data");
        attachments = attachments == null ? Map.of() : Map.copyOf(attachments);
    }

    /**
     * A payload of plain data without attachments.
     *
     * @param data maps with string keys, lists, strings, numbers, booleans and null, copied
     * @return the payload
     * @throws IllegalArgumentException if the data holds anything else (the message gives its path)
     */
    public static Payload of(Map<String, ?> data) {
        return new Payload(PlainData.copyOf(data, "data"), Map.of());
    }

    /**
     * A payload of plain data and attachments.
     *
     * @param data maps with string keys, lists, strings, numbers, booleans and null, copied
     * @param attachments named binary parts, copied; null for none
     * @return the payload
     * @throws IllegalArgumentException if the data holds anything else (the message gives its path)
     */
    public static Payload of(Map<String, ?> data, Map<String, Attachment> attachments) {
        return new Payload(PlainData.copyOf(data, "data"), attachments);
    }

    /**
     * A copy of this payload with one more attachment; this one is unchanged.
     *
     * @param name the attachment's name, not null; an attachment of this name is replaced
     * @param attachment the attachment, not null
     * @return the new payload
     */
    public Payload withAttachment(String name, Attachment attachment) {
        Objects.requireNonNull(name, "name");
        Map<String, Attachment> copy = new LinkedHashMap<>(attachments);
        copy.put(name, Objects.requireNonNull(attachment, "attachment"));
        return new Payload(data, copy);
    }

    /**
     * One top-level value of the data.
     *
     * @param key the key
     * @return the value (a plain-data value, see {@link PlainData}), or empty if absent or null
     */
    public Optional<Object> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    /**
     * One attachment by name.
     *
     * @param name the attachment's name
     * @return the attachment, or empty if there is none of that name
     */
    public Optional<Attachment> attachment(String name) {
        return Optional.ofNullable(attachments.get(name));
    }
}
