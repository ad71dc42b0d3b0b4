import { describe, expect, it } from 'vitest';
import { addressSpace, crossesIntoLocalNetwork, localNetworkInit } from './address-space.ts';

describe('address spaces (Local Network Access)', () => {
  it('tells loopback, local and public hosts apart', () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '127.8.9.10', '[::1]', '::ffff:127.0.0.1']) expect(addressSpace(host), host).toBe('loopback');
    for (const host of ['10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.20', '169.254.1.1', 'printer.local', 'nas', '[fd12:3456::1]', '[fe80::1]']) expect(addressSpace(host), host).toBe('local');
    for (const host of ['172.32.0.1', '8.8.8.8', 'openrouter.ai', 'stepwise.example', '[2001:db8::1]']) expect(addressSpace(host), host).toBe('public');
  });

  it('a request from a public page to this computer or the local network crosses; the fetch is tagged with targetAddressSpace', () => {
    const ollama = new URL('http://127.0.0.1:11434/v1/models');
    const lan = new URL('http://192.168.1.20:8000/v1/models');
    expect(crossesIntoLocalNetwork('https://stepwise.example', ollama)).toBe('loopback');
    expect(crossesIntoLocalNetwork('https://stepwise.example', lan)).toBe('local');
    expect(crossesIntoLocalNetwork('http://192.168.1.5:4173', ollama)).toBe('loopback');
    expect(crossesIntoLocalNetwork('http://127.0.0.1:4173', ollama)).toBeUndefined();
    expect(crossesIntoLocalNetwork('http://127.0.0.1:4173', lan)).toBeUndefined();
    expect(crossesIntoLocalNetwork('https://stepwise.example', new URL('https://openrouter.ai/api/v1'))).toBeUndefined();
    expect(crossesIntoLocalNetwork('null', ollama)).toBeUndefined();
    expect(crossesIntoLocalNetwork(undefined, ollama)).toBeUndefined();
    expect(localNetworkInit('https://stepwise.example', ollama)).toEqual({ targetAddressSpace: 'loopback' });
    expect(localNetworkInit('https://stepwise.example', lan)).toEqual({ targetAddressSpace: 'local' });
    expect(localNetworkInit('http://127.0.0.1:4173', ollama)).toEqual({});
  });
});
