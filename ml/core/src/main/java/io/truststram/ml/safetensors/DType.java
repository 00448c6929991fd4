package io.truststram.ml.safetensors;

import java.util.Locale;
import java.util.Optional;

/** The element types of the safetensors format, with their names in the header and their sizes. */
public enum DType {
  BOOL(1),
  U8(1),
  I8(1),
  I16(2),
  U16(2),
  F16(2),
  BF16(2),
  I32(4),
  U32(4),
  F32(4),
  I64(8),
  U64(8),
  F64(8);

  private final int size;

  DType(int size) {
    this.size = size;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  /** Whether elements are floating-point numbers that convert to {@code float}. */
  public boolean isFloatingPoint() {
    return this == F16 || this == BF16 || this == F32 || this == F64;
  }

  /** The type a header names {@code name}, if it is one of ours. */
  public static Optional<DType> byName(String name) {
    for (DType type : values()) {
      if (type.name().equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The name in the header, e.g. {@code F32}. */
  public String headerName() {
    return name().toUpperCase(Locale.ROOT);
  }
}
