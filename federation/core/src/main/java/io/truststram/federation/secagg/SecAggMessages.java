package io.truststram.federation.secagg;

import io.truststram.crypto.sharing.ShamirSecretSharing.Share;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of a secure round and their binary form, which is what crosses the network: a type
 * byte, then big-endian fields, byte strings with a 4-byte length. Decoding checks every length
 * against what is left and refuses trailing bytes, with {@link MalformedMessageException}.
 */
public final class SecAggMessages {

  private static final byte KEYS = 1;
  private static final byte SHARES = 2;
  private static final byte MASKED = 3;
  private static final byte REQUEST = 4;
  private static final byte REVEAL = 5;
  private static final byte BUNDLES = 6;
  private static final byte BOXES = 7;
  private static final byte CONFIRM = 8;
  private static final byte SURVIVORS = 9;

  /** The longest byte string a message field may have: 1 MiB. */
  private static final int MAX_FIELD = 1 << 20;

  private SecAggMessages() {}

  /** A message that does not decode. */
  public static final class MalformedMessageException extends IllegalArgumentException {
    public MalformedMessageException(String message) {
      super(message);
    }
  }

  /**
   * Stage 0: a client's public keys for the round, signed with its long-term identity key.
   *
   * @param client the client's index
   * @param identityKey its ML-DSA-65 public key
   * @param channelKey the KEM key others seal their messages to it under
   * @param maskKey the KEM key its pairwise seeds are sealed under, derived from its mask secret
   * @param signature ML-DSA-65 over the round's label, the index and the two keys
   */
  public record KeyBundle(
      int client, byte[] identityKey, byte[] channelKey, byte[] maskKey, byte[] signature) {

    /**
     * What the signature covers: the round's label, a digest of everything the round agreed
     * (parameters, participants, graph seed, length: clients given different views of the round
     * refuse each other's bundles), the index and the two keys.
     */
    public byte[] signed(SecAggRound round) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      Writer w = new Writer(bytes);
      w.bytes(round.labelBytes("keys", client, client));
      w.bytes(round.contextDigest());
      w.bytes(channelKey);
      w.bytes(maskKey);
      return bytes.toByteArray();
    }

    public byte[] encode() {
      return write(KEYS, w -> writeBundle(w, this));
    }

