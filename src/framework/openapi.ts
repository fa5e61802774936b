/**
 * `sys/internal/specs/openapi`: an OpenAPI 3 document built from the same
 * path table that routes requests, in the shape Vault's own document has
 * (list as `GET ?list=true`, updates as POST).
 */
import type { PathDefinition } from './path.js';
import type { FieldSchema } from '../field-schema.js';

function schemaOf(field: FieldSchema): Record<string, unknown> {
  const { secret, description, ...schema } = field;
  return secret ? { ...schema, description, writeOnly: true } : { ...schema, description };
}

function openApiPath(mount: string, pattern: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = pattern.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: `/${mount}${path}`, params };
}

export function buildOpenApi(
  sections: Array<{ mount: string; definitions: PathDefinition<unknown>[] }>,
  version: string,
): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const { mount, definitions } of sections) {
    for (const def of definitions) {
      const { path, params } = openApiPath(mount, def.pattern);
      const parameters = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
      const item: Record<string, unknown> = { summary: def.synopsis, description: def.help, parameters };
      const ok = { '200': { description: 'OK' }, '204': { description: 'empty body' } };
      if (def.operations.read || def.operations.list) {
        item.get = {
          summary: def.operations.list ? `List: ${def.synopsis}` : def.synopsis,
          parameters: def.operations.list
            ? [{ name: 'list', in: 'query', required: true, schema: { type: 'string', enum: ['true'] } }]
            : [],
          responses: ok,
        };
      }
      if (def.operations.update) {
        item.post = {
          summary: def.synopsis,
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: Object.fromEntries(Object.entries(def.fields).map(([name, field]) => [name, schemaOf(field)])),
                  required: def.required ?? [],
                },
              },
            },
          },
          responses: ok,
        };
      }
      if (def.operations.delete) item.delete = { summary: def.synopsis, responses: { '204': { description: 'deleted' } } };
      paths[path] = item;
    }
  }
  return { openapi: '3.0.2', info: { title: 'scmpki', description: 'HTTP API of scmpki (Vault-compatible)', version }, paths };
}
