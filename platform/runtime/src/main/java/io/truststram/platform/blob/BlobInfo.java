package io.truststram.platform.blob;

/**
 * A stored blob.
 *
 * @param key its key
 * @param size its length in bytes
 * @param sha256 the lower-case hex SHA-256 of its bytes
 */
public record BlobInfo(String key, long size, String sha256) {}
