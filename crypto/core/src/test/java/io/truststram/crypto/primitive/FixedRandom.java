package io.truststram.crypto.primitive;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A deterministic byte stream (SHA-256 in counter mode over a seed) posing as a SecureRandom, so
 * that two implementations fed the same seed draw the same bytes however they chunk their reads.
 * For tests only.
 */
final class FixedRandom extends SecureRandom {

  private final byte[] seed;
  private long counter;
  private byte[] block = new byte[0];
  private int used;

  FixedRandom(long seed) {
    this.seed = ByteBuffer.allocate(8).putLong(seed).array();
  }

  @Override
  public synchronized void nextBytes(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (used == block.length) {
        block = next();
        used = 0;
      }
      bytes[i] = block[used++];
    }
  }

  @Override
  public byte[] generateSeed(int length) {
    byte[] out = new byte[length];
    nextBytes(out);
    return out;
  }

  private byte[] next() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(seed);
      sha.update(ByteBuffer.allocate(8).putLong(counter++).array());
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
