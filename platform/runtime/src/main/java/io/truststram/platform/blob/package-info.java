/**
 * Blob storage: the port services keep large binary artefacts behind (model checkpoints, client
 * updates, uploads in progress), with its embedded adapter on the local file system.
 */
@NullMarked
@NamedInterface("blob")
package io.truststram.platform.blob;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
