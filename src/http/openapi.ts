/**
 * The OpenAPI 3.1 description of every route the node serves, served at GET /openapi.json. It is
 * built in ./contract/; test/http/openapi.test.ts checks it against the app's router both ways (a
 * route added without a description there, or a description left behind by a removed route, fails
 * the tests) and validates real answers against it.
 */
export { OPENAPI, type ApiDocument } from './contract/index.ts';
