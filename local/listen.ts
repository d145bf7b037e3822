import type { AddressInfo, Server } from 'node:net';

/** Where a local client reaches a server bound to `address`: loopback for a wildcard address. */
function reachableHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Listens on `host` and `port` (0: any free port); resolves with the server's URL, or rejects
 * with the listen error (a port in use, an address this machine does not have).
 */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${reachableHost(address.address)}:${address.port}`;
}
