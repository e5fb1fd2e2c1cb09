export { checkJsonSchema, supportedSchemaKeywords } from './check-json-schema.js';
export { patternProblem } from './check-pattern.js';
export { JsonSchemaError } from './json-schema-error.js';
export { schemaLimits } from './limits.js';
