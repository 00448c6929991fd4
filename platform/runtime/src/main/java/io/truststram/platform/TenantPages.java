package io.truststram.platform;

import io.truststram.common.page.Cursors;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.tenant.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keyset paging over a table whose rows have a time-ordered UUID {@code id} and a {@code
 * tenant_id}: the rows of one tenant (or of all), in creation order, a page at a time, the cursor
 * being the last id seen.
 */
public final class TenantPages {

  private TenantPages() {}

  /**
   * One page of {@code SELECT <columns> FROM <table>}, of {@code tenant}'s rows (every tenant's
   * when null).
   *
   * @throws io.truststram.common.problem.ProblemException for a cursor that is not one of ours
   */
  public static <T> Page<T> page(
      JdbcClient jdbc,
      String columns,
      String table,
      @Nullable TenantId tenant,
      PageRequest request,
      RowMapper<T> mapper,
      Function<T, UUID> idOf) {
    return tenant == null
        ? page(jdbc, columns, table, "1 = 1", List.of(), request, mapper, idOf)
        : page(
            jdbc, columns, table, "tenant_id = ?", List.of(tenant.value()), request, mapper, idOf);
  }

  /**
   * One page of {@code SELECT <columns> FROM <table> WHERE (<filter>)}, {@code filterParameters}
   * bound to the filter's {@code ?} parameters in order.
   *
   * @throws io.truststram.common.problem.ProblemException for a cursor that is not one of ours
   */
  public static <T> Page<T> page(
      JdbcClient jdbc,
      String columns,
      String table,
      String filter,
      List<Object> filterParameters,
      PageRequest request,
      RowMapper<T> mapper,
      Function<T, UUID> idOf) {
    StringBuilder sql =
        new StringBuilder("SELECT " + columns + " FROM " + table + " WHERE (" + filter + ")");
    List<Object> params = new ArrayList<>(filterParameters);
    if (request.after() != null) {
      sql.append(" AND id > ?");
      try {
        params.add(UUID.fromString(request.after()));
      } catch (IllegalArgumentException e) {
        throw Cursors.invalid();
      }
    }
    sql.append(" ORDER BY id LIMIT ?");
    params.add(request.limit() + 1);
    List<T> rows = jdbc.sql(sql.toString()).params(params).query(mapper).list();
    return Page.fromLookahead(rows, request, row -> idOf.apply(row).toString());
  }
}
