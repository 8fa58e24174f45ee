import type { JsonSchema } from './openapi-loader';

/**
 * What only the references (001 Freshcaller, 003 Freshchat) document: endpoints the
 * OpenAPI seeds (000, 002) lack, and query parameters the references add to endpoints
 * the OpenAPI seeds do have. Each schema states the documented fields and no more
 * (`additionalProperties: false`), so a typo in the app's request is a violation.
 * `x-message` replaces ajv's wording for a composite rule (see contract.ts).
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface ReferenceOperation {
  method: HttpMethod;
  /** Relative to the product's base path, OpenAPI template syntax. */
  path: string;
  operationId: string;
  source: string;
  pathParams?: Record<string, JsonSchema>;
  /** Schema of the whole query object; defaults to "no query parameters". */
  query?: JsonSchema;
  /** Schema of a mandatory JSON body. */
  body?: JsonSchema;
}

export interface QueryExtension {
  method: HttpMethod;
  path: string;
  source: string;
  properties: Record<string, JsonSchema>;
  /** Extra rule on the whole query object. */
  constraint?: JsonSchema;
}

export interface ReferenceContract {
  operations: ReferenceOperation[];
  queryExtensions: QueryExtension[];
}

const NO_QUERY: JsonSchema = { type: 'object', additionalProperties: false };
const DATE_TIME: JsonSchema = { type: 'string', format: 'date-time' };
const SORT_ORDER: JsonSchema = { type: 'string', enum: ['asc', 'desc'] };

// 003 "Users > List users by specified criteria": "At least one of the following query
// parameters is mandatory for a successful response."
const USER_FILTERS = [
  'first_name', 'last_name', 'email', 'reference_id', 'phone_no',
  'created_from', 'created_to', 'updated_from', 'updated_to',
] as const;

// 003 "CSAT > Create a CSAT rating for a conversation", request body attributes.
export const CSAT_BODY: JsonSchema = {
  type: 'object',
  required: ['issue_resolved'],
  additionalProperties: false,
  properties: {
    issue_resolved: { type: 'boolean' },
    rating: { type: 'integer', minimum: 1, maximum: 5 },
    additional_feedback: { type: 'string' },
    reopen_conversation: { type: 'boolean' },
  },
  allOf: [
    {
      // "rating: Mandatory if the value of issue_resolved is true" and
      // "Note: A conversation cannot be reopened if issue_resolved is true."
      if: { required: ['issue_resolved'], properties: { issue_resolved: { const: true } } },
      then: { required: ['rating'], properties: { reopen_conversation: { const: false } } },
      'x-message': 'when issue_resolved is true, rating (1-5) is mandatory and reopen_conversation cannot be true (003 CSAT)',
    },
  ],
};

export const FRESHCHAT_REFERENCE: ReferenceContract = {
  operations: [
    {
      method: 'GET', path: '/accounts/configuration', operationId: 'getAccountConfiguration',
      source: '003 Accounts > Retrieve account information', query: NO_QUERY,
    },
    {
      method: 'GET', path: '/users/{user_id}/conversations', operationId: 'listUserConversations',
      source: '003 Users > Retrieve all conversations for a user',
      pathParams: { user_id: { type: 'string', minLength: 1 } }, query: NO_QUERY,
    },
    {
      // 003's curl sample says PUT; the endpoint line and the prose say POST.
      method: 'POST', path: '/csat/{conversation_id}', operationId: 'createCsat',
      source: '003 CSAT > Create a CSAT rating for a conversation',
      pathParams: { conversation_id: { type: 'string', minLength: 1 } }, query: NO_QUERY, body: CSAT_BODY,
    },
  ],
  queryExtensions: [
    {
      method: 'GET', path: '/users', source: '003 Users > List users by specified criteria',
      properties: {
        first_name: { type: 'string' }, last_name: { type: 'string' }, email: { type: 'string' },
        reference_id: { type: 'string' }, phone_no: { type: 'string' },
        created_from: DATE_TIME, created_to: DATE_TIME, updated_from: DATE_TIME, updated_to: DATE_TIME,
        sort_order: SORT_ORDER, sort_by: { type: 'string' },
      },
      constraint: {
        anyOf: USER_FILTERS.map((name) => ({ required: [name] })),
        'x-message': `at least one of ${USER_FILTERS.join(', ')} is mandatory (003 List users)`,
      },
    },
    {
      method: 'GET', path: '/agents', source: '003 Agents > List all agents (query parameters, curl sample)',
      properties: {
        is_deactivated: { type: 'boolean' }, groups: { type: 'string' },
        availability_status: { type: 'string', enum: ['AVAILABLE', 'UNAVAILABLE'] },
        sort_order: SORT_ORDER, sort_by: { type: 'string' },
      },
    },
    {
      method: 'GET', path: '/conversations/{conversation_id}/messages',
      source: '003 Conversations > List messages in a conversation (from_time)',
      properties: { from_time: DATE_TIME },
    },
    {
      method: 'GET', path: '/channels', source: '003 Channels > List all channels (locale, curl sample)',
      properties: {
        locale: { type: 'string' }, page: { type: 'integer', minimum: 1 },
        items_per_page: { type: 'integer', minimum: 1, maximum: 50 }, sort_order: SORT_ORDER, sort_by: { type: 'string' },
      },
    },
    {
      method: 'GET', path: '/groups', source: '003 Groups > List all groups (curl sample)',
      properties: {
        page: { type: 'integer', minimum: 1 }, items_per_page: { type: 'integer', minimum: 1, maximum: 50 },
        sort_order: SORT_ORDER, sort_by: { type: 'string' },
      },
    },
  ],
};

export const FRESHCALLER_REFERENCE: ReferenceContract = {
  operations: [
    {
      // 001 documents the call metric object bare: no `{ "call_metric": ... }` wrapper.
      method: 'GET', path: '/calls/{call_id}/call_metrics', operationId: 'getCallMetrics',
      source: '001 Call Metrics > Retrieve call metric information',
      pathParams: { call_id: { type: 'integer' } }, query: NO_QUERY,
    },
  ],
  queryExtensions: [
    {
      method: 'GET', path: '/call_metrics', source: '001 Call Metrics > List all call metrics (include, curl sample)',
      properties: {
        page: { type: 'integer', minimum: 1 }, per_page: { type: 'integer', minimum: 1, maximum: 100 },
        include: { type: 'string', enum: ['life_cycle'] },
      },
    },
    {
      method: 'GET', path: '/user_statuses', source: '001 Users > Retrieve user statuses (curl sample)',
      properties: { page: { type: 'integer', minimum: 1 }, per_page: { type: 'integer', minimum: 1, maximum: 100 } },
    },
  ],
};
