/**
 * JSON read and written the way the Python reference node does it (json.loads / json.dumps).
 *
 * A block's hash is sha256 of Python's `json.dumps(block, sort_keys=True)`, so every number
 * must come back out exactly as it went in: 5.0 stays 5.0, 1e+16 stays 1e+16 and integers past
 * 2^53 stay exact. JSON.parse/JSON.stringify lose all three, hence this module.
 *
 * Representation: integer tokens become `number` (safe integers) or `bigint`; float tokens
 * become `number` when non-integral (0.1, NaN, Infinity) and `PyFloat` when integral (5.0, -0.0).
 */
// The module's face: its values (py-json-values.ts) and its writer (py-json-writer.ts); the parser
// is py-json-parse.ts.
export { PyFloat, pyFloat, pythonFloatRepr, pythonStr, type JsonObject, type JsonValue, type ParseResult } from './py-json-values.ts';
export { canonicalJson, canonicalJsonWithin, toJson } from './py-json-writer.ts';
