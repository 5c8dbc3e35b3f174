/**
 * A large JSON answer compressed once per request, brotli when accepted (a route's `send`,
 * http/routes.ts). Made for the dashboard snapshot: 2,000 monitors are about 1.2 MB of JSON and a
 * tenth of that on the wire.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Send } from './routes.js';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export const sendCompressed: Send = async (ctx, answer) => {
  const json = Buffer.from(JSON.stringify(answer));
  ctx.type = 'application/json';
  ctx.vary('Accept-Encoding');
  // Brotli whenever accepted: browsers list gzip first, which would otherwise win.
  if (ctx.acceptsEncodings('br', 'identity') === 'br') {
    ctx.set('Content-Encoding', 'br');
    ctx.body = await brotli(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } });
  } else if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
    ctx.set('Content-Encoding', 'gzip');
    ctx.body = await gz(json, { level: 4 });
  } else ctx.body = json;
};
