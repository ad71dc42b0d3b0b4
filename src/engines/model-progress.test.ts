import { describe, expect, it } from 'vitest';
import { describeProgress, formatBytes, formatDuration, formatMegabytes } from './model-progress.ts';

describe('model progress in words', () => {
  it('formats sizes and durations', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(1.4 * 1024 ** 3)).toBe('1.4 GB');
    expect(formatBytes(-1)).toBe('unknown');
    expect(formatMegabytes(490)).toBe('490 MB');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(190_000)).toBe('3 min 10 s');
    expect(formatDuration(120_000)).toBe('2 min');
  });

  it('says bytes so far and the time left', () => {
    expect(describeProgress({ progress: 0.25, text: '', loadedBytes: 256 * 1024 ** 2, totalBytes: 1024 ** 3 }, 10_000)).toBe('256 MB of 1.0 GB · 25% · about 30 s left');
    expect(describeProgress({ progress: 0.5, text: '' }, 200, 1024 ** 2)).toBe('about 512 KB of 1.0 MB · 50%');
    expect(describeProgress({ progress: 1, text: '' }, 5000)).toBe('100%');
  });
});
