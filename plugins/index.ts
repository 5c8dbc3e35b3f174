/** The built-in probes. Adding one: a folder with index.ts + index.test.ts, and one line here. */
import dns from './dns/index.js';
import http from './http/index.js';
import tcp from './tcp/index.js';
import tls from './tls/index.js';

export const builtinProbes = { http, tcp, dns, tls };

export type BuiltinProbeId = keyof typeof builtinProbes;
