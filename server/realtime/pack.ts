/**
 * Large snapshots, compressed once by the server rather than per frame by the socket: 2,000
 * monitors are about 1.9 MB of JSON and 90 KB deflated (bench:dashboard). Per-message deflate
 * would cost every socket its own zlib context and queue every small frame behind it.
 */
import { promisify } from 'node:util';
import { constants, deflateRaw } from 'node:zlib';
import type { DashboardSnapshot, PackedSnapshot } from '../../contracts/events.js';

const deflate = promisify(deflateRaw);

/** Raw DEFLATE of the snapshot's JSON, off the event loop (zlib runs on the thread pool). */
export async function packSnapshot(snapshot: DashboardSnapshot): Promise<PackedSnapshot> {
  const bytes = await deflate(JSON.stringify(snapshot), { level: constants.Z_BEST_SPEED });
  return { encoding: 'deflate-raw', bytes };
}
