import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

const validators = new WeakMap<TSchema, { Check(value: unknown): boolean }>();

/**
 * Whether `value` matches `schema`, the schema compiled into a checking function on its first use (TypeBox's
 * `Compile`). For the payloads checked on every message, a socket event's and a job's: `Value.Check` walks the
 * schema at each call, 6 µs for `message.send`'s payload against 0.2 µs compiled (docs/performance.md).
 */
export function matchesSchema(schema: TSchema, value: unknown): boolean {
  let validator = validators.get(schema);
  if (!validator) {
    validator = Compile(schema);
    validators.set(schema, validator);
  }
  return validator.Check(value);
}
