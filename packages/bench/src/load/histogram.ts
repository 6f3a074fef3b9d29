import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  Histogram,
} from 'hdr-histogram-js';

/** Latency histogram in microseconds, 3 significant digits, resizing as needed. */
export function newLatencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Exact merge: decode every thread's histogram and add its counts into one. */
export function mergeHistograms(encoded: string[]): Histogram {
  const merged = newLatencyHistogram();
  for (const text of encoded) merged.add(decodeFromCompressedBase64(text));
  return merged;
}

/** Percentiles drawn as the latency curve in the report. */
export const curvePercentiles = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];
