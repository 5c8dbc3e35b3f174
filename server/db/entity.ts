/**
 * Helpers for entity definitions (each domain defines its own, next to its service). The
 * migrations name foreign keys the PostgreSQL way (`<table>_<column>_fkey`, no ON UPDATE rule);
 * `fk` gives a relation exactly that constraint, so the schema diff in
 * migrations/entities.test.ts stays empty.
 */
import { p, type EntitySchema } from '@mikro-orm/postgresql';

type DeleteRule = 'cascade' | 'set null';

/** A many-to-one on `column` of `table`, its FK named and ruled as the migration made it. */
export function fk<T extends EntitySchema<any, any>>(target: T, table: string, column: string, onDelete: DeleteRule) {
  return p.manyToOne(target).fieldName(column).deleteRule(onDelete).updateRule('no action').foreignKeyName(`${table}_${column}_fkey`);
}

/**
 * The entity of a domain above this one, by name: a table may reference one its domain must not
 * import (incidents → status components; subscribers → status pages). The ORM resolves the
 * name; the reference is typed by its primary key only.
 */
export function above(name: string): EntitySchema<{ id: string }, never> {
  return name as unknown as EntitySchema<{ id: string }, never>;
}
