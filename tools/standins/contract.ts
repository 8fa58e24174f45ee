import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  HTTP_METHODS, basePathOf, resolveParameter,
  type JsonSchema, type OpenApiDoc, type OperationObject, type ParameterObject,
} from './openapi-loader';
import type { HttpMethod, ReferenceContract } from './reference-schemas';

/**
 * Request contract of one product: the OpenAPI seed's operations plus the reference-only
 * ones (reference-schemas.ts). Checks path parameters, query parameters (coerced: a query
 * string is text) and JSON bodies with ajv 2020-12, which OpenAPI 3.1 schemas are
 * (docs/platform.md "Toolchain").
 */

export interface Operation {
  method: HttpMethod;
  /** Full path template including the base path, e.g. `/v2/users/{user_id}`. */
  template: string;
  operationId: string;
  source: string;
  regex: RegExp;
  paramNames: string[];
  validatePath: ValidateFunction;
  validateQuery: ValidateFunction;
  validateBody?: ValidateFunction;
  bodyRequired: boolean;
}

export interface RawRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  rawBody: string;
  contentType?: string;
}

export interface ContractCheck {
  operation?: Operation;
  /** Path parameters, coerced to their schema types. */
  params: Record<string, unknown>;
  /** Query parameters, coerced, with the spec's defaults filled in. */
  query: Record<string, unknown>;
  body: unknown;
  violations: string[];
  unknownRoute: boolean;
}

export interface Contract {
  basePath: string;
  operations: Operation[];
  check(request: RawRequest): ContractCheck;
}

function makeAjv(forParameters: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strictTypes: false,
    coerceTypes: forParameters,
    useDefaults: forParameters,
  });
  addFormats(ajv);
  ajv.addKeyword('x-message');
  return ajv;
}

/** `#/components/schemas/X` becomes `<docId>#/$defs/X` so any schema of the doc compiles on its own. */
function rewriteRefs(value: unknown, docId: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, docId));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')
      ? `${docId}#/$defs/${inner.slice('#/components/schemas/'.length)}`
      : rewriteRefs(inner, docId);
  }
  return out;
}

