/** The probe plugins this server runs: built-in and configured (main.ts's entry to probes/). */
export { loadProbes } from './loader.js';
export type { ProbeRegistry } from './registry.js';
