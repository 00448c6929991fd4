/**
 * ONNX models: run in ONNX Runtime as black boxes to explain (tabular models, and transformers that
 * output their attention), and written from our own classifiers so that they run anywhere ONNX
 * does.
 */
@NullMarked
package io.truststram.explain.onnx;

import org.jspecify.annotations.NullMarked;
