import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129000001Accounts } from './Migration20261129000001Accounts.js';
import { Migration20261129000002Monitors } from './Migration20261129000002Monitors.js';
import { Migration20261129000003StatusPages } from './Migration20261129000003StatusPages.js';
import { Migration20261129000004Alerting } from './Migration20261129000004Alerting.js';
import { Migration20261130000005Instance } from './Migration20261130000005Instance.js';
import { Migration20261130000006ChannelLastDelivery } from './Migration20261130000006ChannelLastDelivery.js';
import { Migration20261207000007Invitations } from './Migration20261207000007Invitations.js';
import { Migration20261207000008Walls } from './Migration20261207000008Walls.js';
import { Migration20261207000009LoginAttempts } from './Migration20261207000009LoginAttempts.js';
import { Migration20261207000011SecretsDomains } from './Migration20261207000011SecretsDomains.js';
import { Migration20261207000012Figures } from './Migration20261207000012Figures.js';

/** Every migration, oldest first. Loaded from this static list (not from disk) so tsx, vitest and tsc agree. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261129000001Accounts', class: Migration20261129000001Accounts },
  { name: 'Migration20261129000002Monitors', class: Migration20261129000002Monitors },
  { name: 'Migration20261129000003StatusPages', class: Migration20261129000003StatusPages },
  { name: 'Migration20261129000004Alerting', class: Migration20261129000004Alerting },
  { name: 'Migration20261130000005Instance', class: Migration20261130000005Instance },
  { name: 'Migration20261130000006ChannelLastDelivery', class: Migration20261130000006ChannelLastDelivery },
  { name: 'Migration20261207000007Invitations', class: Migration20261207000007Invitations },
  { name: 'Migration20261207000008Walls', class: Migration20261207000008Walls },
  { name: 'Migration20261207000009LoginAttempts', class: Migration20261207000009LoginAttempts },
  { name: 'Migration20261207000011SecretsDomains', class: Migration20261207000011SecretsDomains },
  { name: 'Migration20261207000012Figures', class: Migration20261207000012Figures },
];
