/**
 * The one way the walls tests (auth/activity, orgs/keys, probes/lists) make someone a member of a
 * second organization: the membership row, written straight into the test database. Adding an
 * existing account through POST /orgs/:org/members becomes an invitation the person accepts;
 * swap this body for that path when it lands.
 */
import type { Role } from '../auth/types.js';
import { run } from '../db/sql.js';
import type { TestApp } from './app.js';

export async function addMembership(app: TestApp, orgId: string, userId: string, role: Role): Promise<void> {
  await run(app.orm.em.fork(), 'INSERT INTO memberships (org_id, user_id, role) VALUES (?, ?, ?)', [orgId, userId, role]);
}
