package io.truststram.platform.services;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The services this process runs, chosen from the services this build contains.
 *
 * <p>A service is a top-level package {@code io.truststram.<name>} other than the infrastructure
 * packages ({@code common}, {@code platform}, and the {@code ml} library). The selection is {@code
 * all} or a list of names; anything else is refused with a message naming what is available, so a
 * typo in a Kubernetes manifest fails the pod at start rather than running a role with nothing in
 * it.
 */
public final class ServiceSelection {

  /** Top-level packages that are not services: they run in every role. */
  static final Set<String> INFRASTRUCTURE = Set.of("common", "platform", "ml");

  static final String ROOT_PACKAGE = "io.truststram.";

  private final SortedSet<String> available;
  private final SortedSet<String> selected;

  private ServiceSelection(SortedSet<String> available, SortedSet<String> selected) {
    this.available = available;
    this.selected = selected;
  }

  /**
   * Resolves a requested selection against the services present.
   *
   * @param requested the values of {@code truststram.services}, as configured
   * @param available the service names present in this build
   * @throws InvalidServiceSelectionException when the request is empty, mixes {@code all} with
   *     names, or names a service this build does not have
   */
  public static ServiceSelection resolve(List<String> requested, Collection<String> available) {
    SortedSet<String> present = new TreeSet<>(available);
    present.removeAll(INFRASTRUCTURE);
    Set<String> names = new LinkedHashSet<>();
    for (String value : requested) {
      String name = value.strip().toLowerCase(Locale.ROOT);
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    if (names.isEmpty()) {
      throw new InvalidServiceSelectionException(
          "truststram.services is empty: set it to 'all' or to some of " + present);
    }
    if (names.contains("all")) {
      if (names.size() > 1) {
        throw new InvalidServiceSelectionException(
            "truststram.services mixes 'all' with service names "
                + names
                + ": use one or the other");
      }
      return new ServiceSelection(present, present);
    }
    SortedSet<String> unknown = new TreeSet<>(names);
    unknown.removeAll(present);
    if (!unknown.isEmpty()) {
      throw new InvalidServiceSelectionException(
          "truststram.services names "
              + unknown
              + ", which this build of TrustStram does not have; it has "
              + present
              + " (or 'all')");
    }
    return new ServiceSelection(present, new TreeSet<>(names));
  }

  /** The services selected to run, sorted by name. */
  public SortedSet<String> selected() {
    return java.util.Collections.unmodifiableSortedSet(selected);
  }

  /** The services this build contains, sorted by name. */
  public SortedSet<String> available() {
    return java.util.Collections.unmodifiableSortedSet(available);
  }

  /** Whether this process runs every service the build has. */
  public boolean isMonolith() {
    return selected.equals(available);
  }

  /**
   * Whether a class belongs to a service that is present but not selected, and so must not be
   * registered in this process.
   */
  public boolean excludes(String className) {
    String service = serviceOf(className);
    return service != null && available.contains(service) && !selected.contains(service);
  }

  private static @org.jspecify.annotations.Nullable String serviceOf(String className) {
    if (!className.startsWith(ROOT_PACKAGE)) {
      return null;
    }
    int end = className.indexOf('.', ROOT_PACKAGE.length());
    return end < 0 ? null : className.substring(ROOT_PACKAGE.length(), end);
  }
}
