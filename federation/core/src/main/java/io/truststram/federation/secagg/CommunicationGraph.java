package io.truststram.federation.secagg;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Who shares secrets with whom in a round of SecAgg+ (Bell et al., CCS 2020): a k-regular graph
 * over the round's n clients, here the circulant graph on a random permutation of them (each
 * client's neighbours are the (k − 1)/2 before and after it on a shuffled ring, a random Harary
 * graph). Every client's neighbourhood counts itself, so it holds k shares: one of its own secrets
 * and one from each neighbour. With k ≥ n the graph is complete: SecAgg of Bonawitz et al. (2017).
 *
 * <p>The permutation follows from a public seed, so the coordinator and every client compute the
 * same graph; a coordinator cannot give two clients inconsistent views of it.
 */
public final class CommunicationGraph {

  private final int[][] neighbourhoods;

  private CommunicationGraph(int[][] neighbourhoods) {
    this.neighbourhoods = neighbourhoods;
  }

  /**
   * The graph of {@code clients} clients whose neighbourhoods have {@code shares} members (an odd
   * number; the complete graph when it is at least the number of clients).
   *
   * @throws IllegalArgumentException for fewer than 2 clients or an even or non-positive number of
   *     shares below the number of clients
   */
  public static CommunicationGraph of(int clients, int shares, long seed) {
    if (clients < 2) {
      throw new IllegalArgumentException("secure aggregation needs 2 or more clients");
    }
    int[][] out = new int[clients][];
    if (shares >= clients) {
      int[] all = new int[clients];
      Arrays.setAll(all, i -> i);
      Arrays.fill(out, all);
      return new CommunicationGraph(out);
    }
    if (shares < 3 || shares % 2 == 0) {
      throw new IllegalArgumentException(
          "the number of shares must be odd and at least 3, not " + shares);
    }
    int[] ring = new int[clients];
    Arrays.setAll(ring, i -> i);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = clients - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = ring[i];
      ring[i] = ring[j];
      ring[j] = swap;
    }
    int reach = (shares - 1) / 2;
    for (int position = 0; position < clients; position++) {
      int[] members = new int[shares];
      for (int offset = -reach; offset <= reach; offset++) {
        members[offset + reach] = ring[Math.floorMod(position + offset, clients)];
      }
      Arrays.sort(members);
      out[ring[position]] = members;
    }
    return new CommunicationGraph(out);
  }

  /** The number of clients. */
  public int clients() {
    return neighbourhoods.length;
  }

  /** Client {@code client}'s neighbourhood, itself included, in ascending order. */
  public int[] neighbourhood(int client) {
    return neighbourhoods[client].clone();
  }

  /** Whether {@code a} and {@code b} are neighbours (or the same client). */
  public boolean adjacent(int a, int b) {
    return Arrays.binarySearch(neighbourhoods[a], b) >= 0;
  }
}
