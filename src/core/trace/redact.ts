/**
 * Redaction: secrets out of what leaves the page or is stored (exports, the event log, OTLP).
 * Apart from the trace schemas, so that storing events needs no schema library.
 */

/** What replaces a secret in an exported trace. */
export const redactedMarker = '[redacted]';

/** Object keys whose values are secrets, compared lower-case without `-`, `_` or spaces. */
const secretKeys = new Set([
  'apikey',
  'xapikey',
  'authorization',
  'proxyauthorization',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'sessiontoken',
  'bearertoken',
  'password',
  'passwd',
  'secret',
  'clientsecret',
  'privatekey',
  'cookie',
  'setcookie',
]);

function isSecretKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[-_\s]/g, '');
  return secretKeys.has(normalised) || normalised.endsWith('apikey') || normalised.endsWith('secret') || normalised.endsWith('password');
}

/** Values too short to be a key would scrub ordinary words; real keys are much longer. */
const minimumSecretLength = 6;

const textRules: readonly { pattern: RegExp; replace: (match: string, ...groups: string[]) => string }[] = [
  // `Authorization: <scheme> <credentials>` in headers written out as text or JSON.
  {
    pattern: /(authorization["']?\s*[:=]\s*["']?)(?:(Bearer|Basic|Token|Digest)\s+)?[^\s"',;}]+/gi,
    replace: (_match, prefix = '', scheme) => `${prefix}${scheme ? `${scheme} ` : ''}${redactedMarker}`,
  },
  // `Bearer <token>` anywhere else; a plain word after "bearer" in prose is left alone.
  {
    pattern: /\b(Bearer)\s+([A-Za-z0-9\-._~+/]+=*)/gi,
    replace: (match, scheme = '', token = '') =>
      token.length < 8 || (scheme !== 'Bearer' && !/[\d\-._~+/=]/.test(token)) ? match : `${scheme} ${redactedMarker}`,
  },
  // Credentials in URLs: `https://user:password@host`.
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, replace: (_match, scheme = '') => `${scheme}${redactedMarker}@` },
  // Credentials in query strings: `?api_key=…`, `&token=…`.
  {
    pattern: /([?&](?:api[-_]?key|key|token|access[-_]?token|auth|password|secret|client[-_]?secret|sig|signature)=)[^&#\s"']+/gi,
    replace: (_match, prefix = '') => `${prefix}${redactedMarker}`,
  },
  // Well-known key shapes: OpenAI/Anthropic `sk-…`, Hugging Face `hf_…`, GitHub `ghp_…`, Google `AIza…`, Slack `xox…`.
  { pattern: /\b(?:sk-[A-Za-z0-9_-]{16,}|hf_[A-Za-z0-9]{20,}|gh[pousr]_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_-]{35}|xox[abprs]-[A-Za-z0-9-]{10,})/g, replace: () => redactedMarker },
];

/** The spellings of each usable secret that can appear in text: as is, URL-encoded and JSON-escaped, longest first. */
function secretSpellings(secrets: readonly string[]): string[] {
  const spellings = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < minimumSecretLength) continue;
    spellings.add(secret);
    spellings.add(encodeURIComponent(secret));
    spellings.add(JSON.stringify(secret).slice(1, -1));
  }
  // A longer secret that contains a shorter one is replaced whole, not left half visible.
  return [...spellings].sort((a, b) => b.length - a.length);
}

function replaceSpellings(text: string, spellings: readonly string[]): string {
  let result = text;
  for (const spelling of spellings) if (result.includes(spelling)) result = result.replaceAll(spelling, redactedMarker);
  return result;
}

/** `text` with secrets replaced by `[redacted]`: the given literal values, bearer tokens, URL credentials, key shapes. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let result = replaceSpellings(text, secretSpellings(secrets));
  for (const rule of textRules) result = result.replace(rule.pattern, rule.replace);
  return result;
}

/**
 * `value` with every occurrence of the given literal secrets (also URL-encoded or JSON-escaped)
 * replaced by `[redacted]` in every string at any depth, and nothing else changed: unlike
 * `redactSecrets`, no key names or text patterns. Parts without a secret are shared, not
 * copied, and without a usable secret (6 characters or more) `value` itself comes back, so
 * this is cheap enough to run on every event before it is stored.
 */
export function redactKnownSecrets<T>(value: T, secrets: readonly string[]): T {
  const spellings = secretSpellings(secrets);
  if (spellings.length === 0) return value;
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') return replaceSpellings(item, spellings);
    if (Array.isArray(item)) {
      const copy = item.map(visit);
      return copy.some((child, index) => child !== item[index]) ? copy : item;
    }
    if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item);
      const visited = entries.map(([key, child]) => [key, visit(child)] as const);
      return visited.some(([, child], index) => child !== entries[index]?.[1]) ? Object.fromEntries(visited) : item;
    }
    return item;
  };
  return visit(value) as T;
}

/**
 * A deep copy of `value` with secrets removed: values of keys such as `apiKey`, `api_key`,
 * `Authorization`, `token`, `password` or `secret` at any depth become `[redacted]`, and every
 * string goes through `redactText`.
 */
export function redactSecrets<T>(value: T, secrets: readonly string[] = []): T {
  const usable = secrets.filter((secret) => secret.length >= minimumSecretLength);
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') return redactText(item, usable);
    if (Array.isArray(item)) return item.map(visit);
    if (item !== null && typeof item === 'object') {
      // `fromEntries` defines own properties: a key such as `__proto__` from an imported or
      // echoed object stays a field instead of replacing the copy's prototype.
      return Object.fromEntries(
        Object.entries(item).map(([key, child]) => [key, isSecretKey(key) && child !== '' && child !== null && child !== undefined ? redactedMarker : visit(child)]),
      );
    }
    return item;
  };
  return visit(value) as T;
}