function templateRegex(template: string): { regex: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (param && param[1]) {
        paramNames.push(param[1]);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { regex: new RegExp(`^${pattern}$`), paramNames };
}

function formatErrors(location: 'path' | 'query' | 'body', errors: ErrorObject[] | null | undefined): string[] {
  const list = errors || [];
  const summarised = list.filter((e) => e.keyword === 'anyOf' && e.parentSchema && typeof e.parentSchema['x-message'] === 'string');
  const out = new Set<string>();
  for (const error of list) {
    if (summarised.some((s) => s !== error && error.schemaPath.startsWith(`${s.schemaPath}/`))) continue;
    const custom = error.parentSchema ? error.parentSchema['x-message'] : undefined;
    if ((error.keyword === 'anyOf' || error.keyword === 'if') && typeof custom === 'string') {
      out.add(`${location}: ${custom}`);
      continue;
    }
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'additionalProperties') {
      const name = String(params.additionalProperty);
      out.add(location === 'query' ? `query has unknown parameter '${name}'` : `${location}${error.instancePath} has unknown property '${name}'`);
      continue;
    }
    let detail = '';
    if (error.keyword === 'enum') detail = `: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    if (error.keyword === 'const') detail = `: ${JSON.stringify(params.allowedValue)}`;
    out.add(`${location}${error.instancePath} ${error.message || 'is invalid'}${detail}`);
  }
  return [...out];
}

function queryObject(query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

interface OperationInput {
  method: HttpMethod;
  template: string;
  operationId: string;
  source: string;
  pathSchema: JsonSchema;
  querySchema: JsonSchema;
  bodySchema?: JsonSchema;
  bodyRequired: boolean;
}

function openApiOperations(doc: OpenApiDoc, docId: string, basePath: string, reference: ReferenceContract): OperationInput[] {
  const inputs: OperationInput[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const lower of HTTP_METHODS) {
      const op = item[lower] as OperationObject | undefined;
      if (!op) continue;
      const method = lower.toUpperCase() as HttpMethod;
      const shared = (item.parameters as ParameterObject[] | undefined) || [];
      const params = [...shared, ...(op.parameters || [])].map((p) => resolveParameter(doc, p));
      const pathProps: Record<string, unknown> = {};
      const queryProps: Record<string, unknown> = {};
      const queryRequired: string[] = [];
      for (const p of params) {
        const schema = rewriteRefs(p.schema || {}, docId);
        if (p.in === 'path') pathProps[p.name] = schema;
        if (p.in === 'query') {
          queryProps[p.name] = schema;
          if (p.required) queryRequired.push(p.name);
        }
      }
      const extension = reference.queryExtensions.find((e) => e.method === method && e.path === path);
      const querySchema: JsonSchema = {
        type: 'object',
        properties: { ...queryProps, ...(extension ? extension.properties : {}) },
        required: queryRequired,
        additionalProperties: false,
      };
      if (extension && extension.constraint) querySchema.allOf = [extension.constraint];
      const json = op.requestBody && op.requestBody.content ? op.requestBody.content['application/json'] : undefined;
      inputs.push({
        method,
        template: basePath + path,
        operationId: op.operationId || `${lower} ${path}`,
        source: extension ? `OpenAPI seed; query also per ${extension.source}` : 'OpenAPI seed',
        pathSchema: { type: 'object', properties: pathProps, required: Object.keys(pathProps) },
        querySchema,
        bodySchema: json && json.schema ? (rewriteRefs(json.schema, docId) as JsonSchema) : undefined,
        bodyRequired: Boolean(op.requestBody && op.requestBody.required),
      });
    }
  }
  return inputs;
}

function referenceOperations(basePath: string, reference: ReferenceContract): OperationInput[] {
  return reference.operations.map((op) => {
    const pathProps = op.pathParams || {};
    return {
      method: op.method,
      template: basePath + op.path,
      operationId: op.operationId,
      source: op.source,
      pathSchema: { type: 'object', properties: pathProps, required: Object.keys(pathProps) },
      querySchema: op.query || { type: 'object', additionalProperties: false },
      bodySchema: op.body,
      bodyRequired: Boolean(op.body),
    };
  });
}

export function compileContract(doc: OpenApiDoc, docId: string, reference: ReferenceContract): Contract {
  const basePath = basePathOf(doc);
  const schemas = rewriteRefs((doc.components && doc.components.schemas) || {}, docId);
  const paramAjv = makeAjv(true);
  const bodyAjv = makeAjv(false);
  paramAjv.addSchema({ $id: docId, $defs: schemas });
  bodyAjv.addSchema({ $id: docId, $defs: schemas });

  const inputs = [...openApiOperations(doc, docId, basePath, reference), ...referenceOperations(basePath, reference)];
  const operations: Operation[] = inputs.map((input) => ({
    method: input.method,
    template: input.template,
    operationId: input.operationId,
    source: input.source,
    ...templateRegex(input.template),
    validatePath: paramAjv.compile(input.pathSchema),
    validateQuery: paramAjv.compile(input.querySchema),
    validateBody: input.bodySchema ? bodyAjv.compile(input.bodySchema) : undefined,
    bodyRequired: input.bodyRequired,
  }));
  // A literal segment beats a parameter (`/users/fetch` before `/users/{user_id}`).
  operations.sort((a, b) => a.paramNames.length - b.paramNames.length);

  return {
    basePath,
    operations,
    check: (request) => checkRequest(operations, request),
  };
}

function checkRequest(operations: Operation[], request: RawRequest): ContractCheck {
  const method = request.method.toUpperCase();
  const query = queryObject(request.query);
  const result: ContractCheck = { params: {}, query, body: undefined, violations: [], unknownRoute: false };

  let parsed = false;
  if (request.rawBody.length > 0) {
    try {
      result.body = JSON.parse(request.rawBody);
      parsed = true;
    } catch (err) {
      result.body = request.rawBody;
      result.violations.push(`body is not valid JSON (${(err as Error).message})`);
    }
  }

  const onPath = operations.filter((op) => op.regex.test(request.path));
  const operation = onPath.find((op) => op.method === method);
  if (!operation) {
    result.unknownRoute = true;
    result.violations.push(onPath.length > 0
      ? `unknown route: no ${method} operation on ${onPath[0] ? onPath[0].template : request.path}`
      : `unknown route: ${method} ${request.path}`);
    return result;
  }
  result.operation = operation;

  const match = operation.regex.exec(request.path) || [];
  const params: Record<string, unknown> = {};
  operation.paramNames.forEach((name, i) => {
    try {
      params[name] = decodeURIComponent(match[i + 1] || '');
    } catch {
      result.violations.push(`path parameter ${name} is not valid percent-encoding`);
    }
  });
  if (!operation.validatePath(params)) result.violations.push(...formatErrors('path', operation.validatePath.errors));
  result.params = params;

  if (!operation.validateQuery(query)) result.violations.push(...formatErrors('query', operation.validateQuery.errors));

  const hasBody = request.rawBody.length > 0;
  if (hasBody && !operation.validateBody) result.violations.push(`body not expected for ${method} ${operation.template}`);
  if (!hasBody && operation.bodyRequired) result.violations.push('body is required');
  if (hasBody && operation.validateBody) {
    if (!/^application\/json\b/i.test(request.contentType || '')) {
      result.violations.push(`Content-Type must be application/json, got '${request.contentType || ''}'`);
    }
    if (parsed && !operation.validateBody(result.body)) {
      result.violations.push(...formatErrors('body', operation.validateBody.errors));
    }
  }
  return result;
}
