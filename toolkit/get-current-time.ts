import type { Tool } from '../src/core/tools/types.ts';
import { ToolError } from './shared/tool-error.ts';

const toolName = 'get_current_time';

/**
 * The IANA name of a time zone as the person should read it (`europe/paris` → `Europe/Paris`),
 * or undefined when it is not one. Names stay as given where the engine knows them under an
 * older alias (ICU resolves `Asia/Kolkata` to `Asia/Calcutta`).
 */
export function canonicalTimeZone(name: string): string | undefined {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  const lower = name.toLowerCase();
  if (resolved.toLowerCase() === lower) return resolved;
  const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone').find((zone) => zone.toLowerCase() === lower) : undefined;
  return listed ?? name;
}

/** Wall-clock fields of `date` in `timeZone`, and its UTC offset as `+01:00`. */
function partsIn(date: Date, timeZone: string) {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'long',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  const parts = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  // `longOffset` is "GMT+01:00", or plain "GMT" for a zero offset.
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    weekday: parts.weekday ?? '',
    offset,
  };
}

/**
 * `get_current_time`: the current date and time in an IANA time zone (default UTC), from the
 * device clock through `Intl.DateTimeFormat`. Reads no settings.
 */
export const getCurrentTime: Tool = {
  name: toolName,
  description:
    'Gives the current date, time and weekday in an IANA time zone such as Europe/Paris, Asia/Shanghai or America/New_York (UTC when the input is empty). ' +
    'Use it whenever the answer depends on today\'s date or the time somewhere.',
  parameters: {
    type: 'object',
    properties: {
      timeZone: { type: 'string', description: 'IANA time zone name, for example "Asia/Tokyo"; default "UTC".' },
    },
    required: [],
    additionalProperties: false,
  },
  sideEffects: false,
  timeoutMs: 2_000,
  async run(args) {
    const requested = typeof args.timeZone === 'string' && args.timeZone.trim() !== '' ? args.timeZone.trim() : 'UTC';
    const timeZone = canonicalTimeZone(requested);
    if (!timeZone) {
      throw new ToolError(toolName, `"${requested}" is not an IANA time zone.`, {
        hint: 'Use a name from the IANA time zone database, such as Europe/London, Asia/Kolkata, America/Los_Angeles or UTC.',
      });
    }
    const now = new Date();
    const { date, time, weekday, offset } = partsIn(now, timeZone);
    return `${weekday} ${date} ${time} in ${timeZone} (UTC${offset}). ISO 8601: ${date}T${time}${offset === '+00:00' ? 'Z' : offset}. Unix time: ${Math.floor(now.getTime() / 1000)}.`;
  },
};
