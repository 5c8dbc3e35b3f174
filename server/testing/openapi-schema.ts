/**
 * The OpenAPI 3.1 document's own rules, as JSON Schema 2020-12, for the parts of the
 * specification PingPage's document uses (the full meta-schema is not among our packages):
 * fixed fields only, `x-` extensions anywhere the specification allows them, references where
 * it allows them. Schema Objects themselves are checked against JSON Schema's meta-schema.
 */
const extensions = { '^x-': true };
const text = { type: 'string' };
const ref = { $ref: '#/$defs/reference' };
const either = (def: string) => ({ oneOf: [ref, { $ref: `#/$defs/${def}` }] });
const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  required,
  properties,
  patternProperties: extensions,
  additionalProperties: false,
});
const mapOf = (value: unknown) => ({ type: 'object', additionalProperties: value });
const operation = { $ref: '#/$defs/operation' };

export const OPENAPI_31 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  ...object(
    {
      openapi: { type: 'string', pattern: '^3\\.1\\.\\d+(-.+)?$' },
      info: object({ title: text, summary: text, description: text, termsOfService: text, contact: { type: 'object' }, license: { type: 'object' }, version: text }, ['title', 'version']),
      jsonSchemaDialect: { type: 'string', format: 'uri' },
      servers: { type: 'array', items: { $ref: '#/$defs/server' } },
      paths: { type: 'object', propertyNames: { pattern: '^/' }, additionalProperties: { $ref: '#/$defs/pathItem' } },
      webhooks: mapOf({ $ref: '#/$defs/pathItem' }),
      components: object({
        schemas: mapOf({ type: ['object', 'boolean'] }),
        responses: mapOf(either('response')),
        parameters: mapOf(either('parameter')),
        requestBodies: mapOf(either('requestBody')),
        securitySchemes: mapOf(either('securityScheme')),
        headers: mapOf({ type: 'object' }),
        examples: mapOf({ type: 'object' }),
        links: mapOf({ type: 'object' }),
        callbacks: mapOf({ type: 'object' }),
        pathItems: mapOf({ $ref: '#/$defs/pathItem' }),
      }),
      security: { type: 'array', items: { $ref: '#/$defs/securityRequirement' } },
      tags: { type: 'array', items: object({ name: text, description: text, externalDocs: { type: 'object' } }, ['name']) },
      externalDocs: object({ description: text, url: text }, ['url']),
    },
    ['openapi', 'info'],
  ),
  anyOf: [{ required: ['paths'] }, { required: ['components'] }, { required: ['webhooks'] }],
  $defs: {
    reference: { type: 'object', required: ['$ref'], properties: { $ref: { type: 'string', format: 'uri-reference' }, summary: text, description: text }, additionalProperties: false },
    server: object({ url: text, description: text, variables: { type: 'object' } }, ['url']),
    pathItem: object({
      $ref: text,
      summary: text,
      description: text,
      servers: { type: 'array', items: { $ref: '#/$defs/server' } },
      parameters: { type: 'array', items: either('parameter') },
      get: operation,
      put: operation,
      post: operation,
      delete: operation,
      options: operation,
      head: operation,
      patch: operation,
      trace: operation,
    }),
    operation: object(
      {
        tags: { type: 'array', items: text },
        summary: text,
        description: text,
        externalDocs: { type: 'object' },
        operationId: text,
        parameters: { type: 'array', items: either('parameter') },
        requestBody: either('requestBody'),
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^([1-5](\\d\\d|XX)|default|x-.*)$' },
          patternProperties: extensions,
          additionalProperties: either('response'),
        },
        callbacks: { type: 'object' },
        deprecated: { type: 'boolean' },
        security: { type: 'array', items: { $ref: '#/$defs/securityRequirement' } },
        servers: { type: 'array', items: { $ref: '#/$defs/server' } },
      },
      ['responses'],
    ),
    parameter: {
      ...object(
        {
          name: text,
          in: { enum: ['query', 'header', 'path', 'cookie'] },
          description: text,
          required: { type: 'boolean' },
          deprecated: { type: 'boolean' },
          allowEmptyValue: { type: 'boolean' },
          style: text,
          explode: { type: 'boolean' },
          allowReserved: { type: 'boolean' },
          schema: { type: ['object', 'boolean'] },
          example: true,
          examples: { type: 'object' },
          content: mapOf({ $ref: '#/$defs/mediaType' }),
        },
        ['name', 'in'],
      ),
      oneOf: [{ required: ['schema'] }, { required: ['content'] }],
      if: { properties: { in: { const: 'path' } } },
      then: { required: ['required'], properties: { required: { const: true } } },
    },
    requestBody: object({ description: text, content: mapOf({ $ref: '#/$defs/mediaType' }), required: { type: 'boolean' } }, ['content']),
    response: object({ description: text, headers: { type: 'object' }, content: mapOf({ $ref: '#/$defs/mediaType' }), links: { type: 'object' } }, ['description']),
    mediaType: object({ schema: { type: ['object', 'boolean'] }, example: true, examples: { type: 'object' }, encoding: { type: 'object' } }),
    securityScheme: {
      ...object(
        {
          type: { enum: ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'] },
          description: text,
          name: text,
          in: { enum: ['query', 'header', 'cookie'] },
          scheme: text,
          bearerFormat: text,
          flows: { type: 'object' },
          openIdConnectUrl: text,
        },
        ['type'],
      ),
      allOf: [
        { if: { properties: { type: { const: 'apiKey' } } }, then: { required: ['name', 'in'] } },
        { if: { properties: { type: { const: 'http' } } }, then: { required: ['scheme'] } },
      ],
    },
    securityRequirement: mapOf({ type: 'array', items: text }),
  },
};
