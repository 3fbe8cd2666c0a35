package io.trinity.pool;

import java.util.Arrays;
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
        if (mediaType.isBlank() || !mediaType.contains("/")) {
            throw new IllegalArgumentException("attachment mediaType must look like 'type/subtype' (got '"
                    + mediaType + "')");
        }
        return new Attachment(mediaType, bytes.clone());
    }

    /** {@return the media type, such as {@code image/png}} */
    public String mediaType() {
        return mediaType;
    }

    /** {@return a fresh copy of the content; changing it does not change the attachment} */
    public byte[] bytes() {
        return bytes.clone();
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
