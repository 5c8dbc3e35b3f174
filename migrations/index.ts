import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129000001Accounts } from './Migration20261129000001Accounts.js';

/** Every migration, oldest first. Loaded from this static list (not from disk) so tsx, vitest and tsc agree. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261129000001Accounts', class: Migration20261129000001Accounts },
];
