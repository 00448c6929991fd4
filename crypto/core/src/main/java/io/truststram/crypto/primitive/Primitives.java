package io.truststram.crypto.primitive;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every implementation of every algorithm, and the one to use by default: where both the JDK and
 * Bouncy Castle implement an algorithm, the faster one in {@code bench/results/crypto.md} (measured
 * on this project's reference machine), unless it lacks an option a call asks for.
 */
public final class Primitives {

  private static final Map<Algorithm, List<Kem>> KEMS = new EnumMap<>(Algorithm.class);
  private static final Map<Algorithm, List<SignatureScheme>> SIGNERS =
      new EnumMap<>(Algorithm.class);

  static {
    // Default first.
    for (Algorithm algorithm :
        List.of(Algorithm.ML_KEM_512, Algorithm.ML_KEM_768, Algorithm.ML_KEM_1024)) {
      KEMS.put(algorithm, List.of(new JdkMlKem(algorithm), new BcMlKem(algorithm)));
    }
    KEMS.put(Algorithm.X_WING, List.of(new BcXWing()));
    for (Algorithm algorithm :
        List.of(Algorithm.ML_DSA_44, Algorithm.ML_DSA_65, Algorithm.ML_DSA_87)) {
      SIGNERS.put(algorithm, List.of(new JdkMlDsa(algorithm), new BcMlDsa(algorithm)));
    }
    for (Algorithm algorithm :
        List.of(
            Algorithm.SLH_DSA_SHA2_128S,
            Algorithm.SLH_DSA_SHA2_128F,
            Algorithm.SLH_DSA_SHAKE_256F)) {
      SIGNERS.put(algorithm, List.of(new BcSlhDsa(algorithm)));
    }
    SIGNERS.put(Algorithm.FALCON_512, List.of(new BcFalcon(Algorithm.FALCON_512)));
    SIGNERS.put(Algorithm.FALCON_1024, List.of(new BcFalcon(Algorithm.FALCON_1024)));
    SIGNERS.put(Algorithm.ED25519, List.of(new BcEd25519()));
    SIGNERS.put(Algorithm.ECDSA_P256, List.of(new JdkEcdsa(Algorithm.ECDSA_P256)));
    SIGNERS.put(Algorithm.ECDSA_P384, List.of(new JdkEcdsa(Algorithm.ECDSA_P384)));
    SIGNERS.put(
        Algorithm.ML_DSA_65_ED25519,
        List.of(
            new CompositeSignature(
                Algorithm.ML_DSA_65_ED25519,
                SIGNERS.get(Algorithm.ML_DSA_65),
                SIGNERS.get(Algorithm.ED25519).getFirst())));
    SIGNERS.put(
        Algorithm.ML_DSA_87_ECDSA_P384,
        List.of(
            new CompositeSignature(
                Algorithm.ML_DSA_87_ECDSA_P384,
                SIGNERS.get(Algorithm.ML_DSA_87),
                SIGNERS.get(Algorithm.ECDSA_P384).getFirst())));
  }

  private Primitives() {}

  /**
   * The default implementation of KEM {@code algorithm}.
   *
   * @throws WrongAlgorithmKindException when it is not a KEM
   */
  public static Kem kem(Algorithm algorithm) {
    return kems(algorithm).getFirst();
  }

  /** Every implementation of KEM {@code algorithm}, the default first. */
  public static List<Kem> kems(Algorithm algorithm) {
    List<Kem> kems = KEMS.get(algorithm);
    if (kems == null) {
      throw new WrongAlgorithmKindException(algorithm + " is a signature scheme, not a KEM");
    }
    return kems;
  }

  /**
   * The default implementation of signature scheme {@code algorithm} that honours {@code options}.
   *
   * @throws WrongAlgorithmKindException when it is not a signature scheme
   * @throws UnsupportedOptionException when no implementation honours {@code options}
   */
  public static SignatureScheme signer(Algorithm algorithm, SignOptions options) {
    for (SignatureScheme scheme : signers(algorithm)) {
      if (scheme.supports(options)) {
        return scheme;
      }
    }
    List<String> what = new ArrayList<>();
    if (options.context().length > 0) {
      what.add("context strings");
    }
    if (options.preHash()) {
      what.add("pre-hashing");
    }
    throw new UnsupportedOptionException(algorithm + " has no " + String.join(" or ", what));
  }

  /** Every implementation of signature scheme {@code algorithm}, the default first. */
  public static List<SignatureScheme> signers(Algorithm algorithm) {
    List<SignatureScheme> signers = SIGNERS.get(algorithm);
    if (signers == null) {
      throw new WrongAlgorithmKindException(algorithm + " is a KEM, not a signature scheme");
    }
    return signers;
  }
}