    public static KeyBundle decode(byte[] bytes) {
      return read(bytes, KEYS, SecAggMessages::readBundle);
    }
  }

  /**
   * Stage 1, one box of a client's shares for one neighbour.
   *
   * @param from the sender's index
   * @param to the recipient's index
   * @param shares the sender's two shares for the recipient, sealed to its channel key
   * @param pairSeed the pair's mask seed sealed to the recipient's mask key when the sender has the
   *     lower index; empty otherwise
   * @param signature the sender's identity signature over both boxes: a sealed box says nothing of
   *     its sender, and without it a coordinator could make boxes "from" anyone
   */
  public record SealedShares(int from, int to, byte[] shares, byte[] pairSeed, byte[] signature) {

    /** What the signature covers. */
    public byte[] signed(SecAggRound round) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      Writer w = new Writer(bytes);
      w.bytes(round.labelBytes("boxes", from, to));
      w.bytes(io.truststram.crypto.primitive.Digests.sha256(shares));
      w.bytes(io.truststram.crypto.primitive.Digests.sha256(pairSeed));
      return bytes.toByteArray();
    }
  }

  /**
   * The consistency check (Bonawitz et al.'s round 3): a survivor's signature over the list of
   * survivors the coordinator announced. A client reveals shares only for a list that t of its
   * neighbours signed, so a coordinator cannot tell different clients different survivors.
   */
  public record Confirmation(int client, byte[] signature) {

    /** What a confirmation signs. */
    public static byte[] signed(SecAggRound round, int[] survivors) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      Writer w = new Writer(bytes);
      w.bytes(round.labelBytes("survivors", 0, 0));
      w.ints(survivors);
      return bytes.toByteArray();
    }

    public byte[] encode() {
      return write(
          CONFIRM,
          w -> {
            w.integer(client);
            w.bytes(signature);
          });
    }

    public static Confirmation decode(byte[] bytes) {
      return read(bytes, CONFIRM, r -> new Confirmation(r.integer(), r.bytes()));
    }
  }

  /** The survivors the coordinator announces for confirmation, in ascending order. */
  public static byte[] encodeSurvivors(int[] survivors) {
    return write(SURVIVORS, w -> w.ints(survivors));
  }

  public static int[] decodeSurvivors(byte[] bytes) {
    return read(bytes, SURVIVORS, Reader::ints);
  }

  /** Stage 1: a client's boxes, one for each neighbour that advertised keys. */
  public record SharePackage(int client, List<SealedShares> boxes) {
    public SharePackage {
      boxes = List.copyOf(boxes);
    }

    public byte[] encode() {
      return write(SHARES, w -> writeBoxes(w, client, boxes));
    }

    public static SharePackage decode(byte[] bytes) {
      return read(
          bytes,
          SHARES,
          r -> {
            int client = r.integer();
            return new SharePackage(client, readBoxes(r));
          });
    }
  }

  /**
   * Stage 2: a client's masked input in the ring (its values, then its weight), with how many of
   * its values it clipped to the range, whether it clipped its update's norm and whether it capped
   * its weight: counts, never the values.
   */
  public record MaskedInput(
      int client, long[] values, int clipped, boolean normClipped, boolean weightCapped) {

    public byte[] encode(int modulusBits) {
      int width = (modulusBits + 7) / 8;
      ByteBuffer out = ByteBuffer.allocate(1 + 4 + 4 + 1 + 4 + values.length * width);
      out.put(MASKED)
          .putInt(client)
          .putInt(clipped)
          .put((byte) ((normClipped ? 1 : 0) | (weightCapped ? 2 : 0)));
      out.putInt(values.length);
      for (long value : values) {
        for (int b = width - 1; b >= 0; b--) {
          out.put((byte) (value >>> (8 * b)));
        }
      }
      return out.array();
    }

    /**
     * Decodes a masked input of {@code words} words in the ring of {@code modulusBits} bits.
     *
     * @throws MalformedMessageException for the wrong length or a word outside the ring
     */
    public static MaskedInput decode(byte[] bytes, int words, int modulusBits) {
      int width = (modulusBits + 7) / 8;
      long expected = 1L + 4 + 4 + 1 + 4 + (long) words * width;
      if (bytes.length != expected) {
        throw new MalformedMessageException(
            "a masked input of "
                + words
                + " words in a "
                + modulusBits
                + "-bit ring has "
                + expected
                + " bytes, not "
                + bytes.length);
      }
      ByteBuffer in = ByteBuffer.wrap(bytes);
      if (in.get() != MASKED) {
        throw new MalformedMessageException("not a masked input");
      }
      int client = in.getInt();
      int clipped = in.getInt();
      byte flags = in.get();
      if (in.getInt() != words || clipped < 0 || flags < 0 || flags > 3) {
        throw new MalformedMessageException("a masked input's header is not valid");
      }
      long limit = modulusBits == 64 ? -1L : (1L << modulusBits) - 1;
      long[] values = new long[words];
      for (int i = 0; i < words; i++) {
        long value = 0;
        for (int b = 0; b < width; b++) {
          value = (value << 8) | (in.get() & 0xFF);
        }
        if ((value & ~limit) != 0) {
          throw new MalformedMessageException("word " + i + " lies outside the ring");
        }
        values[i] = value;
      }
      return new MaskedInput(client, values, clipped, (flags & 1) != 0, (flags & 2) != 0);
    }
  }

  /**
   * Stage 4, the coordinator's question to one client: the survivors (every client whose masked
   * input is in the sum), with the confirmations of the client's neighbours that signed that list.
   * The client reveals, for each neighbour it masked with, the self-mask share of a survivor or the
   * mask-secret share of one that is not.
   */
  public record UnmaskRequest(int client, int[] survivors, List<Confirmation> confirmations) {
    public UnmaskRequest {
      confirmations = List.copyOf(confirmations);
    }

    public byte[] encode() {
      return write(
          REQUEST,
          w -> {
            w.integer(client);
            w.ints(survivors);
            w.integer(confirmations.size());
            for (Confirmation c : confirmations) {
              w.integer(c.client());
              w.bytes(c.signature());
            }
          });
    }

    public static UnmaskRequest decode(byte[] bytes) {
      return read(
          bytes,
          REQUEST,
          r -> {
            int client = r.integer();
            int[] survivors = r.ints();
            int count = r.count(8);
            List<Confirmation> confirmations = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
              confirmations.add(new Confirmation(r.integer(), r.bytes()));
            }
            return new UnmaskRequest(client, survivors, confirmations);
          });
    }
  }

  /**
   * Stage 3, one share a client reveals.
   *
   * @param owner whose secret the share is of
   * @param selfMask true for the owner's self-mask seed (a survivor), false for its mask secret (a
   *     client that dropped)
   * @param share the share
   */
  public record RevealedShare(int owner, boolean selfMask, Share share) {}

  /** Stage 3: a client's answer. */
  public record UnmaskResponse(int client, List<RevealedShare> shares) {
    public UnmaskResponse {
      shares = List.copyOf(shares);
    }

    public byte[] encode() {
      return write(
          REVEAL,
          w -> {
            w.integer(client);
            w.integer(shares.size());
            for (RevealedShare s : shares) {
              w.integer(s.owner);
              w.integer(s.selfMask ? 1 : 0);
              w.integer(s.share.x());
              w.bytes(s.share.y());
            }
          });
    }

    public static UnmaskResponse decode(byte[] bytes) {
      return read(
          bytes,
          REVEAL,
          r -> {
            int client = r.integer();
            int count = r.count(16);
            List<RevealedShare> shares = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
              int owner = r.integer();
              int kind = r.integer();
              if (kind != 0 && kind != 1) {
                throw new MalformedMessageException("a share's kind is 0 or 1");
              }
              int x = r.integer();
              byte[] y = r.bytes();
              try {
                shares.add(new RevealedShare(owner, kind == 1, new Share(x, y)));
              } catch (IllegalArgumentException e) {
                throw new MalformedMessageException(e.getMessage());
              }
            }
            return new UnmaskResponse(client, shares);
          });
    }
  }

  /** The key bundles a coordinator forwards to one client. */
  public static byte[] encodeBundles(List<KeyBundle> bundles) {
    return write(
        BUNDLES,
        w -> {
          w.integer(bundles.size());
          bundles.forEach(b -> writeBundle(w, b));
        });
  }

  public static List<KeyBundle> decodeBundles(byte[] bytes) {
    return read(
        bytes,
        BUNDLES,
        r -> {
          int count = r.count(20);
          List<KeyBundle> out = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            out.add(readBundle(r));
          }
          return out;
        });
  }

  /** The boxes a coordinator forwards to one client. */
  public static byte[] encodeBoxes(int client, List<SealedShares> boxes) {
    return write(BOXES, w -> writeBoxes(w, client, boxes));
  }

  public static List<SealedShares> decodeBoxes(byte[] bytes) {
    return read(
        bytes,
        BOXES,
        r -> {
          r.integer();
          return readBoxes(r);
        });
  }

  private static void writeBundle(Writer w, KeyBundle b) {
    w.integer(b.client);
    w.bytes(b.identityKey);
    w.bytes(b.channelKey);
    w.bytes(b.maskKey);
    w.bytes(b.signature);
  }

  private static KeyBundle readBundle(Reader r) {
    return new KeyBundle(r.integer(), r.bytes(), r.bytes(), r.bytes(), r.bytes());
  }

  private static void writeBoxes(Writer w, int client, List<SealedShares> boxes) {
    w.integer(client);
    w.integer(boxes.size());
    for (SealedShares box : boxes) {
      w.integer(box.from);
      w.integer(box.to);
      w.bytes(box.shares);
      w.bytes(box.pairSeed);
      w.bytes(box.signature);
    }
  }

  private static List<SealedShares> readBoxes(Reader r) {
    int count = r.count(20);
    List<SealedShares> boxes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      boxes.add(new SealedShares(r.integer(), r.integer(), r.bytes(), r.bytes(), r.bytes()));
    }
    return boxes;
  }

  private interface Body {
    void write(Writer w);
  }

  private interface Parse<T> {
    T read(Reader r);
  }

  private static byte[] write(byte type, Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(type);
    body.write(new Writer(bytes));
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] bytes, byte type, Parse<T> parse) {
    if (bytes.length == 0 || bytes[0] != type) {
      throw new MalformedMessageException("not a secure aggregation message of the expected kind");
    }
    Reader reader = new Reader(ByteBuffer.wrap(bytes, 1, bytes.length - 1));
    T out;
    try {
      out = parse.read(reader);
    } catch (BufferUnderflowException e) {
      throw new MalformedMessageException("the message ends early");
    }
    if (reader.in.hasRemaining()) {
      throw new MalformedMessageException("the message has trailing bytes");
    }
    return out;
  }

  private static final class Writer {
    private final DataOutputStream out;

    Writer(ByteArrayOutputStream bytes) {
      this.out = new DataOutputStream(bytes);
    }

    void integer(int value) {
      try {
        out.writeInt(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void bytes(byte[] value) {
      integer(value.length);
      try {
        out.write(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void ints(int[] values) {
      integer(values.length);
      for (int value : values) {
        integer(value);
      }
    }
  }

  private static final class Reader {
    private final ByteBuffer in;

    Reader(ByteBuffer in) {
      this.in = in;
    }

    int integer() {
      return in.getInt();
    }

    /** A count of items each at least {@code minBytes} long, checked against what is left. */
    int count(int minBytes) {
      int count = in.getInt();
      if (count < 0 || (long) count * minBytes > in.remaining()) {
        throw new MalformedMessageException("a count of " + count + " does not fit the message");
      }
      return count;
    }

    byte[] bytes() {
      int length = in.getInt();
      if (length < 0 || length > MAX_FIELD || length > in.remaining()) {
        throw new MalformedMessageException("a field of " + length + " bytes does not fit");
      }
      byte[] out = new byte[length];
      in.get(out);
      return out;
    }

    int[] ints() {
      int count = count(4);
      int[] out = new int[count];
      for (int i = 0; i < count; i++) {
        out[i] = in.getInt();
      }
      return out;
    }
  }
}
