/** `npm run build`: builds the dashboard into client/dist (npm start does this by itself when needed). */
import { ensureClientBuilt } from './client-build.js';

await ensureClientBuilt((m) => process.stdout.write(m + '\n'));
