package io.truststram.crypto.primitive;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** ECDSA signatures between IEEE P1363 (r || s) and DER (SEQUENCE { INTEGER r, INTEGER s }). */
final class EcdsaDer {

  private EcdsaDer() {}

  static byte[] encode(byte[] rs) {
    int half = rs.length / 2;
    byte[] r = integer(Arrays.copyOf(rs, half));
    byte[] s = integer(Arrays.copyOfRange(rs, half, rs.length));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    length(out, r.length + s.length);
    out.writeBytes(r);
    out.writeBytes(s);
    return out.toByteArray();
  }

  /** The r || s of a strict DER signature, each {@code size} bytes; null when it is not one. */
  static byte @Nullable [] decode(byte[] der, int size) {
    int[] at = {0};
    if (der.length < 8 || der[at[0]++] != 0x30) {
      return null;
    }
    int total = readLength(der, at);
    if (total < 0 || at[0] + total != der.length) {
      return null;
    }
    byte[] out = new byte[2 * size];
    for (int part = 0; part < 2; part++) {
      if (at[0] >= der.length || der[at[0]++] != 0x02) {
        return null;
      }
      int length = readLength(der, at);
      if (length < 1 || at[0] + length > der.length) {
        return null;
      }
      int start = at[0];
      at[0] += length;
      // Strict: no negative values, no needless leading zero.
      if ((der[start] & 0x80) != 0
          || (length > 1 && der[start] == 0 && (der[start + 1] & 0x80) == 0)) {
        return null;
      }
      while (length > 0 && der[start] == 0) {
        start++;
        length--;
      }
      if (length > size) {
        return null;
      }
      System.arraycopy(der, start, out, part * size + size - length, length);
    }
    return at[0] == der.length ? out : null;
  }

  private static byte[] integer(byte[] unsigned) {
    int start = 0;
    while (start < unsigned.length - 1 && unsigned[start] == 0) {
      start++;
    }
    boolean pad = (unsigned[start] & 0x80) != 0;
    byte[] value = new byte[unsigned.length - start + (pad ? 1 : 0)];
    System.arraycopy(unsigned, start, value, pad ? 1 : 0, unsigned.length - start);
    byte[] out = new byte[value.length + 2];
    out[0] = 0x02;
    out[1] = (byte) value.length;
    System.arraycopy(value, 0, out, 2, value.length);
    return out;
  }

  private static void length(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
    } else {
      out.write(0x81);
      out.write(length);
    }
  }

  private static int readLength(byte[] der, int[] at) {
    if (at[0] >= der.length) {
      return -1;
    }
    int first = der[at[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    if (first != 0x81 || at[0] >= der.length) {
      return -1;
    }
    int length = der[at[0]++] & 0xff;
    return length < 0x80 ? -1 : length;
  }
}
