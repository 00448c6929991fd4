package io.truststram.bench;

import io.truststram.audit.log.MerkleHashes;
import io.truststram.audit.log.MerkleTree;
import io.truststram.audit.log.Proofs;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Proof generation and verification in a log of 10 million entries (the tree built once, in setup),
 * and appends. Run by {@code bench/audit/measure.sh}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx4g"})
@State(Scope.Benchmark)
public class AuditProofs {

  @Param({"10000000"})
  public long entries;

  private MerkleTree tree;
  private byte[] root;
  private final SplittableRandom random = new SplittableRandom(7);
  private long index;
  private List<byte[]> proof;

  @Setup
  public void build() {
    tree = new MerkleTree();
    ByteBuffer entry = ByteBuffer.allocate(64);
    for (long i = 0; i < entries; i++) {
      entry.clear();
      entry.putLong(0, i);
      tree.append(MerkleHashes.leaf(entry.array()));
    }
    root = tree.root(entries);
    index = entries / 3;
    proof = tree.inclusionProof(index, entries);
  }

  @Benchmark
  public List<byte[]> inclusionProof() {
    return tree.inclusionProof(random.nextLong(entries), entries);
  }

  @Benchmark
  public List<byte[]> consistencyProof() {
    return tree.consistencyProof(1 + random.nextLong(entries - 1), entries);
  }

  @Benchmark
  public byte[] rootOfAnOlderSize() {
    return tree.root(1 + random.nextLong(entries - 1));
  }

  @Benchmark
  public boolean verifyInclusion() {
    return Proofs.verifyInclusion(index, entries, tree.leafHash(index), proof, root);
  }
}
