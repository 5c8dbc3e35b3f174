/**
 * The database as the server uses it: every domain's entities (each defined next to its
 * service) handed to the ORM. Everything that opens the database (main.ts, tests, benches)
 * opens it here, so no ORM exists that lacks an entity.
 */
import { alertingEntities } from './alerting/entities.js';
import { authEntities } from './auth/entities.js';
import { openOrm, type OpenOptions, type Orm } from './db/orm.js';
import { incidentsEntities } from './incidents/entities.js';
import { monitorsEntities } from './monitors/entities.js';
import { orgsEntities } from './orgs/entities.js';
import { resultsEntities } from './results/entities.js';
import { statusPagesEntities } from './statuspages/entities.js';

export const entities = [
  ...authEntities,
  ...orgsEntities,
  ...monitorsEntities,
  ...resultsEntities,
  ...incidentsEntities,
  ...statusPagesEntities,
  ...alertingEntities,
];

/** Connects (one clear line when the database cannot be reached) and migrates, unless told not to. */
export function openDatabase(url: string, opts: OpenOptions = {}): Promise<Orm> {
  return openOrm(url, { ...opts, entities });
}
