import { PyFloat, type JsonValue } from '../../src/chain/py-json.ts';

/** A copy no parse has seen, so the writers write it from scratch (no kept text). */
export function unparsedCopy(value: JsonValue): JsonValue {
  if (value instanceof PyFloat) return new PyFloat(value.value);
  if (Array.isArray(value)) return value.map(unparsedCopy);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unparsedCopy(v)]));
  return value;
}
