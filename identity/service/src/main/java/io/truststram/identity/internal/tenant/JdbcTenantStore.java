package io.truststram.identity.internal.tenant;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.Tenant;
import io.truststram.identity.TenantStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@link TenantStore} on any JDBC database TrustStram supports (H2, PostgreSQL). */
final class JdbcTenantStore implements TenantStore {

  private static final String COLUMNS = "id, slug, name, status, created_at";

  private final JdbcClient jdbc;

  JdbcTenantStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public boolean insert(Tenant tenant) {
    try {
      jdbc.sql(
              "INSERT INTO identity_tenant (id, slug, name, status, created_at)"
                  + " VALUES (:id, :slug, :name, :status, :createdAt)")
          .param("id", tenant.id().value())
          .param("slug", tenant.slug())
          .param("name", tenant.name())
          .param("status", tenant.status().name())
          .param("createdAt", OffsetDateTime.ofInstant(tenant.createdAt(), ZoneOffset.UTC))
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  @Override
  public Optional<Tenant> findById(TenantId id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM identity_tenant WHERE id = :id")
        .param("id", id.value())
        .query(JdbcTenantStore::map)
        .optional();
  }

  @Override
  public Optional<Tenant> findBySlug(String slug) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM identity_tenant WHERE slug = :slug")
        .param("slug", slug)
        .query(JdbcTenantStore::map)
        .optional();
  }

  @Override
  public List<Tenant> listAfter(@Nullable TenantId after, int limit) {
    if (after == null) {
      return jdbc.sql("SELECT " + COLUMNS + " FROM identity_tenant ORDER BY id LIMIT :limit")
          .param("limit", limit)
          .query(JdbcTenantStore::map)
          .list();
    }
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM identity_tenant WHERE id > :after ORDER BY id LIMIT :limit")
        .param("after", after.value())
        .param("limit", limit)
        .query(JdbcTenantStore::map)
        .list();
  }

  private static Tenant map(ResultSet rs, int row) throws SQLException {
    return new Tenant(
        new TenantId(rs.getObject("id", UUID.class)),
        rs.getString("slug"),
        rs.getString("name"),
        TenantStatus.valueOf(rs.getString("status")),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
