import { randomBytes } from 'node:crypto';
import { encode, extractPartition, generateRoot, isPfid, type Partition } from '@prefactor/pfid';

/**
 * Ids the server makes are PFIDs (Prefactor's own ids, made by `@prefactor/pfid`): an account's id
 * is a root PFID, and everything made inside an account is in the account's partition, as Prefactor
 * makes them. Ids callers send are kept as sent, and ids of stores made before stay as they were.
 */

// Set only by the benchmark (`pfid_create_vs_before`), to run a server that makes the ids of before.
const legacyIds = process.env.AGENTSPAN_BENCH_LEGACY_IDS === '1';

/** A new account's id: a PFID in a partition of its own. */
export const newAccountId = (): string => (legacyIds ? legacyId() : generateRoot());

/** A new id inside the account `accountId`: a PFID in the account's partition. */
export const newId = (accountId: string): string => (legacyIds ? legacyId() : newPfid(accountId));

/**
 * A PFID in the partition of the account `accountId`: the package's binary layout (48 bits of Unix
 * milliseconds, the partition in 32, 80 random bits) encoded by the package. The random bits come
 * from a pool: a `randomBytes` call per id, as the package's `generate` makes, costs most of an id.
 */
export function newPfid(accountId: string): string {
  const binary = Buffer.allocUnsafe(PFID_BYTES);
  binary.writeUIntBE(Date.now(), 0, 6);
  binary.writeUInt32BE(partitionOf(accountId), 6);
  const at = takeRandom(PFID_RANDOM_BYTES);
  pool.copy(binary, 10, at, at + PFID_RANDOM_BYTES);
  return encode(binary);
}

const PFID_BYTES = 20;
const PFID_RANDOM_BYTES = 10;

// Read once per account: a PFID is made on every create, and accounts are few.
const MAX_CACHED_PARTITIONS = 10_000;
const partitions = new Map<string, Partition>();

/** The PFID partition ids of an account are made in (the account's own when its id is a PFID). */
export function partitionOf(accountId: string): Partition {
  let partition = partitions.get(accountId);
  if (partition === undefined) {
    if (partitions.size >= MAX_CACHED_PARTITIONS) partitions.clear();
    partition = isPfid(accountId) ? extractPartition(accountId) : hashedPartition(accountId);
    partitions.set(accountId, partition);
  }
  return partition;
}

/** An account made before ids were PFIDs has no partition: one is drawn from its id, the same every time. */
function hashedPartition(accountId: string): Partition {
  let hash = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    hash ^= accountId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & 0x3fffffff;
}

const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** The offset in `pool` of `count` random bytes no id has used. */
function takeRandom(count: number): number {
  if (offset + count > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  offset += count;
  return offset - count;
}

/**
 * The id the server made before PFIDs: milliseconds in base 36 followed by 64 random bits in hex,
 * 25 characters. Stores made before hold these; the benchmark measures PFIDs against them.
 */
export function legacyId(): string {
  const at = takeRandom(8);
  return Date.now().toString(36).padStart(9, '0') + pool.toString('hex', at, at + 8);
}
