// Sizes, durations and load progress in words for a person.
import type { ModelLoadProgress } from './types.ts';

/** Bytes for a person: `512 KB`, `1.4 GB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} ${value === 1 ? 'byte' : 'bytes'}` : `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Megabytes (as the catalogs give sizes) for a person. */
export function formatMegabytes(megabytes: number): string {
  return formatBytes(megabytes * 1024 * 1024);
}

/** Seconds for a person: `45 s`, `3 min 10 s`. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
}

/** What a progress bar says: bytes so far and time left, estimated from the rate so far. */
export function describeProgress(progress: ModelLoadProgress, elapsedMs: number, approximateTotalBytes?: number): string {
  const fraction = Math.min(1, Math.max(0, progress.progress));
  const parts: string[] = [];
  if (progress.loadedBytes !== undefined && progress.totalBytes) parts.push(`${formatBytes(progress.loadedBytes)} of ${formatBytes(progress.totalBytes)}`);
  else if (approximateTotalBytes) parts.push(`about ${formatBytes(fraction * approximateTotalBytes)} of ${formatBytes(approximateTotalBytes)}`);
  parts.push(`${Math.floor(fraction * 100)}%`);
  if (fraction > 0.01 && fraction < 1 && elapsedMs > 500) parts.push(`about ${formatDuration((elapsedMs * (1 - fraction)) / fraction)} left`);
  return parts.join(' · ');
}
