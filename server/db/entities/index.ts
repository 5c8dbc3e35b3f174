import type { EntitySchema } from '@mikro-orm/core';

/** Every entity the ORM knows; each domain adds its own here. */
export const entities: EntitySchema<any, any>[] = [];
