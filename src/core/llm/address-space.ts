/**
 * Local Network Access (Chrome 142 and later, Edge 143): a page from a public address needs the
 * person's permission before it may reach this computer (loopback) or the local network, and
 * the browser reports a refusal as a plain network error. These say which address space a host
 * is in, whether a request crosses from public to local, and the fetch option that tags such a
 * request (`targetAddressSpace`), which also lets an https page reach an http local server once
 * allowed.
 */

export type AddressSpace = 'loopback' | 'local' | 'public';

function ipv4(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
  const numbers = parts.map(Number);
  return numbers.every((number) => number <= 255) ? numbers : undefined;
}

/**
 * The address space of a host as its name shows it: loopback (`localhost`, 127/8, ::1), local
 * (RFC 1918 private ranges, link-local, IPv6 unique-local and link-local, mDNS `.local` names) or
 * public. A public name that resolves to a local address is not seen here.
 */
export function addressSpace(hostname: string): AddressSpace {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return 'loopback';
  const v4 = ipv4(host.startsWith('::ffff:') ? host.slice(7) : host);
  if (v4) {
    const [a = 0, b = 0] = v4;
    if (a === 127) return 'loopback';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0) return 'local';
    return 'public';
  }
  if (host.includes(':')) return /^f[cd][0-9a-f]{2}:|^fe[89ab][0-9a-f]:/.test(host) ? 'local' : 'public';
  if (host.endsWith('.local') || !host.includes('.')) return 'local';
  return 'public';
}

/** Whether a request from a page at `pageOrigin` to `target` is a local network request (public → loopback or local). */
export function crossesIntoLocalNetwork(pageOrigin: string | undefined, target: URL): 'loopback' | 'local' | undefined {
  if (!pageOrigin) return undefined;
  let page: URL;
  try {
    page = new URL(pageOrigin);
  } catch {
    return undefined;
  }
  if (page.protocol !== 'http:' && page.protocol !== 'https:') return undefined;
  const from = addressSpace(page.hostname);
  const to = addressSpace(target.hostname);
  // Public to local or loopback, and local to loopback, ask for permission.
  if (to === 'public') return undefined;
  if (from === 'public' || (from === 'local' && to === 'loopback')) return to;
  return undefined;
}

/** Fetch options that tag a local network request as one (`targetAddressSpace`), so the browser asks for permission. */
export function localNetworkInit(pageOrigin: string | undefined, target: URL): { targetAddressSpace?: 'local' | 'loopback' } {
  const space = crossesIntoLocalNetwork(pageOrigin, target);
  return space === 'local' || space === 'loopback' ? { targetAddressSpace: space } : {};
}
