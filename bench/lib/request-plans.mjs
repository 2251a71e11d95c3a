// The request sequences the load generator replays on every connection (autocannon
// `requests`). A plan is named in the spec sent to the load-generator process, because
// functions cannot cross the process boundary.
import { randomBytes } from 'node:crypto';
import process from 'node:process';

export const ID_PLACEHOLDER = '[<id>]';
let nextId = 0;

/** `<pid>-<request>-<n>` for the n-th placeholder: unique across runs and processes. */
export function fillIds(template) {
  const parts = template.split(ID_PLACEHOLDER);
  if (parts.length === 1) return template;
  nextId += 1;
  let body = parts[0];
  for (let i = 1; i < parts.length; i += 1) body += `${process.pid}-${nextId}-${i}${parts[i]}`;
  return body;
}

const idFrom = (body) => JSON.parse(body).details.id;

/** One request repeated; `[<id>]` placeholders in the body are filled per request. */
function fixed({ method = 'POST', path, body }) {
  return [{ method, path, setupRequest: (req) => (body ? { ...req, body: fillIds(body) } : req) }];
}

/** Create a span, then finish it by the id the server answered. */
function pair({ createBody, finishBody }) {
  return [
    {
      method: 'POST',
      path: '/api/v1/agent_spans',
      setupRequest: (req) => ({ ...req, body: fillIds(createBody) }),
      onResponse: (status, body, context) => {
        if (status < 300) context.spanId = idFrom(body);
      },
    },
    {
      method: 'POST',
      setupRequest: (req, context) => ({
        ...req,
        path: `/api/v1/agent_spans/${encodeURIComponent(context.spanId)}/finish`,
        body: fillIds(finishBody),
      }),
    },
  ];
}

/**
 * One agent run: register an instance, start it, a root span, `childSpans` spans nested
 * under it (created complete, as a tool or llm call is reported when it returns), finish the
 * root, finish the instance.
 */
function agentRun({ registerBody, startBody, rootBody, childBody, childSpans, rootFinishBody, instanceFinishBody }) {
  const fill = (template, context) =>
    fillIds(template.replaceAll('[<instance>]', context.instanceId ?? '').replaceAll('[<root>]', context.rootId ?? ''));
  const post = (pathOf, template, onResponse) => ({
    method: 'POST',
    setupRequest: (req, context) => ({ ...req, path: pathOf(context), body: fill(template, context) }),
    onResponse,
  });
  return [
    post(
      () => '/api/v1/agent_instance/register',
      registerBody,
      (status, body, context) => {
        if (status < 300) context.instanceId = idFrom(body);
      },
    ),
    post((c) => `/api/v1/agent_instance/${c.instanceId}/start`, startBody),
    post(
      () => '/api/v1/agent_spans',
      rootBody,
      (status, body, context) => {
        if (status < 300) context.rootId = idFrom(body);
      },
    ),
    ...Array.from({ length: childSpans }, () => post(() => '/api/v1/agent_spans', childBody)),
    post((c) => `/api/v1/agent_spans/${c.rootId}/finish`, rootFinishBody),
    post((c) => `/api/v1/agent_instance/${c.instanceId}/finish`, instanceFinishBody),
  ];
}

/**
 * One protobuf body (base64) repeated, with every occurrence of the 16 bytes `traceIdHex` replaced
 * by a random trace id per request: each request is a new trace.
 */
function otlpExport({ path, bodyBase64, traceIdHex }) {
  const template = Buffer.from(bodyBase64, 'base64');
  const marker = Buffer.from(traceIdHex, 'hex');
  const offsets = [];
  for (let at = template.indexOf(marker); at >= 0; at = template.indexOf(marker, at + marker.length)) offsets.push(at);
  return [
    {
      method: 'POST',
      path,
      setupRequest: (req) => {
        const body = Buffer.from(template);
        const traceId = randomBytes(16);
        for (const at of offsets) traceId.copy(body, at);
        return { ...req, body };
      },
    },
  ];
}

const PLANS = { fixed, pair, agentRun, otlpExport };

export function buildRequests(plan) {
  const build = PLANS[plan.kind];
  if (!build) throw new Error(`no request plan named ${plan.kind}`);
  return build(plan);
}
