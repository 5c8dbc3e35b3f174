/** What every field of one schema form shares: the root schema (for $ref) and the current errors. */
import { getContext, setContext } from 'svelte';
import type { Errors, JsonSchema } from './schema';

export interface FormContext {
  root: JsonSchema;
  errors(): Errors;
  /** Fields are read-only (a member looking at a monitor). */
  disabled(): boolean;
}

const KEY = Symbol('schema-form');

export function provideForm(ctx: FormContext) {
  setContext(KEY, ctx);
}

export function formContext(): FormContext {
  return getContext<FormContext>(KEY);
}
