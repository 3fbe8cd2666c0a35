package io.trinity.pool;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Binary data that travels with a task's input or result, with its media type
 * ({@code image/png}, {@code audio/wav}, ...). The bytes are copied in and out, so an
 * attachment is immutable like the rest of a task.
 */
public final class Attachment {

    private final String mediaType;
    private final byte[] bytes;

    private Attachment(String mediaType, byte[] bytes) {
        this.mediaType = mediaType;
        this.bytes = bytes;
    }

    /**
     * An attachment holding a copy of {@code bytes}.
     *
     * @param mediaType the media type, {@code type/subtype}, not null
     * @param bytes the content, not null; copied, so later changes to the array do not show
     * @return the attachment
     * @throws IllegalArgumentException if the media type does not look like {@code type/subtype}
     */
    public static Attachment of(String mediaType, byte[] bytes) {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(bytes, "bytes");
        return new Attachment(checked(mediaType), bytes.clone());
    }

    /** {@return the media type, such as {@code image/png}} */
    public String mediaType() {
        return mediaType;
    }

    /** {@return a fresh copy of the content; changing it does not change the attachment} */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Attachments as plain data, the form a journal or the HTTP API stores and ships: each name
     * maps to {@code {"mediaType": ..., "base64": ...}}. {@link #fromPlainData} reads it back.
     *
     * @param attachments named attachments, not null
     * @return a new map in the given map's iteration order
     */
    public static Map<String, Object> toPlainData(Map<String, Attachment> attachments) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        attachments.forEach((name, a) -> out.put(name, Map.of("mediaType", a.mediaType,
                "base64", java.util.Base64.getEncoder().encodeToString(a.bytes))));
        return out;
    }

    /**
     * Reads attachments written by {@link #toPlainData}.
     *
     * @param plain each name mapped to {@code {"mediaType": ..., "base64": ...}}; null reads as none
     * @return the attachments, in the given map's iteration order
     * @throws IllegalArgumentException if an entry is not such a map, or its base64 or media type is bad
     */
    public static Map<String, Attachment> fromPlainData(Map<String, ?> plain) {
        Map<String, Attachment> out = new java.util.LinkedHashMap<>();
        if (plain == null) {
            return out;
        }
        plain.forEach((name, v) -> {
            if (!(v instanceof Map<?, ?> m) || !(m.get("mediaType") instanceof String type)
                    || !(m.get("base64") instanceof String base64)) {
                throw new IllegalArgumentException("attachment '" + name + "' must be {\"mediaType\": ..., \"base64\":"
                        + " ...} (got " + (v == null ? "null" : v.getClass().getSimpleName()) + ")");
            }
            byte[] bytes;
            try {
                bytes = java.util.Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("attachment '" + name + "': base64 is not valid (" + e.getMessage()
                        + ")", e);
            }
            out.put(name, new Attachment(checked(type), bytes));
        });
        return out;
    }

    private static String checked(String mediaType) {
        if (mediaType.isBlank() || !mediaType.contains("/")) {
            throw new IllegalArgumentException("attachment mediaType must look like 'type/subtype' (got '"
                    + mediaType + "')");
        }
        return mediaType;
    }

    /** {@return the content's length in bytes} */
    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attachment a && a.mediaType.equals(mediaType) && Arrays.equals(a.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return mediaType.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Attachment[" + mediaType + ", " + bytes.length + " bytes]";
    }
}
