/**
 * CIDR lists as AppRole's `secret_id_bound_cidrs` and `cidr_list` take them:
 * blocks like "10.0.0.0/8" or "2001:db8::/32", or a bare address (one host).
 * Checked with node's own BlockList, so address parsing and prefix matching
 * are not written here.
 */
import { BlockList, isIP } from 'node:net';
import { UserError } from '../errors.js';

/** The blocks in canonical text ("10.1.2.3" → "10.1.2.3/32"); a UserError naming the field for anything else. */
export function parseCidrList(field: string, blocks: string[]): string[] {
  return blocks.map((raw) => {
    const text = raw.trim();
    const [address = '', prefix, extra] = text.split('/');
    const family = isIP(address);
    const maxPrefix = family === 4 ? 32 : 128;
    const bits = prefix === undefined ? maxPrefix : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (family === 0 || extra !== undefined || !(bits >= 0 && bits <= maxPrefix)) {
      throw new UserError(`${field}: ${JSON.stringify(raw.slice(0, 64))} is not a CIDR block (like "10.0.0.0/8") or an IP address`);
    }
    return `${address}/${bits}`;
  });
}

/** An IPv4 client on a dual-stack socket arrives as "::ffff:10.1.2.3". */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Whether `address` lies in one of the (parsed) blocks. */
export function addressInCidrs(address: string, blocks: string[]): boolean {
  const client = plainAddress(address);
  const family = isIP(client);
  if (family === 0) return false;
  const list = new BlockList();
  for (const block of blocks) {
    const [network, bits] = block.split('/');
    list.addSubnet(network!, Number(bits), isIP(network!) === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(client, family === 4 ? 'ipv4' : 'ipv6');
}
