import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type JsonSchema = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface OperationObject {
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDoc {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema>; parameters?: Record<string, ParameterObject> };
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export const SPEC_DIR = join(__dirname, 'specs');
export const FRESHCALLER_SPEC_FILE = join(SPEC_DIR, 'freshcaller-v1.seed.txt');
export const FRESHCHAT_SPEC_FILE = join(SPEC_DIR, 'freshchat-v2.seed.txt');

/** The seeds open with prose (title, "OpenAPI Specification", a file name); the YAML starts at `openapi:`. */
export function extractYaml(seedText: string): string {
  const match = /^openapi:\s*3\.1/m.exec(seedText);
  if (!match) throw new Error('seed holds no OpenAPI 3.1 document (no line starting with "openapi: 3.1")');
  return seedText.slice(match.index);
}

export function loadOpenApiSeed(file: string): OpenApiDoc {
  const doc = parse(extractYaml(readFileSync(file, 'utf8'))) as OpenApiDoc;
  if (!doc || typeof doc.paths !== 'object') throw new Error(`${file}: OpenAPI document has no paths`);
  return doc;
}

/** `https://{domain}.freshcaller.com/api/v1` gives `/api/v1`. */
export function basePathOf(doc: OpenApiDoc): string {
  const url = doc.servers && doc.servers[0] ? doc.servers[0].url : '';
  return url.replace(/^[a-z]+:\/\/[^/]*/i, '').replace(/\/$/, '');
}

/** Parameters may be `$ref: '#/components/parameters/X'`; the seeds use no other kind of parameter ref. */
export function resolveParameter(doc: OpenApiDoc, param: ParameterObject | { $ref: string }): ParameterObject {
  if ('$ref' in param) {
    const name = param.$ref.replace('#/components/parameters/', '');
    const resolved = doc.components && doc.components.parameters ? doc.components.parameters[name] : undefined;
    if (!resolved) throw new Error(`unresolved parameter ref ${param.$ref}`);
    return resolved;
  }
  return param;
}
