import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canonicalTimeZone, getCurrentTime } from './get-current-time.ts';
import { testContext } from './testing/context.ts';

describe('get_current_time', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-07-25T14:03:05Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('defaults to UTC', async () => {
    expect(await getCurrentTime.run({}, testContext())).toBe(
      'Thursday 2024-07-25 14:03:05 in UTC (UTC+00:00). ISO 8601: 2024-07-25T14:03:05Z. Unix time: 1721916185.',
    );
  });

  it('gives the wall-clock time, weekday and offset of an IANA zone', async () => {
    expect(await getCurrentTime.run({ timeZone: 'Asia/Tokyo' }, testContext())).toContain(
      'Thursday 2024-07-25 23:03:05 in Asia/Tokyo (UTC+09:00). ISO 8601: 2024-07-25T23:03:05+09:00.',
    );
    expect(await getCurrentTime.run({ timeZone: 'America/New_York' }, testContext())).toContain('Thursday 2024-07-25 10:03:05 in America/New_York (UTC-04:00)');
    expect(await getCurrentTime.run({ timeZone: 'Asia/Kolkata' }, testContext())).toContain('19:33:05 in Asia/Kolkata (UTC+05:30)');
  });

  it('accepts a zone name in any letter case and reports its canonical name', async () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(await getCurrentTime.run({ timeZone: ' europe/paris ' }, testContext())).toContain('16:03:05 in Europe/Paris (UTC+02:00)');
  });

  it('names an invalid zone in a clear error', async () => {
    await expect(getCurrentTime.run({ timeZone: 'Mars/Olympus_Mons' }, testContext())).rejects.toThrow(
      'get_current_time failed: "Mars/Olympus_Mons" is not an IANA time zone.',
    );
  });
});
