package io.truststram.platform.services;

import io.truststram.common.cache.CacheStore;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Component;

/** Reports the role of this process in {@code /actuator/info}: its services and its backends. */
@Component
class ServicesInfoContributor implements InfoContributor {

  private final ServiceSelection selection;
  private final DataSource dataSource;
  private final CacheStore cache;

  ServicesInfoContributor(ServiceSelection selection, DataSource dataSource, CacheStore cache) {
    this.selection = selection;
    this.dataSource = dataSource;
    this.cache = cache;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("mode", selection.isMonolith() ? "monolith" : "services");
    details.put("services", selection.selected());
    details.put("available", selection.available());
    details.put("database", databaseProduct());
    details.put("cache", cache.backend());
    builder.withDetail("truststram", details);
  }

  private String databaseProduct() {
    try {
      return JdbcUtils.extractDatabaseMetaData(
          dataSource, metaData -> metaData.getDatabaseProductName());
    } catch (MetaDataAccessException e) {
      return "unavailable";
    }
  }
}
