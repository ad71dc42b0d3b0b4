import type { ToolContext } from '../../src/core/tools/types.ts';
import { settingLabel, settingPlace, type ToolSettingKey } from './places.ts';
import { ToolError } from './tool-error.ts';

type Settings = ToolContext['settings'];

/** A non-empty, trimmed string setting, or undefined. */
export function readStringSetting(settings: Settings, key: string): string | undefined {
  const value = settings[key];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * A positive integer setting. The settings form stores strings, so numeric strings count;
 * anything else falls back to `fallback`.
 */
export function readIntegerSetting(settings: Settings, key: string, fallback: number, range: { min: number; max: number }): number {
  const value = settings[key];
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) return fallback;
  return Math.min(range.max, Math.max(range.min, Math.round(number)));
}

// "." and "..", also percent-encoded once or more (%2e, %252e): URL parsing, or a server that
// decodes the path again, reads them as steps up the path. encodeURIComponent leaves them alone.
const dotSegmentPattern = /^(?:\.|%(?:25)*2e){1,2}$/i;

/** Whether `value`, put into a URL path, would be read as "." or ".." (a step up the path). */
export function isDotSegment(value: string): boolean {
  return dotSegmentPattern.test(value);
}

/**
 * Fills a proxy URL template such as `https://proxy.example/search?q={query}`, read from the tool
 * setting `settingKey`: each `{placeholder}` gets the URL-encoded value. The template must contain
 * every placeholder it is given, or the request would silently ignore the input; a value that is a
 * dot segment is refused. Errors name the setting as the settings form shows it.
 */
export function fillUrlTemplate(
  toolName: string,
  settingKey: ToolSettingKey,
  template: string,
  values: Readonly<Record<string, string>>,
): string {
  const label = settingLabel(settingKey);
  const place = settingPlace(settingKey);
  let url = template;
  for (const [placeholder, value] of Object.entries(values)) {
    const token = `{${placeholder}}`;
    if (!url.includes(token)) {
      throw new ToolError(toolName, `the ${label} setting has no ${token} placeholder.`, {
        hint: `In ${place}, write a URL with ${token} where the input goes, for example https://proxy.example/?${placeholder}=${token}.`,
      });
    }
    if (isDotSegment(value)) {
      throw new ToolError(toolName, `the input "${value}" would climb up the path of the ${label} setting; it is refused.`, {
        hint: 'Give the tool an actual input.',
      });
    }
    url = url.replaceAll(token, encodeURIComponent(value));
  }
  return checkHttpUrl(toolName, url, `the ${label} setting`, place);
}

/**
 * Parses an http(s) URL or throws a `ToolError` that says what is wrong with it. `what` names the
 * URL in the message (`the input`); `place`, where the person can correct it, goes into the hint.
 */
export function checkHttpUrl(toolName: string, text: string, what: string, place?: string): string {
  const fix = place ? `In ${place}, write` : 'Write';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ToolError(toolName, `${what} is not a valid URL: "${text}".`, { hint: `${fix} a full address starting with https:// or http://.` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolError(toolName, `${what} must be an http or https URL, not ${url.protocol.replace(/:$/, '')}: "${text}".`, {
      hint: `${fix} an address starting with https:// or http://.`,
    });
  }
  return url.href;
}
