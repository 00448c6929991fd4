package io.truststram.platform.events;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/** {@link EventPublicationRegistryContract} on the embedded H2 database. */
@SpringBootTest
@ActiveProfiles("test")
class H2EventPublicationRegistryIntegrationTest extends EventPublicationRegistryContract {}
